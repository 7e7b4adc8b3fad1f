"""Issue 13 item 4: `flask backup` writes one archive; `flask restore` loads it into an empty database
and store, refuses a non-empty one, and the restored portal serves the same pages, exports and files."""
import io
import json
import re
import tarfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree

import flask_migrate
import pypdf
import pytest

from app import create_app
from app.demo import DEMO_PASSWORD, load_demo_data
from app.extensions import db
from app.materials.models import Material
from app.meetings.models import Meeting

from ..conftest import ENGINES, postgres_database, sqlite_database

CSRF_TOKEN = re.compile(rb'name="csrf_token" value="[^"]+"')
SECRETARIATS = ("taichung@demo.landuse.tw", "yilan@demo.landuse.tw", "moi@demo.landuse.tw")


@pytest.fixture(scope="module", params=ENGINES)
def engine(request):
    return request.param


def _url(request, tmp_path_factory, engine: str, name: str) -> str:
    return postgres_database(request, name) if engine == "postgresql" else sqlite_database(tmp_path_factory, name)


@pytest.fixture(scope="module")
def backed_up(request, tmp_path_factory, engine):
    """A migrated portal with the demo data, and the archive `flask backup` wrote of it (once per engine)."""
    folder = tmp_path_factory.mktemp("source")
    source = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": _url(request, tmp_path_factory, engine, "backup_source"),
                         "UPLOAD_FOLDER": str(folder / "uploads")})
    with source.app_context():
        flask_migrate.upgrade()
        load_demo_data(now=datetime.now(timezone.utc))
        db.session.commit()
        db.session.remove()
    archive = str(folder / "portal-backup.tar.gz")
    code, output = _run(source, "backup", archive)
    assert code == 0, output
    yield source, archive, output
    with source.app_context():
        db.engine.dispose()


@pytest.fixture
def target(request, tmp_path_factory, tmp_path, engine):
    """An empty portal on the same engine: no tables, no files."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": _url(request, tmp_path_factory, engine, "backup_target"),
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    yield app
    with app.app_context():
        db.engine.dispose()


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def _public_pages(app) -> dict[str, tuple[int, bytes]]:
    """Every page a visitor reaches by following links from the home page and the meeting list."""
    client, seen, queue = app.test_client(), {}, ["/", "/meetings", "/plans", "/calendar.ics"]
    client.set_cookie("lang", "zh_Hant_TW")
    while queue and len(seen) < 200:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        # A form's CSRF token belongs to the visitor's session, not to the data: the one thing set aside.
        seen[path] = (response.status_code, _comparable(path, response.get_data()))
        if response.mimetype == "text/html":
            for link in re.findall(r'href="(/[^"#]*)"', response.get_data(as_text=True)):
                link = link.replace("&amp;", "&")
                if not link.startswith(("/staff", "/static", "//")) and link not in seen:
                    queue.append(link)
    return seen


def _exports(app) -> dict[str, tuple[int, bytes]]:
    """Each secretariat's desk exports and sign-in sheets of every meeting."""
    found = {}
    with app.app_context():
        meetings = db.session.scalars(db.select(Meeting.id).order_by(Meeting.id)).all()
        db.session.remove()
    for email in SECRETARIATS:
        client = app.test_client()
        assert client.post("/staff/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
        for meeting in meetings:
            for path in (f"/staff/meetings/{meeting}/applications.csv", f"/staff/meetings/{meeting}/applications.ods",
                         f"/staff/meetings/{meeting}/sign-in-sheet"):
                response = client.get(path)
                found[f"{email} {path}"] = (response.status_code, _comparable(path, response.get_data()))
    return found


def _comparable(path: str, body: bytes) -> bytes:
    """The bytes that carry the data: an OpenDocument's content.xml (its zip and meta.xml stamp the time
    it was written), a PDF's text (its creation date differs), a page without its session's CSRF token."""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as document:  # canonical XML: odfpy's namespace order varies
            return ElementTree.canonicalize(document.read("content.xml").decode()).encode()
    if body.startswith(b"%PDF") and path.endswith(".pdf") and not path.startswith("/materials/"):
        return "\f".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages).encode()
    return CSRF_TOKEN.sub(b"csrf", body)


def _files(folder: str) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def test_a_restored_portal_serves_the_same_pages_exports_and_files(backed_up, target):
    source, archive, output = backed_up
    with source.app_context():
        stored = db.session.scalar(db.select(db.func.count(Material.id)).where(Material.stored_name.is_not(None)))
        db.session.remove()
    assert stored >= 4  # the demo's uploaded PDFs
    assert f"{stored} stored files" in output

    code, output = _run(target, "restore", archive)
    assert code == 0, output
    assert "every checksum verified" in output

    pages = _public_pages(source)
    assert len([p for p in pages if p.startswith("/meetings/")]) >= 8
    assert any(p.startswith("/materials/") and status == 200 for p, (status, _b) in pages.items())
    assert _public_pages(target) == pages
    exports = _exports(source)
    assert sum(status == 200 for status, _body in exports.values()) >= 6
    assert _exports(target) == exports
    files = _files(source.config["UPLOAD_FOLDER"])
    assert len(files) == stored and _files(target.config["UPLOAD_FOLDER"]) == files


def test_restore_refuses_a_database_that_is_not_empty(backed_up):
    source, archive, _output = backed_up
    code, output = _run(source, "restore", archive)
    assert code != 0 and "the database is not empty" in output


def test_restore_refuses_a_damaged_archive_and_writes_nothing(backed_up, target, tmp_path):
    archive, damaged = backed_up[1], tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as original, tarfile.open(damaged, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            if member.name.startswith("files/"):
                data = data[:-1] + bytes([data[-1] ^ 1])  # one bit of one stored file
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    code, output = _run(target, "restore", str(damaged))
    assert code != 0 and "the archive is damaged" in output
    with target.app_context():
        assert db.inspect(db.engine).get_table_names() == []
        db.engine.dispose()
    assert _files(target.config["UPLOAD_FOLDER"]) == {}


def _manifest(archive) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def test_a_backup_restores_into_an_object_store_and_backs_up_from_it(backed_up, target, s3_bucket, tmp_path):
    source, archive, _output = backed_up
    target.config.update(s3_bucket)
    code, output = _run(target, "restore", archive)
    assert code == 0, output
    assert _public_pages(target) == _public_pages(source)  # the materials now come from the bucket
    again = str(tmp_path / "from-the-store.tar.gz")
    assert _run(target, "backup", again)[0] == 0
    first, second = _manifest(archive), _manifest(again)
    assert (first["store"], second["store"]) == ("folder", "s3")
    assert second["files"] == first["files"] and len(first["files"]) >= 4


def test_a_file_that_is_no_archive_and_a_folder_that_does_not_exist_get_a_message_not_a_traceback(
        backed_up, target, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup")
    code, output = _run(target, "restore", str(notes))
    assert code == 1 and "not a readable .tar.gz archive" in output and "Traceback" not in output
    source = backed_up[0]
    missing = tmp_path / "no-such-folder" / "portal.tar.gz"
    code, output = _run(source, "backup", str(missing))
    assert code == 1 and "does not exist or is not writable" in output and "Traceback" not in output
    assert not missing.parent.exists()
