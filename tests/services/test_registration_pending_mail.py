"""Mail is no weapon (issue 7 item 9): applying again and again with one address sends one
confirmation link, re-sent at most every CONFIRMATION_RESEND_INTERVAL; subjects never carry a
name someone typed. Delivered by the outbox worker to a real SMTP server, on both engines."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.outbox.worker import send_due
from app.registrations import links
from app.registrations import services as registrations
from app.registrations.mails import CONFIRMATION_RESEND_INTERVAL
from app.registrations.models import Application, SpeakingRequest

from .. import factories


@pytest.fixture(autouse=True)
def mail_to_sink(app, smtp):
    app.config.update(smtp.config)


def deliver(db, smtp, now):
    db.session.commit()
    before = len(smtp.messages)
    sent, failed = send_due(now=now + timedelta(minutes=1), limit=500)
    assert failed == 0
    return smtp.wait_for(before + sent)[before:]


def confirm_link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"/registration/confirm/([\w.\-]+)", body).group(1)


def submit(make, meeting, now, **fields):
    data = make.application_data(**({"name": "王小明", "email": "ming@example.tw"} | fields))
    return registrations.submit_application(meeting, data, now=now)


def test_sixty_submissions_to_one_address_send_one_link_V5(make, db, smtp):
    meeting = make.open_meeting()
    start = make.now()
    first = submit(make, meeting, start)
    received = deliver(db, smtp, start)
    for n in range(1, 60):  # an hour's worth from one IP, ten seconds apart, +tags and capitals varied
        again = submit(make, meeting, start + timedelta(seconds=n * 10),
                       email=f"Ming+{n}@Example.tw" if n % 2 else "ming@example.tw")
        assert again.id == first.id
    received += deliver(db, smtp, start + timedelta(minutes=10))
    assert len(received) == 1 and received[0]["To"] == "ming@example.tw"
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_the_same_link_is_resent_once_the_interval_has_passed_V5(make, db, smtp):
    meeting = make.open_meeting()
    start = make.now()
    first = submit(make, meeting, start)
    original, = deliver(db, smtp, start)
    later = start + CONFIRMATION_RESEND_INTERVAL
    assert submit(make, meeting, later, kind="observe").id == first.id
    assert submit(make, meeting, later + timedelta(minutes=1)).id == first.id  # within the new interval
    resent, = deliver(db, smtp, later + timedelta(minutes=1))
    assert links.read_token(confirm_link(resent), links.CONFIRM) == links.read_token(
        confirm_link(original), links.CONFIRM)  # the same application and nonce: the same link
    assert db.session.get(Application, first.id).kind == "speak"  # the details the link was sent for


def test_applying_again_never_changes_what_the_link_confirms_V5(make, db, smtp):
    # Anyone can type another's address: the owner's link must confirm the owner's details only.
    meeting = make.open_meeting(cases=2)
    first = submit(make, meeting, make.now(), case_ids=[meeting.cases[0].id])
    nonce = first.nonce
    db.session.commit()
    again = submit(make, meeting, make.now(), kind="observe", name="冒名者", organisation="荒野保護協會",
                   phone="0900000000", email="ming+fix@example.tw")
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Application, first.id)
    assert again.id == first.id and kept.nonce == nonce
    assert (kept.kind, kept.name, kept.organisation, kept.phone) == ("speak", "王小明", "", first.phone)
    assert [r.case_key for r in kept.requests] == [meeting.cases[0].id]
    confirmed = registrations.confirm_application(kept, now=make.now())
    assert confirmed.status == "active" and confirmed.name == "王小明"
    assert db.session.scalar(select(func.count()).select_from(SpeakingRequest)) == 1
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_an_application_whose_link_expired_is_followed_by_a_new_one_V5(make, db, smtp):
    meeting = make.open_meeting()
    start = make.now()
    first = submit(make, meeting, start)
    later = start + timedelta(seconds=links.CONFIRM_MAX_AGE + 60)
    second = submit(make, meeting, later)
    assert second.id != first.id
    assert len(deliver(db, smtp, later)) == 2


def test_no_subject_carries_the_name_typed_V5(make, db, smtp):
    meeting = make.open_meeting()
    person = make.application(meeting, name="請匯款到此帳號", locale="zh_Hant_TW")
    messages = deliver(db, smtp, factories.now())
    assert {m["X-Portal-Topic"] for m in messages} == {"registration.confirm_email", "registration.received"}
    for message in messages:
        assert meeting.title in message["Subject"] and person.name not in message["Subject"]
