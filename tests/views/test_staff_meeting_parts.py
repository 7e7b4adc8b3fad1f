"""A meeting's agenda (W2), cases and their comment budget (V11) and suggested attendance (W3), from the manage page."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.meetings.models import AgendaItem, ReviewCase, SuggestedAttendance
from app.timefmt import from_local, to_local

from .conftest import client_as, count, error_in_form, fresh

V11_MESSAGE = ("Public comment per case: between 1 and 60 minutes (30 in principle, at most 60, "
               "under point 5 of the venue rules).")


@pytest.fixture
def hearing(make, counties):
    """County A's published hearing from 14:00 to 17:00 Taipei time, three weeks ahead."""
    day = to_local(make.now() + timedelta(days=21)).date()
    start = from_local(datetime(day.year, day.month, day.day, 14, 0))
    meeting = make.meeting(counties.a, counties.plan_a, title="甲縣第二場公聽會", start=start, hours=3)
    make.commit()
    return meeting


def test_agenda_item_is_added_on_the_meetings_day_and_audited_W2(client, counties, sign_in, hearing):
    sign_in(counties.secretariat_a)
    sequence = hearing.sequence
    response = client.post(f"/staff/meetings/{hearing.id}/agenda",
                           data={"starts_at": "14:00", "ends_at": "14:30", "title": "計畫草案簡報", "presenter": "規劃團隊"})
    assert response.status_code == 302
    (item,) = fresh(hearing).agenda_items
    assert (item.title, item.presenter) == ("計畫草案簡報", "規劃團隊")
    assert (item.starts_at, item.ends_at) == (hearing.starts_at, hearing.starts_at + timedelta(minutes=30))
    assert fresh(hearing).sequence == sequence + 1
    (entry,) = AuditEntry.query.filter_by(action="meeting.agenda_item_added", target_id=hearing.id).all()
    assert entry.actor_id == counties.secretariat_a.id


@pytest.mark.parametrize("times, field, message", [
    (("13:30", "14:30"), "starts_at", "Agenda items must fall within the meeting's own start and end."),
    (("16:30", "17:30"), "starts_at", "Agenda items must fall within the meeting's own start and end."),
    (("15:00", "14:30"), "ends_at", "The meeting must end after it starts."),
], ids=["before_the_meeting_W2", "after_the_meeting_W2", "ends_before_it_starts"])
def test_agenda_item_outside_the_meeting_is_refused_W2(client, counties, sign_in, hearing, times, field, message):
    sign_in(counties.secretariat_a)
    sequence = hearing.sequence
    url = f"/staff/meetings/{hearing.id}/agenda"
    response = client.post(url, data={"starts_at": times[0], "ends_at": times[1], "title": "綜合座談"})
    assert response.status_code == 400
    assert error_in_form(response, url, field) == message
    assert 'value="綜合座談"' in response.get_data(as_text=True)
    assert count(AgendaItem) == 0 and fresh(hearing).sequence == sequence
    assert count(AuditEntry, AuditEntry.action == "meeting.agenda_item_added") == 0


def test_case_takes_the_meetings_comment_budget_by_default_V11(client, counties, sign_in, hearing):
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/meetings/{hearing.id}/cases", data={"title": "第一案", "comment_minutes": ""})
    assert response.status_code == 302
    response = client.post(f"/staff/meetings/{hearing.id}/cases", data={"title": "第二案", "comment_minutes": "60"})
    assert response.status_code == 302
    assert [(c.title, c.comment_minutes, c.position) for c in fresh(hearing).cases] == [
        ("第一案", 30, 1), ("第二案", 60, 2)]
    entries = AuditEntry.query.filter_by(action="meeting.case_added", target_id=hearing.id).all()
    assert [e.details["comment_minutes"] for e in entries] == [30, 60]


@pytest.mark.parametrize("minutes", ["61", "0"])
def test_case_budget_outside_1_to_60_minutes_is_refused_V11(client, counties, sign_in, hearing, minutes):
    sign_in(counties.secretariat_a)
    url = f"/staff/meetings/{hearing.id}/cases"
    response = client.post(url, data={"title": "第三案", "comment_minutes": minutes})
    assert response.status_code == 400
    assert error_in_form(response, url, "comment_minutes") == V11_MESSAGE
    assert 'value="第三案"' in response.get_data(as_text=True)
    assert count(ReviewCase) == 0
    assert count(AuditEntry, AuditEntry.action == "meeting.case_added") == 0


def test_suggested_attendance_is_added_and_checked_W3(client, counties, sign_in, hearing):
    sign_in(counties.secretariat_a)
    url = f"/staff/meetings/{hearing.id}/attendance"
    response = client.post(url, data={"agency": "內政部國土管理署", "unit": "綜合計畫組", "seats": "0",
                                      "subtopics": "成長管理"})
    assert response.status_code == 400
    assert error_in_form(response, url, "seats") == "Number must be between 1 and 50."
    assert count(SuggestedAttendance) == 0
    response = client.post(url, data={"agency": "內政部國土管理署", "unit": "綜合計畫組", "seats": "2",
                                      "subtopics": "成長管理"})
    assert response.status_code == 302
    (row,) = fresh(hearing).suggested_attendance
    assert (row.agency, row.seats, row.subtopics) == ("內政部國土管理署", 2, "成長管理")


def test_removing_an_agenda_item_renumbers_and_audits(client, db, counties, sign_in, hearing):
    sign_in(counties.secretariat_a)
    for start, end, title in (("14:00", "14:30", "報告"), ("14:30", "16:00", "座談")):
        client.post(f"/staff/meetings/{hearing.id}/agenda", data={"starts_at": start, "ends_at": end, "title": title})
    db.session.expire_all()
    first_id = db.session.scalar(select(AgendaItem.id).order_by(AgendaItem.starts_at))
    response = client.post(f"/staff/meetings/{hearing.id}/agenda/{first_id}/delete")
    assert response.status_code == 302
    assert [(i.title, i.position) for i in fresh(hearing).agenda_items] == [("座談", 1)]
    (entry,) = AuditEntry.query.filter_by(action="meeting.part_removed", target_id=hearing.id).all()
    assert entry.actor_id == counties.secretariat_a.id and entry.details["table"] == "agenda_items"


def test_agenda_item_is_edited_kept_in_time_order_and_audited_W2(client, db, counties, sign_in, hearing):
    sign_in(counties.secretariat_a)
    for start, end, title in (("14:00", "14:30", "簡報"), ("14:30", "16:00", "座談")):
        client.post(f"/staff/meetings/{hearing.id}/agenda", data={"starts_at": start, "ends_at": end, "title": title})
    db.session.expire_all()
    first_id = db.session.scalar(select(AgendaItem.id).where(AgendaItem.title == "簡報"))
    url = f"/staff/meetings/{hearing.id}/agenda/{first_id}/edit"
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert 'value="14:00"' in form_page.get_data(as_text=True)  # Taipei time, not UTC
    sequence = fresh(hearing).sequence
    response = client.post(url, data={"starts_at": "16:00", "ends_at": "16:45", "title": "結論", "presenter": "主席"})
    assert response.status_code == 302
    assert [(i.title, i.presenter, i.position) for i in fresh(hearing).agenda_items] == [
        ("座談", "", 1), ("結論", "主席", 2)]
    assert fresh(hearing).sequence == sequence + 1
    (entry,) = AuditEntry.query.filter_by(action="meeting.agenda_item_changed", target_id=hearing.id).all()
    assert entry.details["before"]["title"] == "簡報" and entry.details["title"] == "結論"


def test_agenda_item_edit_outside_the_meeting_is_refused_and_input_kept_W2(client, db, counties, sign_in, hearing):
    sign_in(counties.secretariat_a)
    client.post(f"/staff/meetings/{hearing.id}/agenda", data={"starts_at": "14:00", "ends_at": "14:30", "title": "簡報"})
    item_id = db.session.scalar(select(AgendaItem.id))
    url = f"/staff/meetings/{hearing.id}/agenda/{item_id}/edit"
    response = client.post(url, data={"starts_at": "17:30", "ends_at": "18:00", "title": "延長"})
    assert response.status_code == 400
    assert error_in_form(response, url, "starts_at") == (
        "Agenda items must fall within the meeting's own start and end.")
    assert 'value="延長"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert [i.title for i in fresh(hearing).agenda_items] == ["簡報"]
    assert count(AuditEntry, AuditEntry.action == "meeting.agenda_item_changed") == 0


@pytest.mark.parametrize("minutes, expected_status, expected_minutes", [("45", 302, 45), ("61", 400, 30)])
def test_case_budget_is_edited_within_1_to_60_minutes_V11(client, db, counties, sign_in, hearing, minutes,
                                                          expected_status, expected_minutes):
    sign_in(counties.secretariat_a)
    client.post(f"/staff/meetings/{hearing.id}/cases", data={"title": "第一案"})
    case_id = db.session.scalar(select(ReviewCase.id))
    url = f"/staff/meetings/{hearing.id}/cases/{case_id}/edit"
    response = client.post(url, data={"title": "第一案（修正）", "comment_minutes": minutes})
    assert response.status_code == expected_status
    db.session.expire_all()
    assert db.session.get(ReviewCase, case_id).comment_minutes == expected_minutes
    if expected_status == 400:
        assert error_in_form(response, url, "comment_minutes") == V11_MESSAGE


def test_suggested_attendance_is_edited_and_audited_W3(client, db, counties, sign_in, hearing):
    sign_in(counties.secretariat_a)
    client.post(f"/staff/meetings/{hearing.id}/attendance", data={"agency": "農業局", "seats": "1"})
    row_id = db.session.scalar(select(SuggestedAttendance.id))
    response = client.post(f"/staff/meetings/{hearing.id}/attendance/{row_id}/edit",
                           data={"agency": "農業局", "unit": "農地利用科", "seats": "3"})
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(SuggestedAttendance, row_id)
    assert (row.unit, row.seats) == ("農地利用科", 3)
    assert count(AuditEntry, AuditEntry.action == "meeting.attendance_changed") == 1


def test_parts_of_another_meeting_or_organizer_cannot_be_edited(app, client, db, counties, sign_in, hearing):
    sign_in(counties.secretariat_a)
    client.post(f"/staff/meetings/{hearing.id}/cases", data={"title": "第一案"})
    case_id = db.session.scalar(select(ReviewCase.id))
    other_meeting = counties.published_a
    assert client.get(f"/staff/meetings/{other_meeting.id}/cases/{case_id}/edit").status_code == 404
    assert client.get(f"/staff/meetings/{hearing.id}/cases/999999/edit").status_code == 404
    other = client_as(app, counties.secretariat_b)
    assert other.post(f"/staff/meetings/{hearing.id}/cases/{case_id}/edit",
                      data={"title": "乙縣改的"}).status_code == 404
    planner = client_as(app, counties.planner_a)
    assert planner.post(f"/staff/meetings/{hearing.id}/cases/{case_id}/edit",
                        data={"title": "規劃人員改的"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(ReviewCase, case_id).title == "第一案"


def test_a_case_with_applications_to_speak_is_not_removed_and_staff_are_told_why(client, db, counties, sign_in,
                                                                                  make):
    meeting = make.open_meeting(counties.a, cases=2)
    case_id = meeting.cases[0].id
    make.application(meeting, case_ids=[case_id])
    make.commit()
    sign_in(counties.secretariat_a)
    client.set_cookie("lang", "en")
    response = client.post(f"/staff/meetings/{meeting.id}/cases/{case_id}/delete", follow_redirects=True)
    assert response.status_code == 200
    assert "Open applications to speak on this case: 1." in response.get_data(as_text=True)
    assert count(ReviewCase, ReviewCase.id == case_id) == 1
