"""Applying, confirming and cancelling through the services, on both engines (V3, V5, V6, W4)."""
from datetime import timedelta

import pytest

from app.outbox.models import OutboxMessage
from app.registrations import services as registrations
from app.violations import RuleViolation


def topics(db, application):
    return [m.topic for m in db.session.query(OutboxMessage).filter_by(application_id=application.id)
            .order_by(OutboxMessage.id)]


def test_unconfirmed_application_holds_no_place_V6(make, db):
    meeting = make.open_meeting()
    pending = make.application(meeting, confirm=False)
    assert pending.status == "unconfirmed" and pending.requests[0].outcome is None
    assert topics(db, pending) == ["registration.confirm_email"]


def test_cap_then_waitlist_then_promotion_on_cancel_V3_V6(make, db):
    meeting = make.open_meeting()
    base = make.now()
    people = [make.application(meeting, at=base + timedelta(seconds=i)) for i in range(7)]
    outcomes = [(p.requests[0].outcome, p.requests[0].position) for p in people]
    assert outcomes == [("allocated", i) for i in range(1, 6)] + [("waitlisted", 1), ("waitlisted", 2)]
    late = registrations.cancel_application(people[0], now=base + timedelta(minutes=1))
    assert late is False
    db.session.expire_all()
    assert people[5].requests[0].outcome == "allocated"
    assert people[6].requests[0].position == 1
    assert topics(db, people[5])[-1] == "registration.promoted"
    assert topics(db, people[0])[-1] == "registration.cancelled"
    promoted_mail = db.session.query(OutboxMessage).filter_by(application_id=people[5].id,
                                                              topic="registration.promoted").one()
    assert promoted_mail.attachments[0]["filename"].endswith(".ics")


def test_second_application_of_same_email_is_refused_V5(make, db):
    meeting = make.open_meeting()
    make.application(meeting, email="same@example.tw")
    with pytest.raises(RuleViolation) as refused:
        make.application(meeting, email="SAME@example.tw ")
    assert refused.value.problems[0].code == "already_applied"


def test_one_speaker_per_group_even_with_variant_spelling_V5(make, db):
    meeting = make.open_meeting()
    make.application(meeting, organisation="臺灣環境資訊協會")
    with pytest.raises(RuleViolation) as refused:
        make.application(meeting, organisation=" 台灣環境資訊協會 ")
    assert refused.value.problems[0].code == "group_has_speaker"


def test_late_cancellation_is_allowed_and_flagged_W4(make, db):
    meeting = make.open_meeting(start=make.now() + timedelta(days=2))
    person = make.application(meeting)
    assert registrations.cancel_application(person, now=make.now()) is True
    assert person.status == "cancelled"


def test_confirming_twice_is_refused(make, db):
    meeting = make.open_meeting()
    person = make.application(meeting)
    with pytest.raises(registrations.AlreadyUsed):
        registrations.confirm_application(person, now=make.now())


def test_links_in_mail_start_with_the_configured_public_address(make, db, app):
    app.config["PUBLIC_BASE_URL"] = "https://participation.example.gov.tw"
    person = make.application(make.open_meeting(), confirm=False)
    mail = db.session.query(OutboxMessage).filter_by(application_id=person.id).one()
    assert "https://participation.example.gov.tw/registration/confirm/" in mail.body


def test_mail_to_a_chinese_reader_is_written_in_chinese_throughout(make, db):
    person = make.application(make.open_meeting(), name="林淑芬", locale="zh_Hant_TW")
    received = db.session.query(OutboxMessage).filter_by(application_id=person.id, topic="registration.received").one()
    assert received.subject.startswith("已收到申請")
    assert received.body.startswith("林淑芬 您好：") and "申請時間" in received.body and "國土計畫民眾參與平臺" in received.body
    english = ("Hello", "Your application", "Where", "keep this link private", "Land-use planning")
    assert not [phrase for phrase in english if phrase in received.body]


def test_mail_sent_within_three_days_does_not_ask_for_three_days_notice_W4(make, db):
    soon = make.application(make.open_meeting(start=make.now() + timedelta(days=2)), locale="en")
    later = make.application(make.open_meeting(), locale="en")
    mail = {p.id: db.session.query(OutboxMessage).filter_by(application_id=p.id, topic="registration.received")
            .one().body for p in (soon, later)}
    assert "at least 3 days before" in mail[later.id] and "as soon as you can" not in mail[later.id]
    assert "at least 3 days before" not in mail[soon.id] and "please cancel as soon as you can" in mail[soon.id]


def test_a_recorded_application_is_told_it_was_recorded_not_confirmed_V4(make, db):
    from app.registrations import desk
    meeting = make.open_meeting()
    person = desk.record_other_channel(meeting, make.application_data(channel="phone", locale="en"), actor=None,
                                       now=make.now())
    body = db.session.query(OutboxMessage).filter_by(application_id=person.id, topic="registration.received").one().body
    assert "The secretariat recorded your application to speak, received by Telephone." in body
    assert "in order of the time your application was recorded (venue rules, point 3(2))" in body
    assert "is confirmed" not in body
