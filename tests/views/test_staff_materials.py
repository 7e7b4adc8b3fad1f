"""Uploading materials: type, magic bytes, size, file-or-link; downloads private while the meeting is a draft (P8)."""
import io
import os

import pytest

from app.audit import AuditEntry
from app.materials.models import Material

from .conftest import SITE_NAME, client_as, count, field_error, text_of

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TYPE_MESSAGE = "Only PDF, OpenDocument, Office, PNG, JPEG and ZIP files are accepted."
EITHER_MESSAGE = "Upload a file or give a link (one of the two)."


def stored_files(app) -> list[str]:
    folder = app.config["UPLOAD_FOLDER"]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def upload(client, meeting, content: bytes | None, filename: str, **fields):
    data = {"title": "第一次公聽會簡報", "category": "briefing", "link_url": "", **fields}
    if content is not None:
        data["file"] = (io.BytesIO(content), filename)
    return client.post(f"/staff/meetings/{meeting.id}/materials", data=data, content_type="multipart/form-data")


def assert_nothing_saved(app, response, field, message):
    assert response.status_code == 400, message
    assert message in (field_error(response, field) or ""), message
    assert 'value="第一次公聽會簡報"' in text_of(response)  # the title typed is kept
    assert count(Material) == 0
    assert count(AuditEntry, AuditEntry.action == "material.attached") == 0
    assert stored_files(app) == []


UNACCEPTABLE = [
    (b"MZ\x90\x00\x03" + b"\x00" * 100, "setup.exe", TYPE_MESSAGE),
    (b"#!/bin/sh\necho hi\n", "run.sh", TYPE_MESSAGE),
    (b"%PDF-1.4 but no extension", "簡報", TYPE_MESSAGE),
    (b"<html><script>alert(1)</script></html>", "page.html", TYPE_MESSAGE),
    (b"MZ\x90\x00\x03" + b"\x00" * 100, "簡報.pdf", "The file's content does not match its extension (pdf)."),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "map.png", "The file's content does not match its extension (png)."),
    (PDF, "disguised.docx", "The file's content does not match its extension (docx)."),
    (b"", "empty.pdf", "The file is empty."),
]


def test_wrong_type_disguised_content_or_empty_file_is_refused_and_nothing_kept(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    for content, filename, message in UNACCEPTABLE:
        assert_nothing_saved(app, upload(client, counties.published_a, content, filename), "file", message)


def test_neither_file_nor_link_is_refused(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    assert_nothing_saved(app, upload(client, counties.published_a, None, ""), "file", EITHER_MESSAGE)


def test_both_file_and_link_is_refused(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    response = upload(client, counties.published_a, PDF, "簡報.pdf", link_url="https://example.tw/a.pdf")
    assert_nothing_saved(app, response, "file", EITHER_MESSAGE)


def test_link_that_is_not_a_web_address_is_refused(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    for link in ("javascript:alert(1)", "ftp://example.tw/a.pdf", "example.tw/a.pdf"):
        response = upload(client, counties.published_a, None, "", link_url=link)
        # The form's URL check answers first; the service's own http(s) check backs it up.
        assert_nothing_saved(app, response, "link_url", "Invalid URL.")


def test_material_needs_a_title(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    response = upload(client, counties.published_a, PDF, "簡報.pdf", title="")
    assert response.status_code == 400
    assert field_error(response, "title") == "This field is required."
    assert count(Material) == 0 and stored_files(app) == []


@pytest.fixture
def small_uploads(app_with, counties):
    """An app that accepts uploads of at most 1 KB, signed in as county A's secretariat."""
    return client_as(app_with(UPLOAD_MAX_BYTES=1024), counties.secretariat_a)


def test_too_large_upload_is_refused_and_nothing_kept(app, small_uploads, counties):
    response = upload(small_uploads, counties.published_a, PDF + b"0" * 4000, "大檔案.pdf")
    assert response.status_code == 400
    assert "the largest accepted is 1.0 KiB." in field_error(response, "file")
    assert count(Material) == 0 and stored_files(app) == []


def test_too_large_message_states_the_files_real_size(small_uploads, counties):
    response = upload(small_uploads, counties.published_a, PDF.ljust(4096, b"0"), "大檔案.pdf")
    # Sizes are Jinja's filesizeformat in binary units, as the materials list shows them.
    assert field_error(response, "file") == "The file is 4.0 KiB; the largest accepted is 1.0 KiB."


def test_upload_at_the_size_limit_is_accepted(app, small_uploads, counties):
    response = upload(small_uploads, counties.published_a, PDF.ljust(1024, b" "), "剛好.pdf")
    assert response.status_code == 302
    assert count(Material) == 1 and len(stored_files(app)) == 1


def test_request_above_the_servers_limit_gets_the_413_page(app, app_with, counties):
    client = client_as(app_with(MAX_CONTENT_LENGTH=2048), counties.secretariat_a)
    response = upload(client, counties.published_a, PDF + b"0" * 5000, "大檔案.pdf")
    assert response.status_code == 413
    body = text_of(response)
    assert SITE_NAME in body and "The upload is larger than the portal accepts. Nothing was saved" in body
    assert count(Material) == 0 and stored_files(app) == []


def download_url(material) -> str:
    return f"/materials/{material.id}/{material.original_filename}"


def test_valid_pdf_is_stored_audited_and_served_publicly_for_a_published_meeting_P8(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    response = upload(client, meeting, PDF, "第一次公聽會簡報.pdf")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/meetings/{meeting.id}"
    material = Material.query.one()
    assert (material.meeting_id, material.content_type, material.size_bytes) == (meeting.id, "application/pdf",
                                                                                  len(PDF))
    assert material.original_filename == "第一次公聽會簡報.pdf"
    assert material.uploaded_by_id == counties.secretariat_a.id
    assert stored_files(app) == [material.stored_name]
    (entry,) = AuditEntry.query.filter_by(action="material.attached").all()
    assert entry.actor_id == counties.secretariat_a.id and entry.organizer_id == counties.a.id
    visitor = app.test_client()
    public_page = text_of(visitor.get(f"/meetings/{meeting.id}"))
    assert "第一次公聽會簡報" in public_page
    served = visitor.get(download_url(material))
    assert served.status_code == 200
    assert served.data == PDF and served.mimetype == "application/pdf"


def test_draft_meetings_file_is_404_for_the_public_until_published_P8(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    draft = counties.draft_a
    assert upload(client, draft, PDF, "草稿簡報.pdf").status_code == 302
    material = Material.query.one()
    assert client.get(download_url(material)).status_code == 200  # the organizer's staff may read it
    visitor = app.test_client()
    response = visitor.get(download_url(material))
    assert response.status_code == 404
    assert SITE_NAME in text_of(response) and PDF not in response.data
    client.post(f"/staff/meetings/{draft.id}/publish", data={"publish_anyway": "yes"})
    assert visitor.get(download_url(material)).data == PDF


def test_draft_meetings_file_is_404_for_another_organizers_staff(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    assert upload(client, counties.draft_a, PDF, "草稿簡報.pdf").status_code == 302
    material = Material.query.one()
    other = client_as(app, counties.secretariat_b)
    assert other.get(download_url(material)).status_code == 404


def test_download_under_another_file_name_is_404(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    assert upload(client, counties.published_a, PDF, "簡報.pdf").status_code == 302
    material = Material.query.one()
    assert client.get(f"/materials/{material.id}/{material.stored_name}").status_code == 404
    assert client.get(f"/materials/{material.id}/../../etc/passwd").status_code == 404


def test_removing_a_material_deletes_its_file(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    assert upload(client, counties.published_a, PDF, "簡報.pdf").status_code == 302
    material = Material.query.one()
    response = client.post(f"/staff/materials/{material.id}/delete")
    assert response.status_code == 302
    assert count(Material) == 0 and stored_files(app) == []
    assert count(AuditEntry, AuditEntry.action == "material.removed") == 1


def test_link_to_a_plan_document_is_kept(client, counties, sign_in):
    sign_in(counties.planner_a)
    response = client.post(f"/staff/plans/{counties.plan_a.id}/materials", data={
        "title": "公告公文", "category": "other", "link_url": "https://gazette.example.tw/a"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/plans/{counties.plan_a.id}/edit"
    material = Material.query.one()
    assert (material.plan_id, material.link_url, material.stored_name) == (
        counties.plan_a.id, "https://gazette.example.tw/a", None)


def test_material_title_and_category_are_edited_and_audited(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    assert upload(client, counties.published_a, PDF, "簡報.pdf").status_code == 302
    material = Material.query.one()
    url = f"/staff/materials/{material.id}/edit"
    page = text_of(client.get(url))
    assert "簡報.pdf" in page and 'name="link_url"' not in page  # a file is replaced by removing it
    response = client.post(url, data={"title": "", "category": "minutes"})
    assert response.status_code == 400 and field_error(response, "title") == "This field is required."
    response = client.post(url, data={"title": "第一次公聽會會議紀錄", "category": "minutes"})
    assert response.status_code == 302
    material = Material.query.one()
    assert (material.title, material.category, material.stored_name) == ("第一次公聽會會議紀錄", "minutes",
                                                                           stored_files(app)[0])
    (entry,) = AuditEntry.query.filter_by(action="material.changed").all()
    assert entry.details["before"]["title"] == "第一次公聽會簡報" and entry.actor_id == counties.secretariat_a.id


def test_link_address_is_edited_but_must_stay_a_web_address(client, counties, sign_in):
    sign_in(counties.planner_a)
    client.post(f"/staff/plans/{counties.plan_a.id}/materials", data={
        "title": "公告公文", "category": "other", "link_url": "https://gazette.example.tw/a"})
    material = Material.query.one()
    url = f"/staff/materials/{material.id}/edit"
    response = client.post(url, data={"title": "公告公文", "category": "other", "link_url": "javascript:alert(1)"})
    assert response.status_code == 400 and field_error(response, "link_url")
    assert Material.query.one().link_url == "https://gazette.example.tw/a"
    response = client.post(url, data={"title": "公告公文", "category": "other", "link_url": "https://gazette.example.tw/b"})
    assert response.status_code == 302
    assert Material.query.one().link_url == "https://gazette.example.tw/b"


def test_another_organizers_material_cannot_be_edited(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    assert upload(client, counties.draft_a, PDF, "草稿簡報.pdf").status_code == 302
    material = Material.query.one()
    other = client_as(app, counties.secretariat_b)
    assert other.post(f"/staff/materials/{material.id}/edit", data={"title": "改", "category": "other"}).status_code == 404
    assert Material.query.one().title == "第一次公聽會簡報"
