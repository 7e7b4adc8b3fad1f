"""`flask backup` and `flask restore`: one archive holds a consistent dump of the database and every
stored file, with a manifest of SHA-256 checksums; a restore goes only into an empty database and
an empty file store, and checks every checksum before it writes anything.

The database is dumped with the engine's own consistent tool: PostgreSQL's pg_dump (one snapshot),
SQLite's online backup API (a consistent copy while the portal keeps serving). An archive restores
into the engine it came from.
"""
import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone

from sqlalchemy import inspect, text

from .extensions import db
from .storage import file_store

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why and what to do."""


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _engine_name() -> str:
    name = db.engine.dialect.name
    if name not in DUMPS:
        raise BackupError(f"backing up a {name} database is not supported")
    return name


def _libpq() -> tuple[str, dict]:
    # The password goes in the environment, not the command line, where `ps` would show it.
    url = db.engine.url
    environment = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), environment


def _run(tool: str, *args: str) -> None:
    address, environment = _libpq()
    done = subprocess.run([pg_tool(tool), *args, "--dbname", address], capture_output=True, text=True,
                          env=environment)
    if done.returncode:
        raise BackupError(f"{tool} failed: {done.stderr.strip()}")


def pg_tool(name: str) -> str:
    """The newest installed PostgreSQL client tool `name` (pg_dump must not be older than the server)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    tool = found[-1] if found else shutil.which(name)
    if not tool:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return tool


def _sqlite_path() -> str:
    return db.engine.url.database


def _sqlite_copy(source_path: str, target_path: str) -> None:
    # SQLite's online backup API: a consistent copy while other connections keep writing.
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _dump(engine: str, target: str) -> None:
    if engine == "sqlite":
        _sqlite_copy(_sqlite_path(), target)
        return
    _run("pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", target)


def backup(archive: str, *, now: datetime | None = None) -> dict:
    """Write the archive (tar.gz) and return its manifest."""
    folder = os.path.dirname(os.path.abspath(archive))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise BackupError(f"cannot write the archive: the folder {folder} does not exist or is not writable")
    engine = _engine_name()
    revision = sorted(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    db.session.remove()
    store = file_store()
    with tempfile.TemporaryDirectory() as work:
        dump = os.path.join(work, DUMPS[engine])
        _dump(engine, dump)
        files = _copy_out(store, os.path.join(work, "files"))
        manifest = {"format": FORMAT, "engine": engine, "revision": revision, "store": store.kind,
                    "created_at": (now or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
                    "database": {"path": DUMPS[engine], "sha256": _sha256(dump)}, "files": files}
        partial = archive + ".partial"
        try:
            with tarfile.open(partial, "w:gz") as tar:
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                tar.addfile(info, io.BytesIO(body))
                tar.add(dump, arcname=DUMPS[engine])
                for entry in files:
                    tar.add(os.path.join(work, "files", entry["path"]), arcname="files/" + entry["path"])
            os.replace(partial, archive)  # a half-written archive never carries the final name
        except OSError as error:
            raise BackupError(f"could not write the archive {archive}: {error.strerror or error}") from error
        finally:
            if os.path.exists(partial):
                os.remove(partial)
    return manifest


def _copy_out(store, folder: str) -> list[dict]:
    # One file at a time, so a large store never sits in memory whole.
    files = []
    for key in store.keys():
        data = store.get(key)
        if data is None:  # deleted since it was listed (its row's deletion committed meanwhile)
            continue
        path = os.path.join(folder, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(data)
        files.append({"path": key, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return files


def _database_is_empty(engine: str) -> bool:
    if engine == "sqlite":
        path = _sqlite_path()
        if not os.path.exists(path) or os.path.getsize(path) == 0:
            return True
    return not inspect(db.engine).get_table_names()


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError, TypeError) as error:
        raise BackupError("this is not a portal backup: it has no readable manifest") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not one this version reads ({FORMAT})")
    return manifest


def _check(work: str, manifest: dict) -> None:
    wanted = [(manifest["database"]["path"], manifest["database"]["sha256"])]
    wanted += [("files/" + entry["path"], entry["sha256"]) for entry in manifest["files"]]
    for path, digest in wanted:
        full = os.path.join(work, path)
        if not os.path.isfile(full) or _sha256(full) != digest:
            raise BackupError(f"the archive is damaged: {path} is missing or does not match its checksum")


def restore(archive: str) -> dict:
    """Load the archive into this (empty) database and (empty) file store; return its manifest."""
    engine = _engine_name()
    store = file_store()
    if not _database_is_empty(engine):
        raise BackupError("the database is not empty: restore only into a new, empty database")
    if store.keys():
        raise BackupError("the file store is not empty: restore only into an empty folder or bucket")
    db.session.remove()
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as error:
        raise BackupError("this is not a portal backup: it is not a readable .tar.gz archive") from error
    with tempfile.TemporaryDirectory() as work, tar:
        manifest = _read_manifest(tar)
        if manifest["engine"] != engine:
            raise BackupError(f"this backup is of a {manifest['engine']} database; this portal uses {engine}")
        tar.extractall(work, filter="data")  # no absolute paths, links out of the folder or devices
        _check(work, manifest)
        _load(engine, os.path.join(work, manifest["database"]["path"]))
        for entry in manifest["files"]:
            with open(os.path.join(work, "files", entry["path"]), "rb") as stored:
                store.put(entry["path"], stored.read(), "application/octet-stream")
    return manifest


def _load(engine: str, dump: str) -> None:
    db.engine.dispose()
    if engine == "sqlite":
        _sqlite_copy(dump, _sqlite_path())
        return
    _run("pg_restore", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error", dump)
