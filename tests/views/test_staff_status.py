"""Publishing, postponing and cancelling a meeting through the staff pages (P8, W5)."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.meetings.models import MeetingStatusChange

from .conftest import count, error_in_form, field_error, flashes, fresh, local, text_of

NOT_ALLOWED = "This meeting cannot be changed that way in its current status."
REQUIRED = "This field is required."


def audit_entries(meeting, action):
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).filter_by(target_type="meetings", target_id=meeting.id,
                                                           action=action)).all()


def snapshot(meeting):
    """What a refused status change must leave as it was: the meeting, its history, its audit trail."""
    meeting = fresh(meeting)
    return (meeting.status, meeting.sequence, meeting.starts_at, meeting.ends_at, meeting.status_reason,
            count(MeetingStatusChange, MeetingStatusChange.meeting_id == meeting.id),
            count(AuditEntry, AuditEntry.target_type == "meetings", AuditEntry.target_id == meeting.id))


def assert_refused(response, meeting, before, message):
    """400, the message on the page, and nothing changed."""
    assert response.status_code == 400
    assert message in text_of(response)
    assert snapshot(meeting) == before


def postpone_data(new_start, *, hours: int = 1, reason: str = "延期") -> dict:
    """The postpone form as typed: the new start and end (Taipei time) and the reason."""
    return {"starts_at": local(new_start), "ends_at": local(new_start + timedelta(hours=hours)), "reason": reason}


def test_publishing_a_draft_records_the_change_and_audits_it_P8(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    draft, user = counties.draft_a, counties.secretariat_a
    response = client.post(f"/staff/meetings/{draft.id}/publish", data={"publish_anyway": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/meetings/{draft.id}"
    meeting = fresh(draft)
    assert meeting.status == "published" and meeting.sequence == 1 and meeting.published_at is not None
    (change,) = meeting.status_changes
    assert (change.from_status, change.to_status, change.actor_id) == ("draft", "published", user.id)
    (entry,) = audit_entries(meeting, "meeting.published")
    assert entry.actor_id == user.id and entry.organizer_id == counties.a.id
    assert entry.details["from"] == "draft" and entry.details["to"] == "published"
    assert "The meeting is published." in flashes(client.get(response.headers["Location"]))
    assert app.test_client().get(f"/meetings/{draft.id}").status_code == 200


def test_postponing_moves_the_time_and_records_the_reason_W5(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting, user = counties.published_a, counties.secretariat_a
    old_start, old_sequence = meeting.starts_at, meeting.sequence
    new_start = old_start + timedelta(days=7, hours=1)
    response = client.post(f"/staff/meetings/{meeting.id}/postpone",
                           data=postpone_data(new_start, hours=2, reason="颱風停班停課"))
    assert response.status_code == 302
    meeting = fresh(meeting)
    assert meeting.status == "postponed" and meeting.status_reason == "颱風停班停課"
    assert meeting.starts_at == new_start and meeting.ends_at == new_start + timedelta(hours=2)
    assert meeting.sequence == old_sequence + 1
    change = meeting.status_changes[-1]
    assert (change.from_status, change.to_status, change.reason, change.actor_id) == (
        "published", "postponed", "颱風停班停課", user.id)
    assert change.previous_starts_at == old_start and change.new_starts_at == new_start
    (entry,) = audit_entries(meeting, "meeting.postponed")
    assert entry.actor_id == user.id and entry.details["reason"] == "颱風停班停課"
    assert entry.details["new_starts_at"] == new_start.isoformat()
    assert "颱風停班停課" in text_of(client.get(f"/staff/meetings/{meeting.id}"))


def test_a_postponed_meeting_may_be_postponed_again_W5(client, make, counties, sign_in):
    meeting = make.meeting(counties.a, counties.plan_a, status="postponed", start=counties.start, reason="場地維修")
    make.commit()
    sign_in(counties.secretariat_a)
    new_start = meeting.starts_at + timedelta(days=3)
    response = client.post(f"/staff/meetings/{meeting.id}/postpone", data=postpone_data(new_start, reason="再次延期"))
    assert response.status_code == 302
    assert fresh(meeting).starts_at == new_start and len(fresh(meeting).status_changes) == 3


def test_cancelling_records_the_reason_and_audits_it_W5(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting, user = counties.published_a, counties.secretariat_a
    old_sequence = meeting.sequence
    response = client.post(f"/staff/meetings/{meeting.id}/cancel", data={"reason": "場地無法使用"})
    assert response.status_code == 302
    meeting = fresh(meeting)
    assert (meeting.status, meeting.status_reason, meeting.sequence) == ("cancelled", "場地無法使用", old_sequence + 1)
    change = meeting.status_changes[-1]
    assert (change.from_status, change.to_status, change.reason, change.actor_id) == (
        "published", "cancelled", "場地無法使用", user.id)
    (entry,) = audit_entries(meeting, "meeting.cancelled")
    assert entry.actor_id == user.id and entry.details["reason"] == "場地無法使用"
    assert "This meeting is cancelled. Reason: 場地無法使用" in text_of(client.get(f"/staff/meetings/{meeting.id}"))


def test_publishing_twice_is_refused(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    before = snapshot(meeting)
    response = client.post(f"/staff/meetings/{meeting.id}/publish", data={"publish_anyway": "yes"})
    assert_refused(response, meeting, before, NOT_ALLOWED)
    assert NOT_ALLOWED in flashes(response)
    assert len(audit_entries(meeting, "meeting.published")) == 1


def test_cancelling_a_draft_is_refused(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.draft_a
    before = snapshot(meeting)
    assert_refused(client.post(f"/staff/meetings/{meeting.id}/cancel", data={"reason": "不辦了"}),
                   meeting, before, NOT_ALLOWED)
    assert audit_entries(meeting, "meeting.cancelled") == []


def test_postponing_a_draft_is_refused(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.draft_a
    before = snapshot(meeting)
    new_start = meeting.starts_at + timedelta(days=1)
    response = client.post(f"/staff/meetings/{meeting.id}/postpone", data=postpone_data(new_start))
    assert_refused(response, meeting, before, NOT_ALLOWED)


@pytest.mark.parametrize("action, data", [
    ("postpone", {"reason": "再延期"}),
    ("cancel", {"reason": "再取消"}),
    ("publish", {}),
])
def test_a_cancelled_meeting_cannot_change_again_W5(client, make, counties, sign_in, action, data):
    meeting = make.meeting(counties.a, counties.plan_a, status="cancelled", start=counties.start, reason="取消")
    make.commit()
    sign_in(counties.secretariat_a)
    if action == "postpone":
        new_start = meeting.starts_at + timedelta(days=3)
        data = postpone_data(new_start, reason=data["reason"])
    before = snapshot(meeting)
    response = client.post(f"/staff/meetings/{meeting.id}/{action}", data=data)
    assert_refused(response, meeting, before, NOT_ALLOWED)


@pytest.mark.parametrize("reason", ["", "   "])
def test_postponing_without_a_reason_is_refused_W5(client, counties, sign_in, reason):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    before = snapshot(meeting)
    new_start = meeting.starts_at + timedelta(days=3)
    url = f"/staff/meetings/{meeting.id}/postpone"
    response = client.post(url, data=postpone_data(new_start, reason=reason))
    assert_refused(response, meeting, before, REQUIRED)
    assert error_in_form(response, url, "reason") == REQUIRED
    assert f'action="/staff/meetings/{meeting.id}/cancel' not in response.get_data(as_text=True)  # its own page
    assert local(new_start) in response.get_data(as_text=True)  # the new time typed is kept


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_cancelling_without_a_reason_is_refused_W5(client, counties, sign_in, reason):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    before = snapshot(meeting)
    url = f"/staff/meetings/{meeting.id}/cancel"
    response = client.post(url, data={"reason": reason})
    assert_refused(response, meeting, before, REQUIRED)
    assert error_in_form(response, url, "reason") == REQUIRED
    assert audit_entries(meeting, "meeting.cancelled") == []


def test_postponing_to_an_end_before_the_start_is_refused(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    before = snapshot(meeting)
    new_start = meeting.starts_at + timedelta(days=3)
    url = f"/staff/meetings/{meeting.id}/postpone"
    response = client.post(url, data=postpone_data(new_start, hours=-1))
    assert_refused(response, meeting, before, "The meeting must end after it starts.")
    assert error_in_form(response, url, "ends_at") == "The meeting must end after it starts."


def test_postponing_into_the_past_is_refused_W5(client, make, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    before = snapshot(meeting)
    past = make.now() - timedelta(days=1)
    url = f"/staff/meetings/{meeting.id}/postpone"
    response = client.post(url, data=postpone_data(past))
    assert_refused(response, meeting, before, "The new time must be in the future.")
    assert error_in_form(response, url, "starts_at") == "The new time must be in the future."


def test_postponing_needs_a_new_time(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    before = snapshot(meeting)
    url = f"/staff/meetings/{meeting.id}/postpone"
    response = client.post(url, data={"starts_at": "", "ends_at": "tomorrow", "reason": "延期"})
    assert_refused(response, meeting, before, REQUIRED)
    assert error_in_form(response, url, "starts_at") == REQUIRED
    assert error_in_form(response, url, "ends_at")  # not a date: refused with WTForms' own message


def test_manage_page_field_ids_are_unique(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    body = client.get(f"/staff/meetings/{counties.published_a.id}").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_status_forms_are_shown_only_where_they_apply(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    draft = text_of(client.get(f"/staff/meetings/{counties.draft_a.id}"))
    assert f"/staff/meetings/{counties.draft_a.id}/publish" in draft
    assert f"/staff/meetings/{counties.draft_a.id}/cancel" not in draft
    published = text_of(client.get(f"/staff/meetings/{counties.published_a.id}"))
    assert f"/staff/meetings/{counties.published_a.id}/publish" not in published
    assert f"/staff/meetings/{counties.published_a.id}/postpone" in published
    assert field_error(client.get(f"/staff/meetings/{counties.published_a.id}"), "reason") is None
