"""The public form and the desk on who one applicant is (V5, V15; issue 7): addresses that cannot
be mailed are refused beside the field, re-submissions answer as any submission does, and flags
for staff appear on the desk only."""
import re
from datetime import date, timedelta

import flask_babel
import pytest

from app.outbox.models import OutboxMessage
from app.registrations import desk
from app.registrations.models import Application

from .conftest import count, field_error, fresh, text_of


@pytest.fixture
def visitor(client):
    client.set_cookie("lang", "en")
    flask_babel.refresh()
    return client


def form(**fields) -> dict:
    data = {"kind": "observe", "name": "王小明", "organisation": "", "township": "", "village": "",
            "email": "ming@example.tw", "phone": "", "party_statement": "", "consent": "y"}
    return data | fields


def apply(client, meeting, **fields):
    return client.post(f"/meetings/{meeting.id}/register", data=form(**fields))


def test_a_full_width_address_is_taken_in_plain_letters(visitor, make):
    meeting = make.open_meeting()
    make.commit()
    assert apply(visitor, meeting, email="ｍｉｎｇ＠ｅｘａｍｐｌｅ．ｔｗ").status_code == 302
    stored = Application.query.one()
    assert stored.email == "ming@example.tw"
    assert OutboxMessage.query.one().recipient == "ming@example.tw"


@pytest.mark.parametrize("address", ["小明@example.tw", "ming@例子.台灣"])
def test_an_address_that_cannot_be_mailed_is_refused_beside_the_field(visitor, make, address):
    meeting = make.open_meeting()
    make.commit()
    response = apply(visitor, meeting, email=address)
    assert response.status_code == 400
    assert field_error(response, "email").startswith("We can only send mail to an address written in Latin letters")
    assert f'value="{address}"' in response.get_data(as_text=True)  # the input is kept
    assert count(Application) == 0 and count(OutboxMessage) == 0


def test_applying_again_looks_like_applying_once_V5(visitor, make):
    meeting = make.open_meeting()
    make.commit()
    first, again = apply(visitor, meeting), apply(visitor, meeting, email="MING+x@example.tw")
    assert (first.status_code, first.location) == (again.status_code, again.location)
    sent = text_of(visitor.get(again.location))
    assert "MING+x@example.tw" in sent  # the address typed, not the one pending
    assert count(Application) == 1 and count(OutboxMessage) == 1


def test_a_suspended_persons_phone_is_flagged_on_the_desk_only_V15(visitor, make, counties, sign_in):
    meeting = make.open_meeting(counties.a)
    desk.suspend_person(meeting.organizer, {"name": "鬧場者", "phone": "0955-123-456", "reason": "干擾",
                                            "until": date.today() + timedelta(days=90)}, actor=None, now=make.now())
    twin = make.application(meeting, "observe", name="陳美玲", phone="0912345678", email="first@example.tw")
    flagged = make.application(meeting, "observe", name="陳美玲", phone="0912-345-678", email="second@example.tw")
    typist = make.application(meeting, "observe", name="鬧場者", phone="0955123456", email="typist@example.tw")
    make.commit()
    assert fresh(typist).status == "active"
    staff = sign_in(counties.secretariat_a)
    listing = text_of(staff.get(f"/staff/meetings/{meeting.id}/applications"))
    assert listing.count("Check identity") == 2
    page = text_of(staff.get(f"/staff/applications/{flagged.id}"))
    assert "Same name and phone as another active application" in page and f"#{twin.id}" in page
    assert "a person suspended from applying" in text_of(staff.get(f"/staff/applications/{typist.id}"))
    assert "Check who this applicant" not in text_of(staff.get(f"/staff/applications/{twin.id}"))


def test_typing_a_suspended_persons_phone_confirms_like_any_application_V15(visitor, make):
    meeting = make.open_meeting(contact="國土計畫科 04-2222-3333")
    desk.suspend_person(meeting.organizer, {"name": "鬧場者", "phone": "0955-123-456", "reason": "干擾",
                                            "until": date.today() + timedelta(days=90)}, actor=None, now=make.now())
    make.commit()
    assert apply(visitor, meeting, name="鬧場者", phone="0955123456", email="typist@example.tw").status_code == 302
    link = re.search(r"/registration/confirm/[\w.\-]+", OutboxMessage.query.one().body).group(0)
    confirmed = visitor.post(link)
    assert confirmed.status_code == 302 and "/registration/" in confirmed.location
    assert "contact the secretariat" not in text_of(visitor.get(confirmed.location))
    assert Application.query.one().status == "active"
