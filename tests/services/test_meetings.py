"""Meeting workflows: create from the profile, edit, publish, postpone, cancel, audit."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.meetings import agenda, services
from app.meetings.models import Meeting, RuleDeparture
from app.violations import RuleViolation


def test_new_meeting_copies_its_organizers_rule_profile_V7(make, db):
    yilan = make.organizer("yilan", gallery_seats=15, observers_per_group=3)
    meeting = make.meeting(yilan, status="draft")
    assert (meeting.gallery_seats, meeting.observers_per_group, meeting.speaker_cap) == (15, 3, 5)
    assert meeting.departures == []


def test_departure_from_the_profile_needs_and_records_a_reason_V3(make, db):
    org = make.organizer()
    data = make.meeting_data(org, speaker_cap=8)
    with pytest.raises(RuleViolation) as refused:
        services.create_meeting(make.plan(org), org, data, actor=None, now=make.now(), departure_reason=" ")
    assert [p.field for p in refused.value.problems] == ["departure_reason"]
    meeting = services.create_meeting(make.plan(org), org, data, actor=None, now=make.now(),
                                      departure_reason="陳情案件多")
    (departure,) = meeting.departures
    assert (departure.setting, departure.profile_value, departure.value, departure.reason) == \
        ("speaker_cap", 5, 8, "陳情案件多")


@pytest.mark.parametrize("field, value, code", [
    ("speaker_cap", 11, "speaker_cap_out_of_range"),  # V3
    ("comment_minutes_per_case", 61, "comment_minutes_per_case_out_of_range"),  # V11
])
def test_caps_of_the_venue_rules_cannot_be_exceeded_V3_V11(make, db, field, value, code):
    org = make.organizer()
    with pytest.raises(RuleViolation) as refused:
        services.create_meeting(make.plan(org), org, make.meeting_data(org, **{field: value}), actor=None,
                                now=make.now(), departure_reason="raise")
    assert code in [p.code for p in refused.value.problems]
    assert db.session.scalar(select(Meeting.id)) is None


def test_deadline_after_the_meeting_starts_is_refused_W1(make, db):
    org = make.organizer()
    start = make.now() + timedelta(days=5)
    data = make.meeting_data(org, start=start, registration_opens_at=start - timedelta(days=3),
                             registration_closes_at=start + timedelta(hours=1))
    with pytest.raises(RuleViolation) as refused:
        services.create_meeting(make.plan(org), org, data, actor=None, now=make.now())
    assert [(p.field, p.code) for p in refused.value.problems] == [("registration_closes_at", "deadline_after_start")]


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,x", "ftp://example.tw/live"])
def test_live_stream_link_must_be_a_web_address(make, db, link):
    # The public page shows it as a link: the service refuses what the form might let through.
    org = make.organizer()
    data = make.meeting_data(org, livestream_url=link)
    with pytest.raises(RuleViolation) as refused:
        services.create_meeting(make.plan(org), org, data, actor=None, now=make.now())
    assert [(p.field, p.code) for p in refused.value.problems] == [("livestream_url", "link_not_http")]


def test_each_status_change_is_audited_and_bumps_the_sequence_W5(make, db):
    user = make.staff("secretariat")
    meeting = make.meeting(user.organizer, status="draft", actor=user)
    assert meeting.sequence == 0
    services.publish_meeting(meeting, actor=user, now=make.now())
    new_start = meeting.starts_at + timedelta(days=7)
    services.postpone_meeting(meeting, starts_at=new_start, ends_at=new_start + timedelta(hours=2), reason="颱風假",
                              actor=user, now=make.now())
    services.cancel_meeting(meeting, reason="場地無法使用", actor=user, now=make.now())
    assert (meeting.status, meeting.status_reason, meeting.sequence) == ("cancelled", "場地無法使用", 3)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == meeting.id)
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["meeting.created", "meeting.published", "meeting.postponed", "meeting.cancelled"]
    postponed = meeting.status_changes[1]
    assert (postponed.to_status, postponed.reason, postponed.new_starts_at) == ("postponed", "颱風假", new_start)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.postponed"))
    assert entry.actor_id == user.id and entry.details["reason"] == "颱風假"


def test_postponing_into_the_past_is_refused_W5(make, db):
    meeting = make.meeting()
    past = make.now() - timedelta(days=1)
    with pytest.raises(RuleViolation) as refused:
        services.postpone_meeting(meeting, starts_at=past, ends_at=past + timedelta(hours=1), reason="x",
                                  actor=None, now=make.now())
    assert "new_time_in_past" in [p.code for p in refused.value.problems]
    assert meeting.status == "published"


def test_stale_edit_is_refused_and_changes_nothing(make, db):
    meeting = make.meeting(status="draft")
    data = make.meeting_data(meeting.organizer, start=meeting.starts_at, title="新標題")
    services.update_meeting(meeting, data, actor=None, now=make.now(), expected_sequence=meeting.sequence)
    with pytest.raises(RuleViolation) as refused:
        services.update_meeting(meeting, data | {"title": "另一個標題"}, actor=None, now=make.now(),
                                expected_sequence=0)
    assert [p.code for p in refused.value.problems] == ["stale_form"]
    assert meeting.title == "新標題"


def test_a_published_meetings_time_changes_only_by_postponement_W5(make, db):
    meeting = make.meeting()
    data = make.meeting_data(meeting.organizer, start=meeting.starts_at + timedelta(hours=1))
    with pytest.raises(RuleViolation) as refused:
        services.update_meeting(meeting, data, actor=None, now=make.now(), expected_sequence=meeting.sequence)
    assert [p.code for p in refused.value.problems] == ["time_change_needs_postponement"]


def test_edit_records_only_new_departures_V11(make, db):
    meeting = make.meeting(status="draft")
    data = make.meeting_data(meeting.organizer, start=meeting.starts_at, comment_minutes_per_case=45)
    services.update_meeting(meeting, data, actor=None, now=make.now(), expected_sequence=meeting.sequence,
                            departure_reason="案情複雜")
    services.update_meeting(meeting, data | {"title": "改名"}, actor=None, now=make.now(),
                            expected_sequence=meeting.sequence)  # no new departure, no reason needed
    rows = db.session.scalars(select(RuleDeparture)).all()
    assert [(r.setting, r.value, r.reason) for r in rows] == [("comment_minutes_per_case", 45, "案情複雜")]


def test_agenda_items_stay_in_time_order_and_within_the_meeting_W2(make, db):
    meeting = make.meeting()
    start = meeting.starts_at
    agenda.add_agenda_item(meeting, starts_at=start + timedelta(hours=1), ends_at=start + timedelta(hours=2),
                           title="發言", presenter="", actor=None, now=make.now())
    agenda.add_agenda_item(meeting, starts_at=start, ends_at=start + timedelta(hours=1), title="簡報",
                           presenter="都發局", actor=None, now=make.now())
    assert [i.title for i in meeting.agenda_items] == ["簡報", "發言"]
    with pytest.raises(RuleViolation) as refused:
        agenda.add_agenda_item(meeting, starts_at=start - timedelta(hours=1), ends_at=start, title="早到",
                               presenter="", actor=None, now=make.now())
    assert [p.code for p in refused.value.problems] == ["agenda_outside_meeting"]


def test_case_budget_defaults_to_the_meeting_and_stays_within_60_minutes_V11(make, db):
    meeting = make.meeting(kind="committee")
    case = agenda.add_case(meeting, title="第一案", summary="", comment_minutes=None, actor=None, now=make.now())
    assert case.comment_minutes == 30
    with pytest.raises(RuleViolation):
        agenda.add_case(meeting, title="第二案", summary="", comment_minutes=90, actor=None, now=make.now())
    assert len(meeting.cases) == 1
