"""Workflows for materials: store an upload after checking its type and size, or keep a link."""
import hashlib
import logging
import os
import secrets
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from jinja2.filters import do_filesizeformat  # the templates' filesizeformat(true): 4.0 KiB
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import audit
from ..extensions import db
from ..rules import Problem, web_link_problems
from ..storage import StoreUnavailable, file_store
from ..violations import RuleViolation
from .models import Material

LOG = logging.getLogger("portal.files")
# extension -> (content type, what the first bytes must be)
ALLOWED_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "zip": ("application/zip", (b"PK\x03\x04",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def display_filename(name: str, ext: str) -> str:
    """The uploaded file's own name (Chinese kept), without any path or control characters."""
    base = os.path.basename(name.replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip()[:200]
    return base if base.lower().endswith("." + ext) else f"{base or 'file'}.{ext}"


def check_upload(filename: str, head: bytes, size: int, limit: int) -> tuple[str, str]:
    """The extension and content type of an acceptable upload, or a RuleViolation saying why not."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in ALLOWED_TYPES:
        raise RuleViolation([Problem("file", "file_type_not_allowed")])
    if size == 0:
        raise RuleViolation([Problem("file", "file_empty")])
    if size > limit:
        sizes = {"size": do_filesizeformat(size, True), "limit": do_filesizeformat(limit, True)}
        raise RuleViolation([Problem("file", "file_too_large", sizes)])
    content_type, signatures = ALLOWED_TYPES[ext]
    if not any(head.startswith(sig) for sig in signatures):
        raise RuleViolation([Problem("file", "file_content_mismatch", {"ext": ext})])
    return ext, content_type


def attach_material(owner, *, title: str, category: str, upload=None, link_url: str = "", actor,
                    now: datetime) -> Material:
    """Attach an uploaded file or a link to a meeting or plan; nothing is kept if a check fails."""
    has_file = upload is not None and bool(getattr(upload, "filename", ""))
    link_url = (link_url or "").strip()
    if has_file == bool(link_url):
        raise RuleViolation([Problem("file", "file_or_link_required")])
    material = Material(title=title.strip(), category=category, uploaded_by_id=getattr(actor, "id", None),
                        created_at=now)
    if type(owner).__tablename__ == "meetings":
        material.meeting_id = owner.id
    else:
        material.plan_id = owner.id
    if link_url:
        _check_link(link_url)
        material.link_url = link_url
    else:
        _store_upload(material, upload)
    db.session.add(material)
    try:
        db.session.flush()
    except Exception:  # no row, so no file either (an explicit rollback would do this too, a close does not)
        _remove_files(db.session.info.pop(WRITTEN, []))
        raise
    _stamp(owner, now)
    audit.record(actor, "material.attached", material, {"title": material.title, "owner": type(owner).__tablename__,
                                                        "owner_id": owner.id},
                 now=now, organizer_id=owner.organizer_id)
    return material


class StoredUpload(NamedTuple):
    """An upload as written to the file store: its key and what a row records of it."""

    stored_name: str
    original_filename: str
    content_type: str
    size_bytes: int
    sha256: str


def store_upload(upload) -> StoredUpload:
    """Check an upload (type, first bytes, size; RuleViolation on the field `file`) and write it to the file
    store under a new random name; it is removed again if the transaction rolls back. Materials and the
    files of written opinions are stored alike."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    ext, content_type = check_upload(upload.filename, data[:16], _full_size(upload.stream, len(data)), limit)
    stored, store = f"{secrets.token_hex(16)}.{ext}", file_store()
    db.session.info.setdefault(WRITTEN, []).append((store, stored))  # removed again if the transaction rolls back
    store.put(stored, data, content_type)
    return StoredUpload(stored, display_filename(upload.filename, ext), content_type, len(data),
                        hashlib.sha256(data).hexdigest())


def _store_upload(material: Material, upload):
    (material.stored_name, material.original_filename, material.content_type, material.size_bytes,
     material.sha256) = store_upload(upload)


def change_material(material: Material, owner, *, title: str, category: str, link_url: str = "", actor,
                    now: datetime) -> Material:
    """Change a material's title and category, and a link's address; every change is audited."""
    before = {"title": material.title, "category": material.category, "link_url": material.link_url}
    if material.is_link:
        link_url = (link_url or "").strip()
        _check_link(link_url, required=True)  # a link material stays a link
        material.link_url = link_url
    material.title, material.category = title.strip(), category
    _stamp(owner, now)
    db.session.flush()
    audit.record(actor, "material.changed", material, {"before": before, "title": material.title,
                                                       "category": material.category, "link_url": material.link_url},
                 now=now, organizer_id=owner.organizer_id)
    return material


def _check_link(url: str, required: bool = False):
    """Refuse a link the public should not follow, or a missing one where a link is the material."""
    problems = [Problem("link_url", "link_not_http")] if required and not url else web_link_problems("link_url", url)
    if problems:
        raise RuleViolation(problems)


def _stamp(owner, now: datetime):
    """Mark the meeting or plan as changed, so that its public page is rendered afresh.

    A material is not part of a calendar entry, so a meeting's SEQUENCE stays as it is.
    """
    owner.updated_at = now


def _full_size(stream, already_read: int) -> int:
    """The upload's whole size, counting (not keeping) what lies beyond the part already read."""
    size = already_read
    while chunk := stream.read(64 * 1024):
        size += len(chunk)
    return size


WRITTEN, TO_DELETE = "material_files_written", "material_files_to_delete"


def _remove_files(stored):
    for store, key in stored:
        try:
            store.delete(key)
        except StoreUnavailable:  # an orphan in the store is harmless; a failed commit or rollback is not
            LOG.warning("could not delete %s from the file store", key)


@event.listens_for(Session, "after_commit")
def _files_follow_the_commit(session):
    """A removed material's file is deleted only once its row is; new files are kept."""
    _remove_files(session.info.pop(TO_DELETE, []))
    session.info.pop(WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _files_follow_the_rollback(session):
    """A rolled-back upload leaves no file behind; a removal that did not happen keeps its file."""
    _remove_files(session.info.pop(WRITTEN, []))
    session.info.pop(TO_DELETE, None)


def remove_material(material: Material, owner, *, actor, now: datetime):
    """Delete a material and its stored file."""
    audit.record(actor, "material.removed", material, {"title": material.title}, now=now,
                 organizer_id=owner.organizer_id)
    if material.stored_name:  # the file goes once the row is gone for good (after the commit)
        db.session.info.setdefault(TO_DELETE, []).append((file_store(), material.stored_name))
    db.session.delete(material)
    _stamp(owner, now)
    db.session.flush()
