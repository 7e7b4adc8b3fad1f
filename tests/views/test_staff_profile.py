"""The organizer's rule profile: who may change it, its caps (V3, V11), and meetings created afterwards (V7)."""
import re
from datetime import timedelta

import pytest

from app.audit import AuditEntry
from app.meetings.models import Meeting

from .conftest import count, field_error, fresh, meeting_form, text_of

COUNTY_RULES = {"speaker_cap": 8, "gallery_seats": 30, "observers_per_group": 3, "observers_per_village": 2,
                "minutes_per_speaker": 4, "comment_minutes_per_case": 40, "basis": "甲縣國土計畫審議會議及會場管理要點"}


def profile_form(**changes) -> dict:
    return {k: str(v) for k, v in (COUNTY_RULES | changes).items()}


def test_secretariat_changes_its_organizers_profile_and_new_meetings_copy_it_V7(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    response = client.post("/staff/profile", data=profile_form())
    assert response.status_code == 302
    profile = fresh(counties.a).profile
    assert (profile.speaker_cap, profile.gallery_seats, profile.comment_minutes_per_case, profile.basis) == (
        8, 30, 40, "甲縣國土計畫審議會議及會場管理要點")
    (entry,) = AuditEntry.query.filter_by(action="rule_profile.updated").all()
    assert entry.actor_id == counties.secretariat_a.id and entry.organizer_id == counties.a.id
    assert entry.details["before"]["speaker_cap"] == 5 and entry.details["after"]["speaker_cap"] == 8
    assert fresh(counties.draft_a).speaker_cap == 5  # meetings that exist keep their settings
    assert fresh(counties.b).profile.speaker_cap == 5  # the other county is untouched

    form_page = client.get("/staff/meetings/new").get_data(as_text=True)
    assert re.search(r'id="speaker_cap" name="speaker_cap"[^>]*value="8"', form_page)
    start = counties.start + timedelta(days=5)
    response = client.post("/staff/meetings/new", data=meeting_form(counties.plan_a, fresh(counties.a), start=start,
                                                                    title="依新規定的公聽會"))
    assert response.status_code == 302
    meeting = Meeting.query.filter_by(title="依新規定的公聽會").one()
    assert (meeting.speaker_cap, meeting.gallery_seats, meeting.comment_minutes_per_case) == (8, 30, 40)
    assert meeting.departures == []


def test_the_old_default_becomes_a_departure_after_the_profile_changes_V7(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    assert client.post("/staff/profile", data=profile_form()).status_code == 302
    response = client.post("/staff/meetings/new", data=meeting_form(
        counties.plan_a, fresh(counties.a), start=counties.start, title="沿用部頒預設", speaker_cap=5))
    assert response.status_code == 400
    assert "differ from your organizer's rule profile" in field_error(response, "departure_reason")


@pytest.mark.parametrize("field, value, message", [
    ("speaker_cap", 11, "Online speakers: between 1 and 10"),  # V3
    ("speaker_cap", 0, "Online speakers: between 1 and 10"),  # V3
    ("comment_minutes_per_case", 61, "Public comment per case: between 1 and 60 minutes"),  # V11
    ("gallery_seats", -1, "Gallery seats: between 0 and 500."),
], ids=["speakers_11_V3", "speakers_0_V3", "comment_minutes_61_V11", "negative_gallery"])
def test_profile_above_the_caps_is_refused_V3_V11(client, counties, sign_in, field, value, message):
    sign_in(counties.secretariat_a)
    response = client.post("/staff/profile", data=profile_form(**{field: value}))
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert 'value="甲縣國土計畫審議會議及會場管理要點"' in text_of(response) or \
        "甲縣國土計畫審議會議及會場管理要點</textarea>" in text_of(response)  # the basis typed is kept
    profile = fresh(counties.a).profile
    assert (profile.speaker_cap, profile.gallery_seats, profile.comment_minutes_per_case, profile.basis) == (
        5, 20, 30, "")
    assert count(AuditEntry, AuditEntry.action == "rule_profile.updated") == 0


def test_planner_may_read_but_not_change_the_profile(client, counties, sign_in):
    sign_in(counties.planner_a)
    assert client.get("/staff/profile").status_code == 200
    response = client.post("/staff/profile", data=profile_form())
    assert response.status_code == 403
    assert fresh(counties.a).profile.speaker_cap == 5
    assert count(AuditEntry, AuditEntry.action == "rule_profile.updated") == 0


def test_secretariat_cannot_reach_another_organizers_profile(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/profile?organizer={counties.b.id}", data=profile_form())
    assert response.status_code == 302
    assert fresh(counties.b).profile.speaker_cap == 5  # the parameter is ignored: A's own profile changed
    assert fresh(counties.a).profile.speaker_cap == 8


def test_admin_may_change_any_organizers_profile(client, counties, sign_in):
    sign_in(counties.admin)
    response = client.post(f"/staff/profile?organizer={counties.b.id}", data=profile_form(speaker_cap=6))
    assert response.status_code == 302
    assert fresh(counties.b).profile.speaker_cap == 6 and fresh(counties.a).profile.speaker_cap == 5
