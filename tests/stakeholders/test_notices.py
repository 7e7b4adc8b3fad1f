"""Notices of meetings (P10, P11, W5): who receives them, deduplicated; their .ics; delivery through
the outbox to a real SMTP server, with retries, permanent failures and suppression."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
from sqlalchemy import select

from app.meetings import services as meetings
from app.outbox.models import FAILED, PENDING, SENT, SUPPRESSED, OutboxMessage, SuppressedAddress
from app.outbox.worker import send_due
from app.plans.models import StandingInvitee
from app.rules.names import normalise_email
from app.stakeholders.models import Contact, Follow, Notice, Organisation, Subscriber
from app.stakeholders.recipients import preview


def subscriber(db, email, **follows):
    """An active subscriber following what is given: county=…, kind=…, plan=…, topic=…."""
    s = Subscriber(email=email, email_key=normalise_email(email), state="active", nonce="n")
    s.follows = [Follow(kind=kind, value=str(value)) for kind, value in follows.items()]
    db.session.add(s)
    db.session.flush()
    return s


def organisation(db, organizer, name, emails, *, standing=False, **follows):
    org = Organisation(organizer_id=organizer.id, name=name, name_key=name, kind="ngo", standing=standing, nonce="x")
    org.contacts = [Contact(email=e, email_key=normalise_email(e)) for e in emails]
    org.follows = [Follow(kind=kind, value=str(value)) for kind, value in follows.items()]
    db.session.add(org)
    db.session.flush()
    return org


def notice_rows(db, notice_id=None):
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.notice_id.is_not(None)).order_by(OutboxMessage.id)
    if notice_id:
        query = query.where(OutboxMessage.notice_id == notice_id)
    return db.session.scalars(query).all()


def ics_of(message):
    part = next(p for p in message.iter_attachments() if p.get_filename().endswith(".ics"))
    return part, icalendar.Calendar.from_ical(part.get_payload(decode=True))


def test_recipients_follow_county_kind_plan_and_topic_deduplicated_P10_P11(make, db):
    org = make.organizer(county_code="taichung")
    plan = make.plan(org)
    subscriber(db, "county@example.tw", county="taichung")
    subscriber(db, "kind-elsewhere@example.tw", county="taipei", kind="hearing")  # counties narrow kinds
    subscriber(db, "kind-here@example.tw", county="taichung", kind="hearing")
    subscriber(db, "plan@example.tw", plan=plan.id)
    subscriber(db, "other@example.tw", county="taipei")
    organisation(db, org, "濕地保護聯盟", ["wet@example.tw", "COUNTY@example.tw"], topic="公聽")
    organisation(db, org, "國土管理署", ["nlma@example.tw"], standing=True)
    organisation(db, make.organizer(), "他縣團體", ["far@example.tw"], standing=True)
    db.session.add(StandingInvitee(organizer_id=None, name="分署", email="Branch@example.tw"))
    db.session.flush()

    meeting = make.meeting(org, plan, status="draft", kind="hearing", title="公聽會")
    total, first = preview(meeting)

    addresses = {email.lower() for email, _ in first}
    assert addresses == {"county@example.tw", "kind-here@example.tw", "plan@example.tw", "wet@example.tw",
                         "nlma@example.tw", "branch@example.tw"}
    assert total == 6  # county@ is a subscriber and a contact: one message


def test_publishing_sends_one_notice_per_address_with_ics_request_and_unsubscribe_headers_P10(make, db, smtp):
    org = make.organizer()
    subscriber(db, "ming@example.tw", county=org.county_code)
    organisation(db, org, "國土管理署", ["ming@example.tw", "nlma@example.tw"], standing=True)
    meeting = make.meeting(org, status="draft")
    meetings.publish_meeting(meeting, actor=None, now=make.now())
    db.session.commit()

    notice = db.session.scalar(select(Notice))
    assert (notice.kind, notice.method, notice.recipients) == ("published", "REQUEST", 2)
    assert send_due(now=make.now()) == (2, 0)
    messages = smtp.wait_for(2)
    assert sorted(m["To"] for m in messages) == ["ming@example.tw", "nlma@example.tw"]
    for message in messages:
        assert message["List-Unsubscribe"].startswith("<http") and "/subscribe/unsubscribe/" in message["List-Unsubscribe"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Unsubscribe"][1:-1] in message.get_body(("plain",)).get_content()
        part, calendar = ics_of(message)
        assert calendar["METHOD"] == "REQUEST" and part.get_param("method") == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        assert (str(event["UID"]), int(event["SEQUENCE"])) == (meeting.uid, meeting.sequence)


def test_cancellation_is_itip_cancel_with_same_uid_and_higher_sequence_W5(make, db, smtp):
    org = make.organizer()
    subscriber(db, "ming@example.tw", county=org.county_code)
    meeting = make.meeting(org, status="draft")
    meetings.publish_meeting(meeting, actor=None, now=make.now())
    db.session.commit()
    meetings.postpone_meeting(meeting, starts_at=meeting.starts_at + timedelta(days=7),
                              ends_at=meeting.ends_at + timedelta(days=7), reason="颱風停班停課", actor=None,
                              now=make.now())
    db.session.commit()
    meetings.cancel_meeting(meeting, reason="改期另行通知", actor=None, now=make.now())
    db.session.commit()

    assert send_due(now=make.now()) == (3, 0)
    events = []
    for message in smtp.wait_for(3):
        _, calendar = ics_of(message)
        event = calendar.walk("VEVENT")[0]
        events.append((str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"]), str(event["STATUS"])))
    methods = [e[0] for e in events]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    assert {e[1] for e in events} == {meeting.uid}
    assert events[0][2] < events[1][2] < events[2][2]
    assert events[2][3] == "CANCELLED"


def test_each_registrant_gets_exactly_one_message_per_change_W5(make, db, smtp):
    org = make.organizer()
    meeting = make.open_meeting(org)
    applicant = make.application(meeting, email="both@example.tw")
    subscriber(db, "both@example.tw", county=org.county_code)
    subscriber(db, "only-follows@example.tw", county=org.county_code)
    db.session.commit()
    db.session.execute(OutboxMessage.__table__.delete())
    db.session.commit()

    meetings.postpone_meeting(meeting, starts_at=meeting.starts_at + timedelta(days=7),
                              ends_at=meeting.ends_at + timedelta(days=7), reason="颱風", actor=None, now=make.now())
    db.session.commit()

    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert sorted((r.recipient, r.topic) for r in rows) == [
        ("both@example.tw", "meeting.changed"), ("only-follows@example.tw", "notice.postponed")]
    notice = db.session.scalar(select(Notice).where(Notice.kind == "postponed"))
    assert notice.registrants_told_separately == 1 and applicant.email == "both@example.tw"


def test_temporary_refusal_is_retried_with_back_off_then_sent(app, make, db, smtp):
    org = make.organizer()
    subscriber(db, "busy@example.tw", county=org.county_code)
    smtp.refuse["busy@example.tw"] = ["450 4.2.1 Mailbox busy, try later"]
    meetings.publish_meeting(make.meeting(org, status="draft"), actor=None, now=make.now())
    db.session.commit()
    now = make.now()

    assert send_due(now=now) == (0, 1)
    row, = notice_rows(db)
    assert (row.status, row.attempts) == (PENDING, 1) and "450" in row.last_error
    assert send_due(now=now + timedelta(seconds=30)) == (0, 0)  # back-off: not due yet
    assert send_due(now=row.next_attempt_at) == (1, 0)
    row, = notice_rows(db)
    assert row.status == SENT and len(smtp.wait_for(1)) == 1


def test_permanent_failure_is_logged_and_suppresses_later_bulk_but_not_own_application_mail(app, make, db, smtp):
    org = make.organizer()
    subscriber(db, "gone@example.tw", county=org.county_code)
    smtp.refuse["gone@example.tw"] = ["550 5.1.1 No such user"]
    meetings.publish_meeting(make.meeting(org, status="draft"), actor=None, now=make.now())
    db.session.commit()
    assert send_due(now=make.now()) == (0, 1)
    row, = notice_rows(db)
    assert row.status == FAILED and "550" in row.last_error and "No such user" in row.last_error
    assert db.session.scalar(select(SuppressedAddress.reason)) == "bounced"

    meetings.publish_meeting(make.meeting(org, status="draft"), actor=None, now=make.now())
    db.session.commit()
    later = notice_rows(db)[-1]
    assert later.status == SUPPRESSED  # logged, never sent
    other = make.open_meeting(org)
    make.application(other, email="gone@example.tw", confirm=False)  # mail about one's own application
    db.session.commit()
    db.session.execute(OutboxMessage.__table__.update().where(OutboxMessage.notice_id.is_not(None))
                       .values(status=SENT))  # only the applicant's mail is left to send
    db.session.commit()
    assert send_due(now=make.now()) == (1, 0)
    assert [m["To"] for m in smtp.wait_for(1)] == ["gone@example.tw"]


def test_registration_opened_is_announced_once_by_the_due_command(make, db, runner):
    org = make.organizer()
    subscriber(db, "ming@example.tw", county=org.county_code)
    make.open_meeting(org)
    db.session.commit()
    assert "1 registration-opened" in runner.invoke(args=["notices", "due"]).output
    assert "0 registration-opened" in runner.invoke(args=["notices", "due"]).output
    assert db.session.scalar(select(Notice.recipients).where(Notice.kind == "registration_open")) == 1


def test_minutes_published_signal_writes_a_notice_pointing_to_the_minutes(make, db):
    from app.meetings import signals
    org = make.organizer()
    subscriber(db, "ming@example.tw", county=org.county_code)
    meeting = make.meeting(org)
    signals.minutes_published.send(meeting, now=make.now(), actor=None, url="https://example.tw/minutes/1")
    db.session.commit()
    notice = db.session.scalar(select(Notice).where(Notice.kind == "minutes"))
    assert notice.recipients == 1 and "https://example.tw/minutes/1" in notice.body


def test_only_a_subscriber_is_offered_to_change_what_they_follow_everyone_may_stop_P10(app, make, db, smtp):
    org = make.organizer()
    subscriber(db, "reader@example.tw", county=org.county_code)
    organisation(db, org, "濕地保護聯盟", ["contact@example.tw"], county=org.county_code)
    meetings.publish_meeting(make.meeting(org, status="draft"), actor=None, now=make.now())
    db.session.commit()
    assert send_due(now=make.now()) == (2, 0)
    bodies = {str(m["To"]): m.get_body(("plain",)).get_content() for m in smtp.wait_for(2)}
    preferences = re.search(r"http\S+/subscribe/preferences/\S+", bodies["reader@example.tw"]).group(0)
    assert app.test_client().get(urlsplit(preferences).path).status_code == 200  # a link that works
    assert "/subscribe/preferences/" not in bodies["contact@example.tw"]  # no choices to change: none offered
    assert all("/subscribe/unsubscribe/" in body for body in bodies.values())
