"""The public comment pages: the written-opinion form (P3, P4), the receipt page, the adoption-status table
with Chinese search and masking (P8), open data and documents, and XSS payloads that must never survive."""
import io
import os
import re
from datetime import timedelta

import pytest
from odf import teletype
from odf.draw import Frame
from odf.opendocument import load
from odf.table import TableCell
from odf.text import P
from pypdf import PdfReader
from sqlalchemy import select

from app.comments.links import make_token
from app.comments.minutes import publish_minutes
from app.comments.models import Comment, Submission
from app.extensions import db
from app.outbox.models import OutboxMessage

from .. import factories
from ..comment_builders import answered, exhibited_plan, opinion, oral
from .conftest import count, field_error, text_of

XSS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>',
       "javascript:alert(1)", '<a href="javascript:alert(1)">x</a>', "{{7*7}}<iframe src=//evil>"]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def form(**fields):
    return {"name": "王小明", "organisation": "", "address": "臺中市西屯區臺灣大道三段 99 號",
            "email": "ming@example.tw", "text": "請保留農地。", "consent": "y"} | fields


def test_the_form_is_open_during_the_exhibition_P4(client, make):
    plan = exhibited_plan()
    make.commit()
    page = client.get(f"/plans/{plan.id}/opinions")
    assert page.status_code == 200 and 'name="address"' in text_of(page)


@pytest.mark.parametrize("offset, wording", [(3, "The form opens on the first day"), (-40, "no longer taken")])
def test_outside_the_exhibition_the_page_says_when_and_takes_nothing_P4(client, make, offset, wording):
    today = factories.now().date()
    plan = make.plan(exhibition_starts_on=today + timedelta(days=offset),
                     exhibition_ends_on=today + timedelta(days=offset + 29))
    make.commit()
    client.set_cookie("lang", "en")
    assert wording in text_of(client.get(f"/plans/{plan.id}/opinions"))
    refused = client.post(f"/plans/{plan.id}/opinions", data=form())
    assert refused.status_code == 409 and count(Submission) == 0


def test_an_opinion_is_received_with_a_receipt_and_a_link_to_follow_it(client, make):
    plan = exhibited_plan()
    make.commit()
    sent = client.post(f"/plans/{plan.id}/opinions", data=form(files=(io.BytesIO(PDF), "附件.pdf")),
                       content_type="multipart/form-data", follow_redirects=True)
    submission = db.session.scalar(select(Submission))
    assert sent.status_code == 200 and submission.receipt in text_of(sent)
    assert len(submission.files) == 1 and submission.consented_at is not None
    link = re.search(r'href="(/opinions/[^"]+)"', text_of(sent)).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "請保留農地" in text_of(page)
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get(link[:-3] + "xyz").status_code == 404


@pytest.mark.parametrize("fields, field, message", [
    (dict(name="", organisation="", text="意見"), "name", "Give your name or your organisation's name"),
    (dict(address=""), "address", "Give your address"),
    (dict(text=""), "text", "Write your opinion."),
    (dict(text="字" * 20001), "text", "the most accepted is 20000"),
    (dict(consent=""), "consent", "personal-data notice"),
    (dict(email="王@例子.台灣"), "email", "Latin letters"),
])
def test_bad_input_is_refused_next_to_its_field_and_kept(client, make, fields, field, message):
    plan = exhibited_plan()
    make.commit()
    client.set_cookie("lang", "en")
    response = client.post(f"/plans/{plan.id}/opinions", data=form(**fields))
    assert response.status_code == 400
    assert message in (field_error(response, field) or "")
    assert "臺灣大道三段" in text_of(response) or field == "address"
    assert count(Submission) == 0 and count(Comment) == 0


def test_too_many_attachments_are_refused_next_to_the_field_and_the_text_kept(client, make, app):
    plan = exhibited_plan()
    make.commit()
    client.set_cookie("lang", "en")
    six = [(io.BytesIO(PDF), f"附件{n}.pdf") for n in range(6)]
    response = client.post(f"/plans/{plan.id}/opinions", data=form(files=six), content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Attach at most 5 files." in field_error(response, "files")
    assert "臺灣大道三段" in text_of(response)  # what was typed is kept
    assert count(Submission) == 0
    folder = app.config["UPLOAD_FOLDER"]
    assert not os.path.isdir(folder) or os.listdir(folder) == []


def test_an_attachment_of_the_wrong_type_saves_nothing(client, make, app):
    plan = exhibited_plan()
    make.commit()
    client.set_cookie("lang", "en")
    response = client.post(f"/plans/{plan.id}/opinions", data=form(files=(io.BytesIO(b"MZ\x90\x00"), "virus.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "does not match its extension" in field_error(response, "files")
    assert count(Submission) == 0
    folder = app.config["UPLOAD_FOLDER"]
    assert not os.path.isdir(folder) or os.listdir(folder) == []


def _answered_plan():
    plan = exhibited_plan()
    planner, approver = factories.staff("planner", plan.organizer), factories.staff("secretariat", plan.organizer)
    farm = opinion(plan, text="請保留農地，維持農業使用。")
    coast = opinion(plan, name="", organisation="臺灣海岸保護聯盟", text="海岸地區應劃為國土保育地區。")
    hidden = opinion(plan, name="李四", text="我不希望具名。", confidential=True)
    answered(farm.comments[0], planner, approver, decision="partly", publish=True)
    answered(coast.comments[0], planner, approver, decision="adopted")  # approved, not published
    return plan, farm, coast, hidden


@pytest.mark.parametrize("word, found", [("農地", "請保留農地"), ("海岸", "海岸地區應劃為"), ("台灣海岸", "海岸地區應劃為"),
                                         ("农地", "請保留農地")])
def test_chinese_words_are_found_on_every_engine_P8(client, make, word, found):
    plan, *_ = _answered_plan()
    make.commit()
    page = text_of(client.get(f"/plans/{plan.id}/adoption", query_string={"q": word}))
    assert found in page
    assert ("我不希望具名" in page) is False


@pytest.mark.one_engine
def test_the_adoption_page_masks_names_and_never_shows_addresses_P8(client, make):
    plan, farm, coast, hidden = _answered_plan()
    make.commit()
    client.set_cookie("lang", "en")
    page = text_of(client.get(f"/plans/{plan.id}/adoption"))
    assert "王○○" in page and "王小明" not in page
    assert "臺灣海岸保護聯盟" in page
    assert "李四" not in page and "李○" not in page and "identity withheld on request" in page
    assert "臺灣大道" not in page and "ming@example.tw" not in page
    assert "Partly adopted" in page  # published
    assert page.count("Answer being prepared") == 2  # approved-only and unanswered stay unpublished


def test_filters_by_decision_and_source(client, make):
    plan, *_ = _answered_plan()
    meeting = factories.meeting(plan.organizer, plan)
    oral(meeting, text="口頭意見：公聽會場次太少。")
    make.commit()
    page = text_of(client.get(f"/plans/{plan.id}/adoption", query_string={"decision": "partly"}))
    assert "請保留農地" in page and "海岸地區" not in page
    page = text_of(client.get(f"/plans/{plan.id}/adoption", query_string={"source": "oral"}))
    assert "公聽會場次太少" in page and "請保留農地" not in page
    assert client.get(f"/plans/{plan.id}/adoption", query_string={"meeting": "x' OR 1=1", "page": "-1"}).status_code == 200


@pytest.mark.one_engine
def test_open_data_has_the_documented_columns(client, make):
    plan, *_ = _answered_plan()
    make.commit()
    data = client.get(f"/plans/{plan.id}/adoption.json").get_json()
    columns = text_of(client.get("/open-data/comments"))
    assert all(name in columns for name in data["columns"])
    farm = next(r for r in data["records"] if "農地" in r["text"])
    assert farm["decision"] == "partly" and farm["commenter"] == "王○○" and "address" not in farm
    csv_text = client.get(f"/plans/{plan.id}/adoption.csv").get_data().decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("comment_id,received_on") and "王○○" in csv_text


def _odf_text(body: bytes) -> str:
    document = load(io.BytesIO(body))
    return "\n".join(teletype.extractText(p) for p in document.getElementsByType(P))


@pytest.mark.one_engine
def test_adoption_exports_parse_as_odt_ods_and_pdf_with_chinese_text(client, make):
    plan, *_ = _answered_plan()
    make.commit()
    ods = client.get(f"/plans/{plan.id}/adoption.ods")
    cells = [teletype.extractText(c) for c in load(io.BytesIO(ods.get_data())).getElementsByType(TableCell)]
    assert "請保留農地，維持農業使用。" in cells and "王○○" in cells
    odt = _odf_text(client.get(f"/plans/{plan.id}/adoption.odt").get_data())
    assert "海岸地區應劃為國土保育地區。" in odt
    pdf = client.get(f"/plans/{plan.id}/adoption.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_data())).pages))
    assert "農地" in text and "海岸" in text
    again = client.get(f"/plans/{plan.id}/adoption.pdf", headers={"If-None-Match": pdf.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""  # not written again while the table is the same
    assert client.get(f"/plans/{plan.id}/adoption.pdf?decision=adopted",
                      headers={"If-None-Match": pdf.headers["ETag"]}).status_code == 200  # another table


@pytest.mark.one_engine
def test_xss_payloads_never_survive_into_pages_exports_or_mail(client, make):
    plan = exhibited_plan()
    planner, approver = factories.staff("planner", plan.organizer), factories.staff("secretariat", plan.organizer)
    meeting = factories.meeting(plan.organizer, plan)
    for payload in XSS:
        submission = opinion(plan, name=payload[:70], organisation=payload[:70], text=f"農地 {payload}",
                             address=payload)
        answered(submission.comments[0], planner, approver, reasoning=f"<p>理由 {payload}</p>", publish=True)
        oral(meeting, text=f"口頭 {payload}", name=payload[:70])
    for comment in db.session.scalars(select(Comment).where(Comment.meeting_id == meeting.id)):
        answered(comment, planner, approver, reasoning=f"<p>理由 {payload}</p>")
    publish_minutes(meeting, members=XSS[0], agencies=XSS[1], actor=approver, now=factories.now())
    make.commit()
    token = make_token(submission)
    pages = [client.get(f"/plans/{plan.id}/adoption"), client.get(f"/plans/{plan.id}/adoption", query_string={
        "q": XSS[0]}), client.get(f"/opinions/{token}"), client.get(f"/meetings/{meeting.id}/minutes"),
        client.get(f"/plans/{plan.id}/adoption/print"), client.get(f"/meetings/{meeting.id}/minutes/print")]
    for page in pages:
        body = page.get_data(as_text=True)
        assert page.status_code == 200
        assert not re.search(r"<(img|svg|iframe)\b|<script>alert", body, re.I)
        for tag in re.findall(r"<[a-zA-Z][^>]*>", body):  # every real tag: no handler, no script link
            assert not re.search(r"\son\w+=|javascript:", tag, re.I), tag
    for url in (f"/plans/{plan.id}/adoption.ods", f"/plans/{plan.id}/adoption.odt",
                f"/meetings/{meeting.id}/minutes.odt", f"/meetings/{meeting.id}/minutes.ods"):
        document = load(io.BytesIO(client.get(url).get_data()))  # parses: the payloads stayed text, not markup
        assert not document.getElementsByType(Frame)
        assert "農地 <script>alert(1)</script>" in _odf_text(client.get(url).get_data()) or "minutes" in url
    records = client.get(f"/plans/{plan.id}/adoption.json").get_json()["records"]
    assert all(not re.search(r"<\w", r["reasoning"]) for r in records)  # answers are plain text in open data
    for message in db.session.scalars(select(OutboxMessage)):
        assert "<script" not in message.body and "onerror" not in message.body
        assert "<script" not in message.subject


def test_the_adoption_page_and_its_downloads_ignore_numbers_that_are_not_plain_digits(client, make):
    plan, *_rest = _answered_plan()
    make.commit()
    for query in ("page=²", "meeting=²", "page=١٢", "meeting=99999999999999999999"):
        assert client.get(f"/plans/{plan.id}/adoption?{query}").status_code == 200, query
    assert client.get(f"/plans/{plan.id}/adoption.csv?meeting=²").status_code == 200


def test_an_address_typed_in_full_width_letters_is_kept_as_one_the_outbox_can_send_to(client, make):
    plan = exhibited_plan()
    make.commit()
    sent = client.post(f"/plans/{plan.id}/opinions", data=form(email="ｍｉｎｇ＠ｅｘａｍｐｌｅ．ｔｗ"))
    assert sent.status_code == 302
    assert db.session.scalar(select(Submission.email)) == "ming@example.tw"
