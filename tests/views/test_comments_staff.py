"""Staff comment pages: roles (a planner drafts, someone else approves, P2), concurrent edits, bulk answers,
paper opinions, the minutes' refusal and corrections (P2, P5, P6, P8), the dashboard and organizer scope."""
import io
from urllib.parse import quote

from sqlalchemy import select

from app.comments import responses
from app.comments.models import Comment, MinutesVersion, Response, Submission
from app.extensions import db

from .. import factories
from ..comment_builders import answered, exhibited_plan, opinion, oral
from .conftest import client_as, count, field_error, flashes, fresh, text_of

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _setup():
    plan = exhibited_plan()
    org = plan.organizer
    people = {role: factories.staff(role, org) for role in ("planner", "secretariat")}
    people["planner2"] = factories.staff("planner", org)
    comment = opinion(plan).comments[0]
    factories.commit()
    return plan, comment, people


def test_a_planner_drafts_and_another_approves_through_the_pages_P2(app, own_user_per_request):
    plan, comment, people = _setup()
    planner = client_as(app, people["planner"])
    saved = planner.post(f"/staff/comments/{comment.id}/response",
                         data={"decision": "partly", "reasoning": "<p>部分<strong>採納</strong></p>", "version": ""})
    assert saved.status_code == 302
    response = db.session.scalar(select(Response))
    own = planner.post(f"/staff/comments/{comment.id}/approve", data={"version": str(response.version)})
    assert own.status_code == 409 and "someone else must approve" in text_of(own)
    assert fresh(response).status == "draft"
    clerk = client_as(app, people["secretariat"])
    assert clerk.post(f"/staff/comments/{comment.id}/response", data={"decision": "adopted", "reasoning": "x",
                                                                      "version": ""}).status_code == 403
    assert clerk.post(f"/staff/comments/{comment.id}/approve",
                      data={"version": str(fresh(response).version)}).status_code == 302
    assert fresh(response).status == "approved"
    assert clerk.post(f"/staff/comments/{comment.id}/publish", data={"version": ""}).status_code == 302
    assert fresh(response).status == "published"


def test_the_second_editor_is_told_and_nothing_is_overwritten(app, own_user_per_request):
    plan, comment, people = _setup()
    first, second = client_as(app, people["planner"]), client_as(app, people["planner2"])
    first.post(f"/staff/comments/{comment.id}/response", data={"decision": "partly", "reasoning": "初稿", "version": ""})
    seen = str(db.session.scalar(select(Response)).version)
    assert second.post(f"/staff/comments/{comment.id}/response",
                       data={"decision": "adopted", "reasoning": "第二位", "version": seen}).status_code == 302
    stale = first.post(f"/staff/comments/{comment.id}/response",
                       data={"decision": "not_adopted", "reasoning": "第一位的修改", "version": seen})
    assert stale.status_code == 409 and "Someone else changed this response" in " ".join(flashes(stale))
    assert "第一位的修改" in text_of(stale)  # what they typed is kept
    assert "第二位" in fresh(db.session.scalar(select(Response))).reasoning


def test_bad_response_input_is_shown_next_to_the_field(app, own_user_per_request):
    plan, comment, people = _setup()
    page = client_as(app, people["planner"]).post(f"/staff/comments/{comment.id}/response",
                                                  data={"decision": "maybe", "reasoning": "<script></script>",
                                                        "version": ""})
    assert page.status_code == 400
    assert field_error(page, "decision") and field_error(page, "reasoning") == "Write the reasoning for the decision."
    assert count(Response) == 0


def test_another_organizers_staff_see_nothing(app, own_user_per_request):
    plan, comment, people = _setup()
    outsider = client_as(app, factories.staff("planner"))
    factories.commit()
    assert outsider.get(f"/staff/comments/{comment.id}").status_code == 404
    assert outsider.get(f"/staff/comments/plans/{plan.id}").status_code == 404


def test_bulk_answer_from_a_template_keeps_a_response_per_comment(app, own_user_per_request):
    plan, comment, people = _setup()
    others = [opinion(plan, text=f"反對變更 {n}").comments[0] for n in range(2)]
    template = responses.save_template(plan.organizer_id, title="制式回應", decision="not_adopted",
                                       reasoning="<p>依法辦理。</p>", actor=people["planner"], now=factories.now())
    factories.commit()
    planner = client_as(app, people["planner"])
    ids = [str(c.id) for c in [comment, *others]]
    page = planner.post(f"/staff/comments/plans/{plan.id}/bulk", data={"comment_ids": ids, "template_id": template.id,
                                                                      "action": "draft"})
    assert page.status_code == 302 and count(Response) == 3
    assert count(Response, Response.template_id == template.id) == 3
    refused = planner.post(f"/staff/comments/plans/{plan.id}/bulk", data={"action": "draft", "decision": "adopted",
                                                                         "reasoning": "理由"})
    assert refused.status_code == 400 and "Select at least one comment." in text_of(refused)


def test_the_files_of_an_opinion_are_opened_from_its_comment_by_its_organizers_staff_only(app, own_user_per_request):
    plan, comment, people = _setup()
    clerk = client_as(app, people["secretariat"])
    clerk.post(f"/staff/comments/plans/{plan.id}/opinions/new", content_type="multipart/form-data", data={
        "channel": "fax", "received_on": "2026-11-20", "name": "林小姐", "address": "南投縣", "text": "傳真意見",
        "scan": (io.BytesIO(PDF), "傳真掃描.pdf")})
    submission = db.session.scalar(select(Submission).where(Submission.channel == "fax"))
    faxed, record = submission.comments[0], submission.files[0]
    page = clerk.get(f"/staff/comments/{faxed.id}")
    link = f"/staff/comments/{faxed.id}/files/{record.id}/傳真掃描.pdf"
    assert quote(link) in page.get_data(as_text=True) and "scan" in text_of(page)

    opened = clerk.get(link)
    assert opened.status_code == 200 and opened.get_data() == PDF
    assert opened.mimetype == "application/pdf" and "no-store" in opened.headers["Cache-Control"]
    assert clerk.get(f"/staff/comments/{comment.id}/files/{record.id}/傳真掃描.pdf").status_code == 404  # not its file
    assert clerk.get(f"/staff/comments/{faxed.id}/files/{record.id}/other.pdf").status_code == 404
    other = factories.staff("secretariat", factories.organizer("other-county"))
    factories.commit()
    assert client_as(app, other).get(link).status_code == 404  # another organizer's staff
    assert app.test_client().get(link).status_code == 302  # signed out: to the sign-in page


def test_staff_enter_a_paper_opinion_with_a_scan(app, own_user_per_request):
    plan, comment, people = _setup()
    clerk = client_as(app, people["secretariat"])
    page = clerk.post(f"/staff/comments/plans/{plan.id}/opinions/new", content_type="multipart/form-data", data={
        "channel": "paper", "received_on": "2026-11-20", "name": "林小姐", "address": "南投縣", "text": "紙本意見",
        "scan": (io.BytesIO(PDF), "掃描.pdf")})
    assert page.status_code == 302
    submission = db.session.scalar(select(Submission).where(Submission.channel == "paper"))
    assert submission.files[0].is_scan and submission.comments[0].text == "紙本意見"
    missing = clerk.post(f"/staff/comments/plans/{plan.id}/opinions/new", data={
        "channel": "fax", "received_on": "2026-11-20", "name": "林小姐", "address": "", "text": "傳真"})
    assert missing.status_code == 400 and field_error(missing, "address")


def test_minutes_are_refused_with_the_list_then_published_and_corrected_P2_P8(app, own_user_per_request):
    meeting = factories.open_meeting(cases=1)
    planner, approver = factories.staff("planner", meeting.organizer), factories.staff("secretariat", meeting.organizer)
    first = oral(meeting, case_id=meeting.cases[0].id)
    second = oral(meeting, text="第二位發言：請增加說明會。")
    answered(first, planner, approver)
    factories.commit()
    clerk = client_as(app, approver)
    refused = clerk.post(f"/staff/comments/meetings/{meeting.id}/publish", data={"members": "甲委員", "agencies": ""})
    assert refused.status_code == 409 and f"#{second.id}" in text_of(refused)
    assert count(MinutesVersion) == 0
    answered(db.session.get(Comment, second.id), planner, approver)
    factories.commit()
    assert clerk.post(f"/staff/comments/meetings/{meeting.id}/publish",
                      data={"members": "甲委員", "agencies": "農業部"}).status_code == 302
    public = app.test_client().get(f"/meetings/{meeting.id}/minutes")
    assert "請增加說明會" in text_of(public) and "甲委員" in text_of(public)
    clerk.post(f"/staff/comments/meetings/{meeting.id}/resolution",
               data={"case_id": meeting.cases[0].id, "resolution": "修正後通過"})
    no_note = clerk.post(f"/staff/comments/meetings/{meeting.id}/publish", data={"members": "甲委員", "agencies": ""})
    assert no_note.status_code == 409
    assert clerk.post(f"/staff/comments/meetings/{meeting.id}/publish", data={
        "members": "甲委員", "agencies": "農業部", "note": "補記決議"}).status_code == 302
    changes = app.test_client().get(f"/meetings/{meeting.id}/minutes/versions/2/changes")
    assert changes.status_code == 200 and "修正後通過" in text_of(changes)
    assert "Version 1" in text_of(client_as(app, approver).get(f"/meetings/{meeting.id}/minutes"))
    signed = clerk.post(f"/staff/comments/meetings/{meeting.id}/signed-copy", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(PDF), "紀錄.pdf")})
    assert signed.status_code == 302
    assert "Signed official copy" in text_of(client_as(app, approver).get(f"/meetings/{meeting.id}/minutes"))


def test_oral_comments_are_logged_by_staff(app, own_user_per_request):
    meeting = factories.open_meeting(cases=1)
    clerk = factories.staff("secretariat", meeting.organizer)
    factories.commit()
    page = client_as(app, clerk).post(f"/staff/comments/meetings/{meeting.id}/new", data={
        "kind": "oral", "case_id": str(meeting.cases[0].id), "name": "陳先生", "organisation": "",
        "oral_form": "written_version", "text": "請公開簡報。"})
    assert page.status_code == 302
    logged = db.session.scalar(select(Comment))
    assert (logged.source, logged.oral_form, logged.case_id) == ("oral", "written_version", meeting.cases[0].id)


def test_the_button_adds_the_speech_log_and_says_what_is_left_V14(app, own_user_per_request):
    meeting = factories.open_meeting(cases=1)
    clerk = factories.staff("secretariat", meeting.organizer)
    factories.commit()
    page = client_as(app, clerk).post(f"/staff/comments/meetings/{meeting.id}/import-speeches", follow_redirects=True)
    assert page.status_code == 200 and "0 speeches from the day's speech log were added" in text_of(page)
    assert client_as(app, clerk).get(f"/staff/comments/meetings/{meeting.id}/import-speeches").status_code == 405


def test_the_dashboard_counts_missing_and_overdue(app, own_user_per_request):
    plan, comment, people = _setup()
    page = client_as(app, people["secretariat"]).get("/staff/comments/")
    assert page.status_code == 200 and plan.name in text_of(page)
    assert client_as(app, people["secretariat"]).post("/staff/comments/", data={"response_days": "0"}).status_code == 400
    assert client_as(app, people["secretariat"]).post("/staff/comments/", data={"response_days": "14"}).status_code == 302


def test_the_dashboard_writes_nothing_on_a_visit_and_a_wrong_deadline_is_refused_beside_it_kept(
        app, own_user_per_request):
    from app.comments.models import CommentSettings
    _plan, _comment, people = _setup()
    clerk = client_as(app, people["secretariat"])
    clerk.set_cookie("lang", "en")
    page = clerk.get("/staff/comments/")
    assert page.status_code == 200 and 'value="30"' in text_of(page)  # the default, shown
    assert count(CommentSettings) == 0  # a visit made no settings row
    refused = clerk.post("/staff/comments/", data={"response_days": "400"})
    assert refused.status_code == 400 and "between 1 and 365 days" in field_error(refused, "response_days")
    assert 'value="400"' in text_of(refused) and count(CommentSettings) == 0
    assert clerk.post("/staff/comments/", data={"response_days": "14"}).status_code == 302
    assert 'value="14"' in text_of(clerk.get("/staff/comments/"))


def test_published_minutes_export_as_pdf_odt_ods_and_csv_with_their_rows(app, own_user_per_request):
    import re as _re

    from odf import teletype
    from odf.opendocument import load
    from odf.table import TableCell
    from odf.text import P
    from pypdf import PdfReader

    from app.comments.minutes import publish_minutes
    meeting = factories.open_meeting(cases=1)
    planner, approver = factories.staff("planner", meeting.organizer), factories.staff("secretariat", meeting.organizer)
    answered(oral(meeting, case_id=meeting.cases[0].id, text="海岸地區應劃為保育區。"), planner, approver,
             reasoning="<p>參採，劃入國土保育地區。</p>")
    publish_minutes(meeting, members="甲委員", agencies="農業部", actor=approver, now=factories.now())
    factories.commit()
    client = app.test_client()
    cells = [teletype.extractText(c) for c in load(io.BytesIO(client.get(
        f"/meetings/{meeting.id}/minutes.ods").get_data())).getElementsByType(TableCell)]
    assert "海岸地區應劃為保育區。" in cells and "參採，劃入國土保育地區。" in cells
    odt = load(io.BytesIO(client.get(f"/meetings/{meeting.id}/minutes.odt").get_data()))
    assert any("甲委員" in teletype.extractText(p) for p in odt.getElementsByType(P))
    csv_text = client.get(f"/meetings/{meeting.id}/minutes.csv").get_data().decode("utf-8-sig")
    assert "海岸地區應劃為保育區。" in csv_text
    downloaded = client.get(f"/meetings/{meeting.id}/minutes.pdf")
    pdf = PdfReader(io.BytesIO(downloaded.get_data()))
    assert "海岸地區" in _re.sub(r"\s+", "", "".join(page.extract_text() for page in pdf.pages))
    assert client.get(f"/meetings/{meeting.id}/minutes.pdf",
                      headers={"If-None-Match": downloaded.headers["ETag"]}).status_code == 304  # unchanged version
    assert client.get(f"/meetings/{meeting.id}/minutes/print").status_code == 200


def test_a_resolution_for_a_case_no_longer_on_the_meeting_is_refused_not_filed_as_the_meetings(
        app, own_user_per_request):
    from app.comments.models import CaseResolution
    meeting = factories.open_meeting(cases=1)
    clerk = factories.staff("secretariat", meeting.organizer)
    factories.commit()
    client = client_as(app, clerk)
    client.set_cookie("lang", "en")
    for case_id in ("999999", "²"):
        refused = client.post(f"/staff/comments/meetings/{meeting.id}/resolution",
                              data={"case_id": case_id, "resolution": "照案通過"})
        assert refused.status_code == 400 and "Choose one of this meeting's cases." in text_of(refused)
    assert count(CaseResolution) == 0  # not taken as the meeting's own resolution
    saved = client.post(f"/staff/comments/meetings/{meeting.id}/resolution", data={"case_id": "", "resolution": "散會"})
    assert saved.status_code == 302
    assert db.session.scalar(select(CaseResolution.text).where(CaseResolution.case_id.is_(None))) == "散會"
