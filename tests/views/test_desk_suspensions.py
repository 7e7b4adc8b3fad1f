"""Suspensions (V15): the secretariat bars a person who disrupted a meeting, the portal refuses their
applications until the date, and lifting it lets them apply again."""
from datetime import timedelta

import pytest

from app.audit import AuditEntry
from app.registrations import services as registrations
from app.registrations.models import Suspension
from app.timefmt import to_local
from app.violations import RuleViolation

from .conftest import count, field_error, fresh, text_of


@pytest.fixture
def meeting(make, counties):
    m = make.open_meeting(counties.a, contact="秘書處 04-1234-5678")
    make.commit()
    return m


def until(make, days=30) -> str:
    return (to_local(make.now()).date() + timedelta(days=days)).isoformat()


def test_suspension_blocks_a_new_application_and_lifting_allows_again_V15(client, make, counties, sign_in, meeting):
    sign_in(counties.secretariat_a)
    response = client.post("/staff/suspensions/new", data={
        "name": "鬧場者", "email": "Trouble@Example.tw", "phone": "", "until": until(make),
        "reason": "不聽勸告持續喧嘩", "meeting_id": str(meeting.id)})
    assert response.status_code == 302
    suspension = Suspension.query.one()
    assert (suspension.organizer_id, suspension.meeting_id, suspension.actor_id) == (
        counties.a.id, meeting.id, counties.secretariat_a.id)
    with pytest.raises(RuleViolation) as refused:
        make.application(meeting, email="trouble@example.tw")
    assert refused.value.problems[0].code == "suspended"
    body = text_of(client.get("/staff/suspensions"))
    assert "鬧場者" in body and "不聽勸告持續喧嘩" in body and "In force" in body
    assert client.post(f"/staff/suspensions/{suspension.id}/lift").status_code == 302
    assert fresh(suspension).lifted_at is not None
    assert AuditEntry.query.filter_by(action="suspension.lifted", target_id=suspension.id).count() == 1
    assert make.application(meeting, email="trouble@example.tw").status == "active"
    assert "Lifted on" in text_of(client.get("/staff/suspensions"))


def test_suspension_applies_only_to_its_organizers_meetings_V15(client, make, counties, sign_in, meeting):
    sign_in(counties.secretariat_b)
    response = client.post("/staff/suspensions/new", data={
        "name": "", "email": "", "phone": "0912-000-111", "until": until(make), "reason": "干擾會議"})
    assert response.status_code == 302
    assert Suspension.query.one().organizer_id == counties.b.id
    person = registrations.submit_application(meeting, make.application_data(phone="0912000111"), now=make.now())
    assert person.status == "unconfirmed"  # county A's meeting: county B's suspension does not apply
    assert "0912-000-111" not in text_of(sign_in(counties.secretariat_a).get("/staff/suspensions"))


@pytest.mark.parametrize("data, field", [
    ({"email": "", "phone": ""}, "email"),
    ({"reason": ""}, "reason"),
    ({"until": "2001-01-01"}, "until"),
], ids=["no_contact", "no_reason", "date_in_the_past"])
def test_suspension_needs_contact_reason_and_a_future_date_V15(client, make, counties, sign_in, meeting, data, field):
    sign_in(counties.secretariat_a)
    form = {"name": "某人", "email": "a@example.tw", "phone": "", "until": until(make), "reason": "喧嘩"} | data
    response = client.post("/staff/suspensions/new", data=form)
    assert response.status_code == 400
    assert field_error(response, field)
    assert count(Suspension) == 0


def test_suspending_from_an_application_page_is_prefilled_V15(client, make, counties, sign_in, meeting):
    person = make.application(meeting, "observe", name="張三", phone="0933444555")
    make.commit()
    sign_in(counties.secretariat_a)
    body = client.get(f"/staff/suspensions/new?application={person.id}").get_data(as_text=True)
    assert 'value="張三"' in body and f'value="{person.email}"' in body and 'value="0933444555"' in body
    assert f'<option selected value="{meeting.id}">' in body
    sign_in(counties.secretariat_b)
    assert client.get(f"/staff/suspensions/new?application={person.id}").status_code == 404


def test_suspension_cannot_name_another_organizers_meeting_V15(client, make, counties, sign_in, meeting):
    sign_in(counties.secretariat_b)
    response = client.post("/staff/suspensions/new", data={
        "email": "x@example.tw", "until": until(make), "reason": "喧嘩", "meeting_id": str(meeting.id)})
    assert response.status_code == 400 and field_error(response, "meeting_id")
    assert count(Suspension) == 0


def test_admin_chooses_the_organizer_V15(client, make, counties, sign_in, meeting):
    sign_in(counties.admin)
    response = client.post("/staff/suspensions/new", data={
        "organizer_id": str(counties.a.id), "email": "x@example.tw", "until": until(make), "reason": "喧嘩",
        "meeting_id": str(meeting.id)})
    assert response.status_code == 302
    assert Suspension.query.one().organizer_id == counties.a.id
