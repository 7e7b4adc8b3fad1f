"""The desk's actions on applications: claims (V6), rejection, pools (V3, V4), cancellation (W4),
recording other channels (V4), the number of places (V3), and the history that proves who was told."""
from datetime import timedelta

import pytest

from app.audit import AuditEntry
from app.meetings.models import Meeting, RuleDeparture
from app.outbox.models import OutboxMessage
from app.registrations.models import Application

from .conftest import count, field_error, fresh, text_of

V3_MESSAGE = ("Online speakers: between 1 and 10 (5 in principle, at most 10 when necessary, under point 3 "
              "of the venue rules).")


@pytest.fixture
def full(make, counties):
    """County A's open hearing whose 5 online places are taken, one more waiting, the last a party concerned."""
    meeting = make.open_meeting(counties.a)
    base = make.now()
    people = [make.application(meeting, name=f"講者{i}", at=base + timedelta(seconds=i)) for i in range(6)]
    claimant = make.application(meeting, name="地主", party_concerned=True, party_statement="我的土地在計畫範圍內",
                                at=base + timedelta(seconds=10))
    make.commit()
    return meeting, people, claimant


def place(application):
    request = fresh(application).requests[0]
    return request.outcome, request.position


def topics(application) -> list[str]:
    fresh(application)
    return [m.topic for m in OutboxMessage.query.filter_by(application_id=application.id).order_by(OutboxMessage.id)]


def test_accepted_claim_puts_party_concerned_before_earlier_applicant_V6(client, counties, sign_in, full):
    meeting, people, claimant = full
    assert place(claimant) == ("waitlisted", 2)
    sign_in(counties.secretariat_a)
    request_id = claimant.requests[0].id
    response = client.post(f"/staff/applications/{claimant.id}/claims/{request_id}",
                           data={"decision": "accept", "note": ""})
    assert response.status_code == 302
    assert place(claimant) == ("allocated", 1)
    assert fresh(claimant).requests[0].claim == "accepted"
    assert place(people[4]) == ("waitlisted", 1)  # the last of the earlier applicants is bumped …
    assert topics(people[4])[-1] == "registration.waitlisted"  # … and told by e-mail
    assert topics(claimant)[-1] == "registration.claim_decided"  # one mail: the decision and the place it gave
    entry = AuditEntry.query.filter_by(action="registration.claim_decided", target_id=claimant.id).one()
    assert entry.actor_id == counties.secretariat_a.id and entry.details["claim"] == "accepted"


def test_rejecting_a_claim_needs_a_note_V6(client, counties, sign_in, full):
    _, _, claimant = full
    sign_in(counties.secretariat_a)
    request_id = claimant.requests[0].id
    url = f"/staff/applications/{claimant.id}/claims/{request_id}"
    response = client.post(url, data={"decision": "reject", "note": "  "})
    assert response.status_code == 400
    assert field_error(response, f"claim{request_id}_note") == "Say why the claim is not accepted."
    assert fresh(claimant).requests[0].claim == "pending"
    response = client.post(url, data={"decision": "reject", "note": "非計畫範圍內土地"})
    assert response.status_code == 302
    assert (fresh(claimant).requests[0].claim, fresh(claimant).requests[0].claim_note) == ("rejected", "非計畫範圍內土地")
    assert place(claimant) == ("waitlisted", 2)


def test_rejection_with_reason_frees_the_place_for_the_next_person(client, counties, sign_in, full):
    _, people, _ = full
    sign_in(counties.secretariat_a)
    url = f"/staff/applications/{people[0].id}/reject"
    response = client.post(url, data={"reason": ""})
    assert response.status_code == 400
    assert field_error(response, "reject_reason")
    assert fresh(people[0]).status == "active"
    response = client.post(url, data={"reason": "同一人重複報名"})
    assert response.status_code == 302
    rejected = fresh(people[0])
    assert (rejected.status, rejected.rejection_reason) == ("rejected", "同一人重複報名")
    assert rejected.requests[0].outcome is None
    assert place(people[5]) == ("allocated", 5)
    assert topics(people[0])[-1] == "registration.rejected"
    assert topics(people[5])[-1] == "registration.promoted"
    mail = OutboxMessage.query.filter_by(application_id=people[0].id, topic="registration.rejected").one()
    assert "同一人重複報名" in mail.body


def test_moving_a_speaker_to_the_other_channels_pool_frees_an_online_place_V3_V4(client, counties, sign_in, full):
    _, people, _ = full
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/applications/{people[1].id}/pool", data={"pool": "other"})
    assert response.status_code == 302
    assert fresh(people[1]).pool == "other"
    assert place(people[1]) == ("allocated", 1)  # first in the other-channels pool
    assert place(people[5]) == ("allocated", 5)
    assert AuditEntry.query.filter_by(action="registration.pool_moved", target_id=people[1].id).one().details == {
        "from": "online", "to": "other"}
    response = client.post(f"/staff/applications/{people[1].id}/pool", data={"pool": "elsewhere"})
    assert response.status_code == 400 and field_error(response, "pool_pool")


def test_staff_cancel_for_the_applicant_and_the_next_is_promoted_W4(client, counties, sign_in, full):
    _, people, _ = full
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/applications/{people[2].id}/cancel")
    assert response.status_code == 302
    assert fresh(people[2]).status == "cancelled"
    assert place(people[5]) == ("allocated", 5)
    entry = AuditEntry.query.filter_by(action="registration.cancelled", target_id=people[2].id).one()
    assert entry.actor_id == counties.secretariat_a.id and entry.details["by_staff"] is True
    response = client.post(f"/staff/applications/{people[2].id}/cancel")  # already cancelled
    assert response.status_code == 400


def test_other_channel_speaker_gets_a_place_apart_from_the_online_cap_V4(client, counties, sign_in, full):
    meeting, people, _ = full
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/meetings/{meeting.id}/applications/new", data={
        "channel": "paper", "kind": "speak", "name": "紙本陳情人", "organisation": "某自救會", "phone": "04-2222-3333",
        "locale": "zh_Hant_TW", "interest_group": "某里居民"})
    assert response.status_code == 302
    recorded = Application.query.filter_by(name="紙本陳情人").one()
    assert response.headers["Location"].endswith(f"/staff/applications/{recorded.id}")
    assert (recorded.channel, recorded.pool, recorded.status, recorded.interest_group) == (
        "paper", "other", "active", "某里居民")
    assert recorded.recorded_by_id == counties.secretariat_a.id and recorded.check_in_code
    assert place(recorded) == ("allocated", 1)
    assert [place(p) for p in people[:5]] == [("allocated", i) for i in range(1, 6)]  # online places untouched
    assert place(people[5]) == ("waitlisted", 1)


def test_recording_needs_a_channel_and_a_way_to_reach_the_person_V4(client, counties, sign_in, full):
    meeting, _, _ = full
    sign_in(counties.secretariat_a)
    url = f"/staff/meetings/{meeting.id}/applications/new"
    response = client.post(url, data={"channel": "", "kind": "observe", "name": "現場民眾"})
    assert response.status_code == 400 and field_error(response, "channel")
    response = client.post(url, data={"channel": "onsite", "kind": "observe", "name": "現場民眾"})
    assert response.status_code == 400
    assert field_error(response, "phone") == "Give an e-mail address or a phone number."
    assert 'value="現場民眾"' in response.get_data(as_text=True)
    response = client.post(url, data={"channel": "onsite", "kind": "speak", "name": "現場民眾", "phone": "0911000111",
                                      "party_concerned": "y", "party_statement": ""})
    assert response.status_code == 400 and field_error(response, "party_statement")
    assert count(Application, Application.name == "現場民眾") == 0


def test_recording_a_person_who_already_applied_is_refused_V5(client, counties, sign_in, full):
    meeting, people, _ = full
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/meetings/{meeting.id}/applications/new", data={
        "channel": "email", "kind": "observe", "name": "又一次", "email": people[0].email})
    assert response.status_code == 400
    assert field_error(response, "email").startswith("This person already has an active application")


def test_raising_the_cap_promotes_the_waitlisted_and_records_the_departure_V3(client, counties, sign_in, full):
    meeting, people, claimant = full
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/meetings/{meeting.id}/caps",
                           data={"speaker_cap": "7", "representative_cap": "5", "reason": "登記踴躍，主席同意"})
    assert response.status_code == 302
    assert fresh(meeting).speaker_cap == 7
    assert place(people[5]) == ("allocated", 6) and place(claimant) == ("allocated", 7)
    assert topics(people[5])[-1] == "registration.promoted"
    departure = RuleDeparture.query.filter_by(meeting_id=meeting.id, setting="speaker_cap").one()
    assert (departure.profile_value, departure.value, departure.reason) == (5, 7, "登記踴躍，主席同意")
    assert AuditEntry.query.filter_by(action="meeting.caps_changed", target_id=meeting.id).one().details["after"] == {
        "speaker_cap": 7, "representative_cap": 5}


@pytest.mark.parametrize("value", ["11", "0"])
def test_cap_beyond_10_is_refused_and_nothing_saved_V3(client, counties, sign_in, full, value):
    meeting, people, _ = full
    sign_in(counties.secretariat_a)
    sequence = meeting.sequence
    response = client.post(f"/staff/meetings/{meeting.id}/caps",
                           data={"speaker_cap": value, "representative_cap": "5", "reason": "想多開放"})
    assert response.status_code == 400
    assert field_error(response, "caps_speaker_cap") == V3_MESSAGE
    assert 'value="想多開放"' in response.get_data(as_text=True) or "想多開放</textarea>" in response.get_data(as_text=True)
    assert (fresh(meeting).speaker_cap, fresh(meeting).sequence) == (5, sequence)
    assert count(RuleDeparture) == 0 and count(AuditEntry, AuditEntry.action == "meeting.caps_changed") == 0
    assert place(people[5]) == ("waitlisted", 1)


def test_cap_change_needs_a_reason_V3(client, counties, sign_in, full):
    meeting, _, _ = full
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/meetings/{meeting.id}/caps",
                           data={"speaker_cap": "6", "representative_cap": "5", "reason": ""})
    assert response.status_code == 400 and field_error(response, "caps_reason")
    assert count(Meeting, Meeting.speaker_cap == 6) == 0


def test_fewer_places_than_are_held_are_refused_until_staff_accept_the_losses_V3(client, counties, sign_in, full):
    meeting, people, _ = full
    sign_in(counties.secretariat_a)
    data = {"speaker_cap": "4", "representative_cap": "5", "reason": "會場縮小"}
    refused = client.post(f"/staff/meetings/{meeting.id}/caps", data=data)
    assert refused.status_code == 400
    assert field_error(refused, "caps_accept_losses").startswith("Speakers who would lose the place they hold: 1.")
    assert fresh(meeting).speaker_cap == 5 and place(people[4]) == ("allocated", 5)
    accepted = client.post(f"/staff/meetings/{meeting.id}/caps", data=data | {"accept_losses": "y"})
    assert accepted.status_code == 302
    assert place(people[4]) == ("waitlisted", 1) and topics(people[4])[-1] == "registration.waitlisted"


def test_application_page_shows_personal_data_history_and_who_was_told(client, counties, sign_in, full):
    _, people, claimant = full
    sign_in(counties.secretariat_a)
    client.post(f"/staff/applications/{claimant.id}/claims/{claimant.requests[0].id}",
                data={"decision": "accept", "note": "持有地籍資料"})
    response = client.get(f"/staff/applications/{people[4].id}")
    assert response.status_code == 200
    body = text_of(response)
    assert people[4].email in body and people[4].check_in_code in body
    for action in ("applied; the e-mail confirmation is awaited", "was confirmed"):  # sentences (issue 9, item 13)
        assert f"{people[4].name} {action}" in body or f"The application of {people[4].name} {action}" in body
    for topic in ("Confirm the e-mail address", "Application received", "Place lost: waiting list"):
        assert f'<td data-label="Topic">{topic}</td>' in response.get_data(as_text=True)
    claimant_page = client.get(f"/staff/applications/{claimant.id}").get_data(as_text=True)
    assert "<dd>Claim accepted</dd>" in claimant_page and "<dd>accepted</dd>" not in claimant_page
    assert "Waiting to be sent" in body
    body = text_of(client.get(f"/staff/applications/{claimant.id}"))
    assert f"The party-concerned claim of {claimant.name} was decided" in body and "持有地籍資料" in body
    assert "我的土地在計畫範圍內" in body and counties.secretariat_a.name in body
    assert f'href="/staff/suspensions/new?application={claimant.id}"' in body


def test_rejecting_without_a_reason_is_refused_beside_the_field_and_changes_nothing(client, counties, sign_in, full):
    meeting, people, _ = full
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/applications/{people[0].id}/reject", data={"reason": "   "})
    assert response.status_code == 400 and field_error(response, "reject_reason")
    assert fresh(people[0]).status == "active" and place(people[0]) == ("allocated", 1)
    assert "registration.rejected" not in topics(people[0])


@pytest.mark.parametrize("kind, pool, message", [
    ("observe", "other", "Only speakers have pools"),
    ("speak", "nowhere", "Not a valid choice"),
])
def test_a_pool_move_that_cannot_be_is_refused_beside_the_field_and_changes_nothing(client, make, counties, sign_in,
                                                                                    full, kind, pool, message):
    meeting, people, _ = full
    person = people[0] if kind == "speak" else make.application(meeting, "observe")
    make.commit()
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/applications/{person.id}/pool", data={"pool": pool})
    assert response.status_code == 400 and message in field_error(response, "pool_pool")
    assert fresh(person).pool == "online"
    assert count(AuditEntry, AuditEntry.action == "registration.pool_moved") == 0


def test_recording_a_caller_heard_twice_is_refused_next_to_the_phone_V5(client, counties, sign_in, full):
    meeting, _, _ = full
    sign_in(counties.secretariat_a)
    url = f"/staff/meetings/{meeting.id}/applications/new"
    data = {"channel": "phone", "kind": "observe", "name": "來電民眾", "phone": "0922-333-444", "locale": "zh_Hant_TW"}
    assert client.post(url, data=data).status_code == 302
    response = client.post(url, data=data | {"phone": "0922333444"})
    assert response.status_code == 400
    assert field_error(response, "phone").startswith("Another active application for this meeting has the same name")
    assert 'value="來電民眾"' in response.get_data(as_text=True)
    assert count(Application, Application.name == "來電民眾") == 1
