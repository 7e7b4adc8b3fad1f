"""Staff pages of the directory and of a meeting's notices, scoped to the organizer (P10, P11, W3)."""
import io
import zipfile

import pytest
from sqlalchemy import func, select

from app.meetings.models import SuggestedAttendance
from app.outbox.models import OutboxMessage
from app.spreadsheets import to_csv
from app.stakeholders.models import AttendanceLink, Notice, Organisation
from app.stakeholders.spreadsheets import read_rows

from .conftest import count, field_error, text_of

CSV = to_csv([
    ["name", "kind", "standing", "contact", "role", "email", "phone", "counties", "kinds", "plans", "topics"],
    ["臺中市濕地保護聯盟", "ngo", "", "林小姐", "秘書", "lin@wetland.example.tw", "", "taichung", "", "", ""],
    ["", "ngo", "", "無名", "", "nameless@example.tw", "", "", "", "", ""],
    ["山城社區", "community", "", "陳先生", "", "chen@example", "", "", "", "", ""],
    ["臺中市濕地保護聯盟", "ngo", "", "林小姐", "秘書", "lin@wetland.example.tw", "", "", "", "", ""],
    ["海線青年", "ngo", "", "黃", "", "huang@example.tw", "", "atlantis", "", "", ""],
])


def test_organisation_is_created_and_shown_only_to_its_organizer(counties, sign_in, client, db):
    sign_in(counties.secretariat_a)
    response = client.post("/staff/directory/new", data={
        "name": "濕地保護聯盟", "kind": "ngo", "standing": "y", "counties": ["taichung"],
        "contacts": "林小姐, 秘書, lin@example.tw, 04-1234", "topics": "濕地", "note": ""})
    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation))
    assert organisation.standing and organisation.organizer_id == counties.a.id
    assert [c.email for c in organisation.contacts] == ["lin@example.tw"]
    page = client.get(f"/staff/directory/{organisation.id}")
    assert "“濕地保護聯盟” was added to the directory" in text_of(page) and "/subscribe/record/" in text_of(page)
    assert "directory.created" not in text_of(page)
    assert "濕地保護聯盟" in text_of(client.get("/staff/directory/?q=濕地"))

    sign_in(counties.secretariat_b)
    assert client.get(f"/staff/directory/{organisation.id}").status_code == 404
    assert "濕地保護聯盟" not in text_of(client.get("/staff/directory/"))


def test_a_contact_without_a_valid_address_is_refused_next_to_the_field(counties, sign_in, client):
    sign_in(counties.secretariat_a)
    response = client.post("/staff/directory/new", data={"name": "聯盟", "kind": "ngo", "contacts": "林小姐, 秘書, lin@"})
    assert response.status_code == 400 and "Line 1" in text_of(response)
    assert count(Organisation) == 0


def test_import_runs_dry_first_then_applies_and_twice_changes_nothing(counties, sign_in, client, db):
    sign_in(counties.secretariat_a)
    dry = client.post("/staff/directory/import", data={"file": (io.BytesIO(CSV), "d.csv")},
                      content_type="multipart/form-data")
    page = text_of(dry)
    assert dry.status_code == 200 and count(Organisation) == 0
    for reason in ("the name is missing", "the e-mail address is not valid", "the same organisation and contact as row",
                   "unknown county：atlantis"):
        assert reason in page
    data = __import__("re").search(r'name="data" value="([^"]+)"', dry.get_data(as_text=True)).group(1)
    applied = client.post("/staff/directory/import", data={"data": data, "filename": "d.csv", "apply": "1"})
    assert applied.status_code == 302 and count(Organisation) == 1
    client.post("/staff/directory/import", data={"data": data, "filename": "d.csv", "apply": "1"})
    assert count(Organisation) == 1

    exported = client.get("/staff/directory/export.csv")
    assert [r["name"] for r in read_rows("x.csv", exported.data)] == ["臺中市濕地保護聯盟"]
    ods = client.get("/staff/directory/export.ods")
    assert zipfile.ZipFile(io.BytesIO(ods.data)).read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"


def test_staff_preview_recipients_and_message_then_send_and_export_the_report(counties, sign_in, client, db, make):
    from app.stakeholders.directory import new_organisation
    from app.stakeholders.models import Contact
    organisation = new_organisation(counties.a.id, "國土管理署", now=make.now())
    organisation.standing = True
    organisation.contacts.append(Contact(email="nlma@example.tw", email_key="nlma@example.tw"))
    make.commit()
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    before = count(OutboxMessage)

    shown = client.post(f"/staff/meetings/{meeting.id}/notices/preview", data={"note": "請攜帶身分證件。"})
    assert shown.status_code == 200
    assert "nlma@example.tw" in text_of(shown) and "請攜帶身分證件。" in text_of(shown)
    assert count(OutboxMessage) == before  # a preview sends nothing

    sent = client.post(f"/staff/meetings/{meeting.id}/notices/send", data={"note": "請攜帶身分證件。"})
    assert sent.status_code == 302
    notice = db.session.scalar(select(Notice).where(Notice.kind == "manual"))
    assert notice.recipients == 1 and notice.actor_id == counties.secretariat_a.id
    report = client.get(f"/staff/meetings/{meeting.id}/notices/report.csv")
    rows = read_rows("r.csv", report.data)
    assert any(r["recipient"] == "nlma@example.tw" for r in rows) or "nlma@example.tw" in report.data.decode()
    assert client.get(f"/staff/meetings/{meeting.id}/notices/report.ods").status_code == 200
    page = client.get(f"/staff/meetings/{meeting.id}/notices")
    assert "請攜帶身分證件。" in text_of(page)

    sign_in(counties.secretariat_b)
    assert client.get(f"/staff/meetings/{meeting.id}/notices").status_code == 404
    assert client.get(f"/staff/meetings/{meeting.id}/notices/report.csv").status_code == 404


def test_official_announcement_in_html_and_odt(counties, sign_in, client):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    page = text_of(client.get(f"/staff/meetings/{meeting.id}/announcement"))
    for part in ("主旨", "依據", "公告事項", "國土計畫法第12條", meeting.title, meeting.venue_name):
        assert part in page
    odt = client.get(f"/staff/meetings/{meeting.id}/announcement.odt")
    content = zipfile.ZipFile(io.BytesIO(odt.data)).read("content.xml").decode()
    assert "主旨" in content and meeting.title in content


def test_suggested_attendance_is_linked_to_a_directory_entry_W3(counties, sign_in, client, db, make):
    from app.stakeholders.directory import new_organisation
    organisation = new_organisation(counties.a.id, "臺中市政府都市發展局", now=make.now(), kind="agency")
    meeting = counties.published_a
    attendance = SuggestedAttendance(meeting_id=meeting.id, agency="臺中市政府", unit="都市發展局", seats=2)
    db.session.add(attendance)
    make.commit()
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/meetings/{meeting.id}/attendance/{attendance.id}/link",
                           data={"organisation_id": organisation.id})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AttendanceLink)) == 1
    assert "臺中市政府都市發展局" in text_of(client.get(f"/staff/meetings/{meeting.id}/notices"))


def test_staff_send_a_failed_or_interrupted_message_again_and_the_worker_delivers_it_once(
        counties, sign_in, client, db, make, app, smtp):
    from app.dbtypes import utcnow
    from app.outbox.services import enqueue_mail
    from app.outbox.worker import send_due
    meeting, other = counties.published_a, counties.published_b
    failed = enqueue_mail("bounced@example.tw", "會議通知", "內文", topic="notice.published", now=make.now(),
                          meeting_id=meeting.id)
    interrupted = enqueue_mail("cut@example.tw", "會議通知", "內文", topic="notice.published", now=make.now(),
                               meeting_id=meeting.id)
    elsewhere = enqueue_mail("b@example.tw", "會議通知", "內文", topic="notice.published", now=make.now(),
                             meeting_id=other.id)
    make.commit()
    failed.status = "failed"
    failed.last_error = "SMTPRecipientsRefused: {'bounced@example.tw': (550, b'5.1.1 mailbox unavailable')}"
    interrupted.status, elsewhere.status = "uncertain", "failed"
    make.commit()
    sign_in(counties.secretariat_a)
    page = text_of(client.get(f"/staff/meetings/{meeting.id}/notices"))
    assert "bounced@example.tw" in page and "cut@example.tw" in page and "b@example.tw" not in page
    assert "The mail server refused it: 550 5.1.1 mailbox unavailable" in page and "SMTPRecipientsRefused" not in page
    assert "Interrupted, not resent" in page and "The sending stopped midway" in page

    again = client.post(f"/staff/meetings/{meeting.id}/notices/messages/{interrupted.id}/send-again")
    assert again.status_code == 302 and again.headers["Location"].endswith("#undelivered")
    assert "cut@example.tw is queued again" in text_of(client.get(again.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(OutboxMessage, interrupted.id).status == "pending"
    twice = client.post(f"/staff/meetings/{meeting.id}/notices/messages/{interrupted.id}/send-again")
    assert "already sent again or delivered" in text_of(client.get(twice.headers["Location"]))
    assert client.post(f"/staff/meetings/{meeting.id}/notices/messages/{elsewhere.id}/send-again"
                       ).status_code == 404  # another meeting's message
    audit_page = text_of(client.get("/staff/audit"))
    assert f"An undelivered message about the meeting “{meeting.title}” was sent again" in audit_page

    app.config.update(smtp.config)
    sent, _failed = send_due(now=utcnow(), limit=1000)
    received = [str(m["To"]) for m in smtp.wait_for(sent)]
    assert received.count("cut@example.tw") == 1 and "bounced@example.tw" not in received
    db.session.expire_all()
    assert db.session.get(OutboxMessage, failed.id).status == "failed"  # not sent again until staff ask

    sign_in(counties.secretariat_b)
    assert client.post(f"/staff/meetings/{meeting.id}/notices/messages/{failed.id}/send-again").status_code == 404
    sign_in(counties.planner_a)
    assert client.post(f"/staff/meetings/{meeting.id}/notices/messages/{failed.id}/send-again").status_code == 403


def test_an_admin_opens_and_edits_any_organizers_directory_entry(counties, sign_in, client, db):
    sign_in(counties.secretariat_b)
    client.post("/staff/directory/new", data={"name": "蘭陽溪守護會", "kind": "ngo", "contacts": "林先生, , lan@example.tw, ",
                                              "topics": "", "note": ""})
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == "蘭陽溪守護會"))
    assert organisation.organizer_id == counties.b.id
    sign_in(counties.admin)
    assert client.get(f"/staff/directory/{organisation.id}").status_code == 200
    saved = client.post(f"/staff/directory/{organisation.id}/edit", data={
        "name": "蘭陽溪守護聯盟", "kind": "ngo", "contacts": "林先生, , lan@example.tw, ", "topics": "", "note": ""})
    assert saved.status_code == 302
    db.session.expire_all()
    assert (organisation.name, organisation.organizer_id) == ("蘭陽溪守護聯盟", counties.b.id)


def test_a_manual_notice_about_a_draft_is_refused_by_the_service_and_an_empty_one_beside_its_field(
        counties, sign_in, client, db, make):
    from app.stakeholders.notices import write_notice
    from app.violations import RuleViolation
    with pytest.raises(RuleViolation) as refused_here:
        write_notice(counties.draft_a, "manual", now=make.now(), note="請攜帶身分證件。")
    assert refused_here.value.problems[0].code == "notice_meeting_draft"
    db.session.rollback()
    sign_in(counties.secretariat_a)
    before = count(Notice), count(OutboxMessage)
    refused = client.post(f"/staff/meetings/{counties.draft_a.id}/notices/send", data={"note": "請攜帶身分證件。"})
    assert refused.status_code == 400 and "Publish the meeting first." in text_of(refused)
    assert (count(Notice), count(OutboxMessage)) == before
    empty = client.post(f"/staff/meetings/{counties.published_a.id}/notices/send", data={"note": ""})
    assert empty.status_code == 400 and field_error(empty, "note") and count(Notice) == before[0]
