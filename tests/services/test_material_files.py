"""A material's stored file follows its row: kept or removed only when the transaction ends that way,
in the upload folder and in an S3-compatible object store alike (issue 13 item 1)."""
import io

import pytest
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.materials.models import Material
from app.materials.services import attach_material, remove_material
from app.storage import file_store

pytestmark = pytest.mark.usefixtures("store_kind")

PDF = b"%PDF-1.4\n%%EOF\n"


def upload(make):
    meeting = make.meeting()
    make.commit()
    material = attach_material(meeting, title="簡報", category="briefing",
                               upload=FileStorage(io.BytesIO(PDF), filename="簡報.pdf"), actor=None, now=make.now())
    return meeting, material, material.stored_name


def stored(key: str) -> bool:
    return file_store().get(key) is not None


def test_an_upload_rolled_back_leaves_no_file(make):
    _, _, path = upload(make)
    assert stored(path)
    db.session.rollback()
    assert not stored(path) and Material.query.count() == 0


def test_a_committed_upload_keeps_its_file(make):
    _, _, path = upload(make)
    db.session.commit()
    db.session.rollback()  # a later, unrelated rollback
    assert stored(path)


def test_a_removal_rolled_back_keeps_the_file_and_a_committed_one_deletes_it(make):
    meeting, material, path = upload(make)
    db.session.commit()
    remove_material(material, meeting, actor=None, now=make.now())
    db.session.rollback()
    assert stored(path) and Material.query.count() == 1
    remove_material(Material.query.one(), meeting, actor=None, now=make.now())
    db.session.commit()
    assert not stored(path) and Material.query.count() == 0
