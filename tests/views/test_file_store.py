"""Issue 13 item 1: uploaded files in an S3-compatible object store (SeaweedFS on loopback), served with the
same safety headers as from the local folder, shared by two portal instances, and moved there by a command."""
import hashlib
import io

import pytest
from werkzeug.datastructures import FileStorage

from app import create_app
from app.extensions import db
from app.materials.services import attach_material
from app.storage import StoreUnavailable, file_store

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ZIP = b"PK\x03\x04" + b"\x00" * 60


def attach(make, data=PDF, filename="第一次公聽會簡報.pdf"):
    meeting = make.meeting()
    material = attach_material(meeting, title="簡報", category="briefing", actor=None, now=make.now(),
                               upload=FileStorage(io.BytesIO(data), filename=filename))
    make.commit()
    return material


def test_a_file_in_the_store_is_served_with_the_same_safety_headers(client, make, store_kind):
    material = attach(make)
    response = client.get(f"/materials/{material.id}/{material.original_filename}")
    assert response.status_code == 200 and response.get_data() == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Disposition"].startswith("inline")  # a PDF opens in the browser
    again = client.get(f"/materials/{material.id}/{material.original_filename}",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304

    archive = attach(make, ZIP, "圖資.zip")
    download = client.get(f"/materials/{archive.id}/{archive.original_filename}")
    assert download.headers["Content-Disposition"].startswith("attachment")  # anything else is downloaded
    assert download.get_data() == ZIP


def test_a_file_missing_from_the_store_is_a_404_not_a_500(client, make, store_kind):
    material = attach(make)
    file_store().delete(material.stored_name)
    assert client.get(f"/materials/{material.id}/{material.original_filename}").status_code == 404


def test_what_one_instance_stores_the_other_serves(app, make, s3_bucket, tmp_path):
    app.config.update(s3_bucket)
    material = attach(make)
    # A second portal on the same database and bucket, with an instance folder of its own.
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "UPLOAD_FOLDER": str(tmp_path / "other-host"), **s3_bucket})
    response = other.test_client().get(f"/materials/{material.id}/{material.original_filename}")
    assert response.status_code == 200 and response.get_data() == PDF
    assert not (tmp_path / "other-host").exists() or not any((tmp_path / "other-host").iterdir())
    with other.app_context():
        db.engine.dispose()


def test_readyz_reports_a_store_that_refuses_our_credentials(client, app, s3_bucket):
    app.config.update({**s3_bucket, "S3_SECRET_ACCESS_KEY": "not-the-secret"})
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["checks"]["storage"] == "unavailable"
    app.config.update(s3_bucket)
    assert client.get("/readyz").get_json()["checks"]["storage"] == "ok"


def test_a_store_that_refuses_keeps_no_row(app, make, s3_bucket):
    app.config.update({**s3_bucket, "S3_SECRET_ACCESS_KEY": "not-the-secret"})
    meeting = make.meeting()
    make.commit()
    with pytest.raises(StoreUnavailable):
        attach_material(meeting, title="簡報", category="briefing", actor=None, now=make.now(),
                        upload=FileStorage(io.BytesIO(PDF), filename="簡報.pdf"))
    db.session.rollback()
    from app.materials.models import Material
    assert db.session.query(Material).count() == 0


def test_local_files_move_into_the_store_and_a_second_run_changes_nothing(app, make, runner, s3_bucket):
    material = attach(make)  # stored in the upload folder (no bucket yet)
    app.config.update(s3_bucket)
    assert file_store().get(material.stored_name) is None
    result = runner.invoke(args=["store-import-local"])
    assert result.exit_code == 0, result.output
    assert "Copied 1 files" in result.output
    assert hashlib.sha256(file_store().get(material.stored_name)).hexdigest() == material.sha256
    again = runner.invoke(args=["store-import-local"])
    assert "Copied 0 files" in again.output and "1 were already there" in again.output


def test_importing_without_a_bucket_is_refused(runner):
    result = runner.invoke(args=["store-import-local"])
    assert result.exit_code != 0 and "Set S3_BUCKET" in result.output
