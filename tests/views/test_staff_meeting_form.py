"""The staff meeting form: the rule profile's values, refused input kept and shown next to its field, stale edits."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from app.audit import AuditEntry
from app.meetings.models import Meeting, RuleDeparture

from .conftest import count, edit_form, field_error, flashes, fresh, local, meeting_form, on_the_minute, text_of

TYPED_TITLE = "我剛打好的會議標題"
STALE = ("Someone else changed this record while you were editing. Your changes were not saved; "
         "reload the page to see the latest version and make them again.")
V3_MESSAGE = ("Online speakers: between 1 and 10 (5 in principle, at most 10 when necessary, "
              "under point 3 of the venue rules).")
V11_MESSAGE = ("Public comment per case: between 1 and 60 minutes (30 in principle, at most 60, "
               "under point 5 of the venue rules).")
DEPARTURE_MESSAGE = ("These settings differ from your organizer's rule profile; give the reason, "
                     "which is recorded and shown on the meeting page.")


@pytest.fixture
def county(make):
    """A county whose own rule profile differs from the Ministry's defaults, with a plan and a secretariat."""
    org = make.organizer("county-c", speaker_cap=7, gallery_seats=15, comment_minutes_per_case=45)
    plan = make.plan(org, name="丙縣國土計畫")
    user = make.staff("secretariat", org)
    start = on_the_minute(make.now() + timedelta(days=30))
    make.commit()
    return org, plan, user, start


def test_new_meeting_form_starts_from_the_organizers_profile(client, county, sign_in):
    org, _plan, user, _start = county
    sign_in(user)
    response = client.get("/staff/meetings/new")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for name, value in (("speaker_cap", 7), ("gallery_seats", 15), ("comment_minutes_per_case", 45)):
        assert re.search(rf'id="{name}" name="{name}"[^>]*value="{value}"', body), name


def test_new_meeting_is_saved_as_a_draft_with_the_profiles_values_V7(client, county, sign_in):
    org, plan, user, start = county
    sign_in(user)
    response = client.post("/staff/meetings/new", data=meeting_form(plan, org, start=start, title=TYPED_TITLE))
    assert response.status_code == 302
    meeting = Meeting.query.filter_by(title=TYPED_TITLE).one()
    assert response.headers["Location"] == f"/staff/meetings/{meeting.id}"
    assert (meeting.status, meeting.sequence, meeting.organizer_id, meeting.plan_id) == ("draft", 0, org.id, plan.id)
    assert meeting.settings() == org.profile.settings()
    assert meeting.starts_at == start and meeting.ends_at == start + timedelta(hours=3)
    assert meeting.departures == []
    (entry,) = AuditEntry.query.filter_by(action="meeting.created", target_id=meeting.id).all()
    assert entry.actor_id == user.id and entry.target_type == "meetings"
    assert "Draft saved." in " ".join(flashes(client.get(response.headers["Location"])))


def test_departure_with_a_reason_is_recorded_V3_V11(client, county, sign_in):
    org, plan, user, start = county
    sign_in(user)
    response = client.post("/staff/meetings/new", data=meeting_form(
        plan, org, start=start, title=TYPED_TITLE, speaker_cap=10, comment_minutes_per_case=60,
        departure_reason="陳情人數眾多，經主席同意延長"))
    assert response.status_code == 302
    meeting = Meeting.query.filter_by(title=TYPED_TITLE).one()
    assert (meeting.speaker_cap, meeting.comment_minutes_per_case) == (10, 60)
    departures = {(d.setting, d.profile_value, d.value, d.reason, d.actor_id) for d in meeting.departures}
    assert departures == {("speaker_cap", 7, 10, "陳情人數眾多，經主席同意延長", user.id),
                          ("comment_minutes_per_case", 45, 60, "陳情人數眾多，經主席同意延長", user.id)}


def test_registration_deadline_at_the_start_is_accepted_W1(client, county, sign_in):
    org, plan, user, start = county
    sign_in(user)
    response = client.post("/staff/meetings/new", data=meeting_form(
        plan, org, start=start, title=TYPED_TITLE, registration_opens_at=local(start - timedelta(days=14)),
        registration_closes_at=local(start)))
    assert response.status_code == 302
    assert Meeting.query.filter_by(title=TYPED_TITLE).one().registration_closes_at == start


def bad_inputs(start):
    """(field, form overrides, message) for input the form must refuse."""
    return {
        "end_before_start": ("ends_at", {"ends_at": local(start - timedelta(hours=1))},
                             "The meeting must end after it starts."),
        "end_at_start": ("ends_at", {"ends_at": local(start)}, "The meeting must end after it starts."),
        "deadline_after_start_W1": ("registration_closes_at", {
            "registration_opens_at": local(start - timedelta(days=7)),
            "registration_closes_at": local(start + timedelta(hours=1))},
            "The registration deadline must not be later than the start of the meeting "
            "(a deadline is a date and a time before the meeting)."),
        "deadline_without_opening_W1": ("registration_opens_at", {
            "registration_closes_at": local(start - timedelta(days=1))},
            "Give both the opening and the deadline of registration, or neither."),
        "speakers_11_V3": ("speaker_cap", {"speaker_cap": 11, "departure_reason": "人多"}, V3_MESSAGE),
        "speakers_0_V3": ("speaker_cap", {"speaker_cap": 0, "departure_reason": "人少"}, V3_MESSAGE),
        "comment_minutes_61_V11": ("comment_minutes_per_case", {"comment_minutes_per_case": 61,
                                                                "departure_reason": "案件複雜"}, V11_MESSAGE),
        "departure_without_reason_V3": ("departure_reason", {"speaker_cap": 8}, DEPARTURE_MESSAGE),
        "departure_blank_reason_V11": ("departure_reason", {"comment_minutes_per_case": 50,
                                                            "departure_reason": "   "}, DEPARTURE_MESSAGE),
        "phase_for_a_hearing_P1": ("phase", {"phase": "initial"},
                                   "Planning phases (initial, middle, final) apply only to symposia and workshops."),
    }


CASES = list(bad_inputs(datetime(2030, 1, 1, tzinfo=timezone.utc)))


@pytest.mark.parametrize("case", CASES)
def test_bad_input_on_a_new_meeting_is_refused_next_to_its_field(client, county, sign_in, case):
    org, plan, user, start = county
    field, overrides, message = bad_inputs(start)[case]
    sign_in(user)
    meetings, entries = count(Meeting), count(AuditEntry)
    response = client.post("/staff/meetings/new", data=meeting_form(plan, org, start=start, title=TYPED_TITLE,
                                                                    **overrides))
    assert response.status_code == 400
    assert message in field_error(response, field)
    body = text_of(response)
    assert "Please correct the following. Nothing was saved yet; what you typed is kept." in body
    assert f'href="#{field}"' in body  # the error summary links to the field (issue 9, item 5)
    assert f'value="{TYPED_TITLE}"' in body  # what the user typed is still in the form
    for value in overrides.values():
        assert str(value).strip() in body
    assert (count(Meeting), count(AuditEntry), count(RuleDeparture)) == (meetings, entries, 0)


def test_bad_input_on_an_edit_is_refused_and_changes_nothing_V3_V11_W1(client, counties, sign_in):
    meeting = counties.draft_a
    sign_in(counties.secretariat_a)
    before = (meeting.title, meeting.sequence, meeting.ends_at, meeting.settings(), meeting.phase)
    entries = count(AuditEntry)
    for case, (field, overrides, message) in bad_inputs(meeting.starts_at).items():
        response = client.post(f"/staff/meetings/{meeting.id}/edit", data=edit_form(meeting, title=TYPED_TITLE,
                                                                                     **overrides))
        assert response.status_code == 400, case
        assert message in (field_error(response, field) or ""), case
        assert f'value="{TYPED_TITLE}"' in text_of(response), case
        after = fresh(meeting)
        assert (after.title, after.sequence, after.ends_at, after.settings(), after.phase) == before, case
        assert (count(AuditEntry), count(RuleDeparture)) == (entries, 0), case


def test_edit_saves_bumps_the_sequence_and_audits(client, counties, sign_in):
    meeting = counties.draft_a
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/meetings/{meeting.id}/edit", data=edit_form(meeting, title=TYPED_TITLE))
    assert response.status_code == 302
    meeting = fresh(meeting)
    assert (meeting.title, meeting.sequence) == (TYPED_TITLE, 1)
    (entry,) = AuditEntry.query.filter_by(action="meeting.updated", target_id=meeting.id).all()
    assert entry.actor_id == counties.secretariat_a.id and entry.details["fields"] == ["title"]


def shown_sequence(response) -> str:
    found = re.search(r'<input id="sequence" name="sequence" type="hidden" value="(\d*)">',
                      response.get_data(as_text=True))
    assert found, "the edit form carries no sequence"
    return found.group(1)


def stale_edit(client, counties):
    """Open the edit form, let someone else save first, then submit the opened form."""
    meeting = counties.draft_a
    opened = shown_sequence(client.get(f"/staff/meetings/{meeting.id}/edit"))
    assert opened == "0"
    first = client.post(f"/staff/meetings/{meeting.id}/edit", data=edit_form(meeting, title="同事先存的標題"))
    assert first.status_code == 302
    return client.post(f"/staff/meetings/{meeting.id}/edit",
                       data=edit_form(meeting, title=TYPED_TITLE, speaker_cap=9, departure_reason="人多",
                                      sequence=opened))


def test_stale_edit_is_refused_with_a_message_and_nothing_saved(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    response = stale_edit(client, counties)
    assert STALE in flashes(response)
    assert f'value="{TYPED_TITLE}"' in text_of(response)  # the user's work is on the page, to copy
    meeting = fresh(counties.draft_a)
    assert (meeting.title, meeting.sequence, meeting.speaker_cap) == ("同事先存的標題", 1, 5)
    assert count(AuditEntry, AuditEntry.action == "meeting.updated") == 1
    assert count(RuleDeparture) == 0


def test_stale_edit_answers_400(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    response = stale_edit(client, counties)
    assert response.status_code == 400
    assert STALE in text_of(response)


def test_tampered_sequence_is_refused_not_a_500(app, client, counties, sign_in):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    sign_in(counties.secretariat_a)
    meeting = counties.draft_a
    response = client.post(f"/staff/meetings/{meeting.id}/edit", data=edit_form(meeting, title=TYPED_TITLE,
                                                                                 sequence="abc"))
    assert response.status_code == 400
    assert fresh(meeting).title == "甲縣草稿座談會"


def test_published_meetings_time_is_not_changed_by_edit_W5(client, counties, sign_in):
    meeting = counties.published_a
    sign_in(counties.secretariat_a)
    before = (meeting.starts_at, meeting.ends_at, meeting.sequence, meeting.title)
    later = meeting.starts_at + timedelta(hours=2)
    response = client.post(f"/staff/meetings/{meeting.id}/edit", data=edit_form(
        meeting, title=TYPED_TITLE, starts_at=local(later), ends_at=local(later + timedelta(hours=3))))
    assert response.status_code == 400
    assert "A published meeting's time is changed by postponing it, so that everyone is told; use “Postpone” " \
           "instead." in field_error(response, "starts_at")
    meeting = fresh(meeting)
    assert (meeting.starts_at, meeting.ends_at, meeting.sequence, meeting.title) == before


def test_published_meeting_other_details_may_be_edited(client, counties, sign_in):
    meeting = counties.published_a
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/meetings/{meeting.id}/edit", data=edit_form(meeting, venue_name="新會議室"))
    assert response.status_code == 302
    assert fresh(meeting).venue_name == "新會議室"


def test_admin_chooses_the_organizer_of_a_new_meeting(client, counties, sign_in):
    sign_in(counties.admin)
    form_page = text_of(client.get("/staff/meetings/new"))
    assert "甲縣政府" in form_page and "乙縣政府" in form_page
    response = client.post("/staff/meetings/new", data=meeting_form(
        counties.plan_b, counties.b, start=counties.start, title=TYPED_TITLE, organizer_id=str(counties.b.id)))
    assert response.status_code == 302
    meeting = Meeting.query.filter_by(title=TYPED_TITLE).one()
    assert (meeting.organizer_id, meeting.plan_id, meeting.status) == (counties.b.id, counties.plan_b.id, "draft")


def test_markup_in_a_title_is_shown_as_text(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    title = '<script>alert("x")</script>公聽會'
    response = client.post("/staff/meetings/new", data=meeting_form(counties.plan_a, counties.a,
                                                                    start=counties.start, title=title))
    assert response.status_code == 302
    for url in ("/staff/", response.headers["Location"]):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "&lt;script&gt;alert(" in body
