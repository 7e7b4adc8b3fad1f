"""The e-mails the registration workflows queue, sent by the outbox worker to a real SMTP server."""
from datetime import timedelta

import icalendar
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.calendar import build_calendar
from app.meetings import services as meetings
from app.meetings.services import DESCRIPTIVE_FIELDS
from app.outbox.attachments import AttachmentUnavailable
from app.outbox.models import OutboxMessage
from app.outbox.worker import send_due
from app.registrations import desk
from app.registrations import services as registrations
from app.registrations.links import check_in_qr_png
from app.registrations.mails import meeting_ics
from app.rules.venue import SETTING_NAMES

from .. import factories


@pytest.fixture(autouse=True)
def mail_to_sink(app, smtp):
    """Every test here sends to the aiosmtpd server of the `smtp` fixture."""
    app.config.update(smtp.config)


def deliver(db, smtp, now=None):
    """Commit what the services queued, run the worker once (by default an hour from now, when
    everything queued is due) and return everything received so far."""
    now = now or factories.now() + timedelta(hours=1)
    db.session.commit()
    before = len(smtp.messages)
    sent, failed = send_due(now=now, limit=500)
    assert failed == 0
    return smtp.wait_for(before + sent)


def mails_to(messages, person, topic=None):
    return [m for m in messages if m["To"] == person.email and (topic is None or m["X-Portal-Topic"] == topic)]


def only_mail(messages, person, topic):
    found = mails_to(messages, person, topic)
    assert len(found) == 1, [(m["X-Portal-Topic"], m["Subject"]) for m in mails_to(messages, person)]
    return found[0]


def body_of(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def event_of(message):
    """The VEVENT of the message's .ics attachment (None without one)."""
    files = [p for p in message.iter_attachments() if p.get_filename().endswith(".ics")]
    if not files:
        return None
    assert files[0].get_content_type() == "text/calendar"
    event, = icalendar.Calendar.from_ical(files[0].get_payload(decode=True)).walk("VEVENT")
    return event


def apply(make, meeting, n=1, *, kind="speak", start=None, **fields):
    """`n` English-speaking applicants, confirmed a second apart."""
    start = start or make.now()
    return [make.application(meeting, kind, at=start + timedelta(seconds=i), locale="en", **fields)
            for i in range(n)]


def test_confirmation_request_carries_the_confirm_link(make, db, smtp):
    meeting = make.open_meeting()
    person = make.application(meeting, confirm=False, locale="en")

    message = only_mail(deliver(db, smtp), person, "registration.confirm_email")

    assert message["Subject"] == f"Please confirm your application — {meeting.title}"
    assert "/registration/confirm/" in body_of(message)
    assert event_of(message) is None


def test_received_mail_gives_check_in_code_and_meeting_calendar(make, db, smtp):
    meeting = make.open_meeting()
    person, = apply(make, meeting)

    message = only_mail(deliver(db, smtp), person, "registration.received")

    assert message["Subject"] == f"Application received — {meeting.title}"
    body = body_of(message)
    assert person.check_in_code and person.check_in_code in body
    assert "you have speaking place 1" in body
    assert "/registration/" in body.split("keep this link private")[1]
    event = event_of(message)
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == meeting.sequence
    qr, = [p for p in message.iter_attachments() if p.get_content_type() == "image/png"]
    assert qr.get_filename() == f"check-in-{person.check_in_code}.png"
    assert qr.get_content() == check_in_qr_png(person.check_in_code)[:] and qr.get_content()[:4] == b"\x89PNG"


def test_attachments_are_recorded_under_the_lock_and_built_by_the_worker_byte_for_byte_V2(make, db, smtp):
    meeting = make.open_meeting()
    person, = apply(make, meeting)
    row = db.session.scalars(select(OutboxMessage).where(OutboxMessage.application_id == person.id,
                                                         OutboxMessage.topic == "registration.received")).one()
    ics, qr = row.attachments
    assert "data" not in ics and "data" not in qr  # what to build, not the bytes
    assert (ics["build"], ics["arguments"]["meeting_id"], ics["arguments"]["locale"]) == ("meeting_ics", meeting.id, "en")
    assert ics["arguments"]["url"].endswith(f"/meetings/{meeting.id}")
    assert (qr["build"], qr["arguments"]) == ("check_in_qr", {"code": person.check_in_code})

    message = only_mail(deliver(db, smtp), person, "registration.received")

    with force_locale("en"):
        expected_ics = build_calendar(meeting.title, [meeting], lambda m: ics["arguments"]["url"])
    files = {p.get_filename(): (p.get_content_type(), p.get_payload(decode=True)) for p in message.iter_attachments()}
    assert files == {f"meeting-{meeting.id}.ics": ("text/calendar", expected_ics),
                     f"check-in-{person.check_in_code}.png": ("image/png", check_in_qr_png(person.check_in_code))}


def test_calendar_sent_after_a_change_carries_the_meeting_as_it_stands_then_W5(make, db, smtp):
    meeting = make.open_meeting()
    person, = apply(make, meeting)
    queued_at_sequence = meeting.sequence
    meeting.venue_name = "市政大樓 301 會議室"
    meetings.touch(meeting, make.now())  # changed after the mail was queued, before the worker ran

    event = event_of(only_mail(deliver(db, smtp), person, "registration.received"))

    assert int(event["SEQUENCE"]) == meeting.sequence == queued_at_sequence + 1
    assert str(event["LOCATION"]).startswith("市政大樓 301 會議室")


def test_waitlisted_applicant_is_told_their_position_and_gets_no_calendar_V3(make, db, smtp):
    meeting = make.open_meeting()
    people = apply(make, meeting, meeting.speaker_cap + 2)

    messages = deliver(db, smtp)

    last = only_mail(messages, people[-1], "registration.received")
    assert "you are number 2 on the waiting list" in body_of(last)
    assert event_of(last) is None
    assert list(last.iter_attachments()) == []  # no calendar entry, no check-in QR code without a place


def test_waitlisted_speaker_is_promoted_with_calendar_after_a_cancellation_V3(make, db, smtp):
    meeting = make.open_meeting()
    people = apply(make, meeting, meeting.speaker_cap + 1)
    registrations.cancel_application(people[0], now=make.now() + timedelta(minutes=1))

    messages = deliver(db, smtp)

    promoted = only_mail(messages, people[-1], "registration.promoted")
    assert promoted["Subject"] == f"You have a place — {meeting.title}"
    assert f"you have speaking place {meeting.speaker_cap}" in body_of(promoted)
    assert str(event_of(promoted)["UID"]) == meeting.uid


def test_raising_the_cap_promotes_the_waitlisted_speaker_V3(make, db, smtp):
    meeting = make.open_meeting()
    people = apply(make, meeting, meeting.speaker_cap + 1)
    staff = make.staff(org=meeting.organizer)
    desk.set_caps(meeting, speaker_cap=meeting.speaker_cap + 1, representative_cap=meeting.representative_cap,
                  reason="More time available", actor=staff, now=make.now())

    messages = deliver(db, smtp)

    promoted = only_mail(messages, people[-1], "registration.promoted")
    assert event_of(promoted) is not None


def test_accepted_party_claim_bumps_the_last_speaker_to_the_waiting_list_V6(make, db, smtp):
    meeting = make.open_meeting()
    people = apply(make, meeting, meeting.speaker_cap)
    claimant, = apply(make, meeting, start=make.now() + timedelta(minutes=1), party_concerned=True,
                      party_statement="My land is in the plan area.")
    staff = make.staff(org=meeting.organizer)
    desk.decide_claim(claimant.requests[0], accept=True, note="", actor=staff, now=make.now())

    messages = deliver(db, smtp)

    bumped = only_mail(messages, people[-1], "registration.waitlisted")
    assert bumped["Subject"] == f"Your place has changed — {meeting.title}"
    assert "you are number 1 on the waiting list" in body_of(bumped)
    # The cause is named (issue 9, item 1): a claim, not "someone cancelled, or …"
    assert "Why: The secretariat decided whether an applicant is a party concerned" in body_of(bumped)
    first = only_mail(messages, claimant, "registration.claim_decided")  # one mail, not a second "promoted"
    assert first["Subject"] == f"Your party-concerned claim was accepted — {meeting.title}"
    assert "As a party concerned whose claim was accepted" in body_of(first)


def test_observer_beyond_the_gallery_seats_is_seated_in_the_overflow_room_V7(make, db, smtp):
    meeting = make.open_meeting(make.organizer(gallery_seats=1))
    seated, overflow = apply(make, meeting, 2, kind="observe")

    messages = deliver(db, smtp)

    assert "You have gallery seat 1." in body_of(only_mail(messages, seated, "registration.received"))
    message = only_mail(messages, overflow, "registration.received")
    assert f"seated in the overflow room, {meeting.overflow_room}" in body_of(message)
    assert event_of(message) is not None  # the overflow room is a place at the meeting


def test_fewer_gallery_seats_move_the_last_observer_to_the_overflow_room_V7(make, db, smtp):
    meeting = make.open_meeting(make.organizer(gallery_seats=2))
    seated, moved = apply(make, meeting, 2, kind="observe")
    data = {k: getattr(meeting, k) for k in (*DESCRIPTIVE_FIELDS, *SETTING_NAMES)} | {"gallery_seats": 1}
    meetings.update_meeting(meeting, data, actor=make.staff(org=meeting.organizer), now=make.now(),
                            expected_sequence=meeting.sequence, departure_reason="Smaller room")

    messages = deliver(db, smtp)

    message = only_mail(messages, moved, "registration.overflow")
    assert "seated in the overflow room" in body_of(message)
    assert event_of(message) is not None
    assert mails_to(messages, seated, "registration.overflow") == []


def test_move_down_to_the_overflow_room_is_not_titled_as_a_new_place_V7(make, db, smtp):
    meeting = make.open_meeting(make.organizer(gallery_seats=2))
    _seated, moved = apply(make, meeting, 2, kind="observe")
    data = {k: getattr(meeting, k) for k in (*DESCRIPTIVE_FIELDS, *SETTING_NAMES)} | {"gallery_seats": 1}
    meetings.update_meeting(meeting, data, actor=make.staff(org=meeting.organizer), now=make.now(),
                            expected_sequence=meeting.sequence, departure_reason="Smaller room")

    message = only_mail(deliver(db, smtp), moved, "registration.overflow")

    assert message["Subject"] == f"You are seated in the overflow room — {meeting.title}"


def test_rejected_applicant_is_told_the_reason(make, db, smtp):
    meeting = make.open_meeting()
    person, = apply(make, meeting)
    desk.reject_application(person, reason="The same person applied on paper.", actor=make.staff(
        org=meeting.organizer), now=make.now())

    message = only_mail(deliver(db, smtp), person, "registration.rejected")

    assert message["Subject"] == f"Application not accepted — {meeting.title}"
    assert "Reason: The same person applied on paper." in body_of(message)


def test_late_cancellation_is_acknowledged_with_the_three_day_reminder_W4(make, db, smtp):
    meeting = make.open_meeting(start=make.now() + timedelta(days=2))
    person, = apply(make, meeting)
    assert registrations.cancel_application(person, now=make.now()) is True

    message = only_mail(deliver(db, smtp), person, "registration.cancelled")

    assert message["Subject"] == f"Application cancelled — {meeting.title}"
    assert "at least 3 days before; yours came later" in body_of(message)


def test_timely_cancellation_has_no_late_reminder_W4(make, db, smtp):
    meeting = make.open_meeting()
    person, = apply(make, meeting)
    assert registrations.cancel_application(person, now=make.now()) is False

    message = only_mail(deliver(db, smtp), person, "registration.cancelled")

    assert "yours came later" not in body_of(message)


def test_postponement_sends_the_new_time_with_a_higher_calendar_sequence_W5(make, db, smtp):
    meeting = make.open_meeting()
    person, = apply(make, meeting)
    before = event_of(only_mail(deliver(db, smtp), person, "registration.received"))
    meetings.postpone_meeting(meeting, starts_at=meeting.starts_at + timedelta(days=7),
                              ends_at=meeting.ends_at + timedelta(days=7), reason="Typhoon warning",
                              actor=None, now=make.now())

    message = only_mail(deliver(db, smtp), person, "meeting.changed")

    assert message["Subject"] == f"The meeting has changed — {meeting.title}"
    assert "has been postponed to a new time" in body_of(message)
    assert "Typhoon warning" in body_of(message)
    after = event_of(message)
    assert str(after["UID"]) == str(before["UID"]) == meeting.uid
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") - before.decoded("DTSTART") == timedelta(days=7)


def test_meeting_cancellation_tells_registrants_and_cancels_the_calendar_entry_W5(make, db, smtp):
    meeting = make.open_meeting()
    person, = apply(make, meeting)
    meetings.cancel_meeting(meeting, reason="Typhoon", actor=None, now=make.now())

    message = only_mail(deliver(db, smtp), person, "meeting.changed")

    assert "has been cancelled" in body_of(message)
    assert str(event_of(message)["STATUS"]) == "CANCELLED"


def test_mail_is_in_the_applicants_language(make, db, smtp):
    meeting = make.open_meeting()
    english, = apply(make, meeting)
    chinese = make.application(meeting, locale="zh_Hant_TW")

    messages = deliver(db, smtp)

    assert only_mail(messages, english, "registration.received")["Subject"].startswith("Application received")
    assert "Hello " in body_of(only_mail(messages, english, "registration.received"))
    assert chinese.name in body_of(only_mail(messages, chinese, "registration.received"))


def test_calendar_of_a_meeting_that_no_longer_exists_cannot_be_built(app):
    with pytest.raises(AttachmentUnavailable, match="no longer exists"):
        meeting_ics(999_999, "en", "https://example.tw/meetings/999999")
