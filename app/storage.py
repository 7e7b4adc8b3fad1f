"""Where uploaded files live: a local folder (the embedded default) or an S3-compatible object store.

Both stores answer the same five questions (put, get, delete, keys, ready), so materials, opinion
attachments and backups never ask which one they have. The S3 store is chosen by setting
S3_BUCKET; several app hosts then share the files. Keys are flat names made by the app
(`<random>.pdf`), never a visitor's file name.
"""
import os
import re

from flask import current_app

_SAFE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,200}")


class StoreUnavailable(RuntimeError):
    """The object store did not answer (or refused our credentials); nothing was stored."""


def _checked(key: str) -> str:
    if not _SAFE_KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class FolderStore:
    """Files in one folder on this host's disk (UPLOAD_FOLDER, default instance/uploads)."""

    kind = "folder"

    def __init__(self, folder: str):
        self.folder = folder

    def _path(self, key: str) -> str:
        return os.path.join(self.folder, _checked(key))

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key` (replacing what was there)."""
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(data)

    def get(self, key: str) -> bytes | None:
        """The stored bytes, or None when there is no such file."""
        try:
            with open(self._path(key), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def open(self, key: str):
        """A binary file object to read the stored file from, or None when there is none."""
        try:
            return open(self._path(key), "rb")  # noqa: SIM115  (the response closes it)
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        """Remove the file if it is there."""
        try:
            os.remove(self._path(key))
        except FileNotFoundError:
            pass

    def keys(self) -> list[str]:
        """Every stored key, sorted."""
        found = []
        for root, _dirs, names in os.walk(self.folder):
            found += [os.path.relpath(os.path.join(root, name), self.folder).replace(os.sep, "/") for name in names]
        return sorted(found)

    def ready(self) -> bool:
        """The folder exists (it is made if need be) and this process may write in it."""
        try:
            os.makedirs(self.folder, exist_ok=True)
        except OSError:
            return False
        return os.path.isdir(self.folder) and os.access(self.folder, os.W_OK)


class S3Store:
    """Objects in one bucket of an S3-compatible store (AWS S3, MinIO, SeaweedFS, Ceph…), optionally
    under a key prefix (S3_PREFIX, e.g. "portal/"), so that one bucket may hold several portals' files."""

    kind = "s3"

    def __init__(self, client, bucket: str, prefix: str = ""):
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def _call(self, method: str, **arguments):
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415  (only with S3 configured)
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **arguments)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code in ("NoSuchKey", "404"):
                return None
            raise StoreUnavailable(f"the object store refused {method}: {code}") from error
        except BotoCoreError as error:
            raise StoreUnavailable(f"the object store did not answer {method}") from error

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key` (replacing what was there)."""
        self._call("put_object", Key=self.prefix + _checked(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes | None:
        """The stored bytes, or None when there is no such object."""
        found = self._call("get_object", Key=self.prefix + _checked(key))
        return None if found is None else found["Body"].read()

    def open(self, key: str):
        """A stream of the object's bytes (read as the response is sent), or None when there is none."""
        found = self._call("get_object", Key=self.prefix + _checked(key))
        return None if found is None else found["Body"]

    def delete(self, key: str) -> None:
        """Remove the object (S3 answers the same whether it was there or not)."""
        self._call("delete_object", Key=self.prefix + _checked(key))

    def keys(self) -> list[str]:
        """Every key in the bucket, sorted (page by page: a bucket may hold many thousands)."""
        found, token = [], None
        while True:
            page = self._call("list_objects_v2", Prefix=self.prefix, **({"ContinuationToken": token} if token else {}))
            found += [item["Key"][len(self.prefix):] for item in (page or {}).get("Contents", [])]
            token = (page or {}).get("NextContinuationToken")
            if not token:
                return sorted(found)

    def ready(self) -> bool:
        """The bucket answers to our credentials."""
        try:
            self._call("head_bucket")
        except StoreUnavailable:
            return False
        return True


def _s3_client(config):
    import boto3  # noqa: PLC0415  (a dependency only hosts with S3_BUCKET load)
    from botocore.config import Config as BotoConfig  # noqa: PLC0415
    return boto3.client(
        "s3", endpoint_url=config.get("S3_ENDPOINT_URL") or None, region_name=config.get("S3_REGION") or "us-east-1",
        aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        config=BotoConfig(connect_timeout=2, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"},
                          s3={"addressing_style": "path"}))


def upload_folder(app) -> str:
    """The local folder of uploaded files: UPLOAD_FOLDER, else instance/uploads."""
    return app.config.get("UPLOAD_FOLDER") or os.path.join(app.instance_path, "uploads")


SETTINGS = ("S3_BUCKET", "S3_PREFIX", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY",
            "UPLOAD_FOLDER")


def file_store():
    """This app's store: S3 when S3_BUCKET is set, else the upload folder (made once per app)."""
    app = current_app._get_current_object()
    config = app.config
    wanted = tuple(config.get(name) for name in SETTINGS)
    cached = app.extensions.get("file_store")
    if cached is None or cached[0] != wanted:
        if config.get("S3_BUCKET"):
            store = S3Store(_s3_client(config), config["S3_BUCKET"], config.get("S3_PREFIX") or "")
        else:
            store = FolderStore(upload_folder(app))
        cached = (wanted, store)
        app.extensions["file_store"] = cached
    return cached[1]
