"""The console, the public display and display.json over HTTP: access, actions, stale versions, ETag/304,
masked names, the no-JavaScript fallback and the speech log's downloads (V8, V10–V12, V14)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.dayof.models import CommentExtension, MeetingCourse, SpeakingTurn

from .conftest import client_as, field_error, text_of

STALE = "Someone else acted on this meeting a moment ago"


@pytest.fixture
def today(make, counties):
    """County A's hearing with two speakers holding places."""
    meeting = make.open_meeting(counties.a)
    base = make.now() - timedelta(hours=1)
    people = [make.application(meeting, name=name, organisation=org, at=base + timedelta(seconds=i))
              for i, (name, org) in enumerate([("王小明", "東區自救會"), ("陳美玲", "")])]
    make.commit()
    return meeting, people


def course_url(meeting, tail=""):
    return f"/staff/meetings/{meeting.id}/course{tail}"


def version_of(db, meeting):
    return db.session.scalar(select(MeetingCourse.version).where(MeetingCourse.meeting_id == meeting.id)) or 0


def post(client, url, db, meeting, **data):
    return client.post(url, data={"version": version_of(db, meeting), **data})


def to_comment(client, db, meeting):
    for action in ("call_case", "open_comment"):
        assert post(client, course_url(meeting, f"/step/{action}"), db, meeting).status_code == 303


def test_only_the_organizers_secretariat_and_admins_use_the_console(client, counties, today, sign_in, app):
    meeting, _people = today
    assert client.get(course_url(meeting)).status_code == 302  # to the sign-in page
    assert client_as(app, counties.secretariat_a).get(course_url(meeting)).status_code == 200
    assert client_as(app, counties.admin).get(course_url(meeting)).status_code == 200
    assert client_as(app, counties.secretariat_b).get(course_url(meeting)).status_code == 404
    assert client_as(app, counties.planner_a).get(course_url(meeting)).status_code == 403
    other = client_as(app, counties.secretariat_b)
    assert other.post(course_url(meeting, "/step/call_case"), data={"version": 0}).status_code == 404
    assert other.get(course_url(meeting, ".json")).status_code == 404
    assert other.get(f"/staff/meetings/{meeting.id}/speeches.csv").status_code == 404


def test_the_console_calls_starts_and_pauses_by_keyboard_buttons(client, counties, today, sign_in, db):
    meeting, people = today
    sign_in(counties.secretariat_a)
    to_comment(client, db, meeting)
    page = text_of(client.get(course_url(meeting)))
    assert 'accesskey="n"' in page and "王小明" in page and "Public comment" in page
    assert post(client, course_url(meeting, "/call-next"), db, meeting).status_code == 303
    turn = db.session.scalars(select(SpeakingTurn).where(SpeakingTurn.application_id == people[0].id)).one()
    page = text_of(client.get(course_url(meeting)))
    assert 'accesskey="s"' in page
    for action in ("start", "pause"):
        assert post(client, course_url(meeting, f"/turns/{turn.id}/{action}"), db, meeting).status_code == 303
    db.session.expire_all()
    assert db.session.get(SpeakingTurn, turn.id).state == "paused"
    assert 'accesskey="r"' in text_of(client.get(course_url(meeting)))


def test_the_second_consoles_stale_action_is_refused_and_changes_nothing(client, counties, today, sign_in, db, app):
    meeting, _people = today
    sign_in(counties.secretariat_a)
    to_comment(client, db, meeting)
    loaded = version_of(db, meeting)
    second = client_as(app, counties.admin)
    assert client.post(course_url(meeting, "/call-next"), data={"version": loaded}).status_code == 303
    refused = second.post(course_url(meeting, "/step/deliberate"), data={"version": loaded})
    assert refused.status_code == 409 and STALE in text_of(refused)
    db.session.expire_all()
    assert db.session.scalars(select(MeetingCourse)).one().phase == "comment"
    assert version_of(db, meeting) == loaded + 1
    # the same form sent twice: the second is stale too
    assert client.post(course_url(meeting, "/call-next"), data={"version": loaded}).status_code == 409


def test_bad_input_gets_a_message_never_a_500(client, counties, today, sign_in, db, make):
    meeting, _people = today
    sign_in(counties.secretariat_a)
    assert client.post(course_url(meeting, "/step/explode"), data={"version": 0}).status_code == 404
    assert client.post(course_url(meeting, "/step/call_case"), data={"version": "x"}).status_code == 400
    refused = post(client, course_url(meeting, "/step/deliberate"), db, meeting)
    assert refused.status_code == 400 and "not possible while the meeting is at" in text_of(refused)
    to_comment(client, db, meeting)
    other = make.open_meeting(counties.a)
    outsider = make.application(other, at=make.now() - timedelta(hours=1))
    stranger = SpeakingTurn(meeting_id=other.id, case_key=0, application_id=outsider.id)
    db.session.add(stranger)
    db.session.commit()
    refused = post(client, course_url(meeting, f"/turns/{stranger.id}/start"), db, meeting)
    assert refused.status_code == 400 and "not in the current case's queue" in text_of(refused)


def test_an_extension_above_60_minutes_is_refused_beside_its_field_V11(client, counties, today, sign_in, db):
    meeting, _people = today
    sign_in(counties.secretariat_a)
    to_comment(client, db, meeting)
    refused = post(client, course_url(meeting, "/extension"), db, meeting, new_total=75, chair="林主委",
                   members_present=7, members_consenting=7)
    assert refused.status_code == 400
    assert "at most 60 minutes" in field_error(refused, "new_total")
    assert 'value="林主委"' in refused.get_data(as_text=True)  # the input is kept
    refused = post(client, course_url(meeting, "/extension"), db, meeting, new_total=45, chair="林主委",
                   members_present=7, members_consenting=6)
    assert "Every committee member present must consent" in field_error(refused, "members_consenting")
    assert post(client, course_url(meeting, "/extension"), db, meeting, new_total=45, chair="林主委",
                members_present=7, members_consenting=7).status_code == 303
    assert db.session.scalars(select(CommentExtension.new_total)).all() == [45]


def test_display_json_masks_names_carries_the_server_time_and_answers_304_while_unchanged(
        client, counties, today, sign_in, db, app):
    meeting, _people = today
    staff = client_as(app, counties.secretariat_a)
    to_comment(staff, db, meeting)
    post(staff, course_url(meeting, "/call-next"), db, meeting)
    first = client.get(f"/meetings/{meeting.id}/display.json")
    state = first.get_json()
    assert state["speaker"]["name"] == "王○○" and state["speaker"]["organisation"] == "東區自救會"
    assert [p["name"] for p in state["next"]] == ["陳○○"]
    assert state["server_time"] > 0 and state["phase"] == "comment"
    etag = first.headers["ETag"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"  # a live-stream overlay elsewhere may read it
    again = client.get(f"/meetings/{meeting.id}/display.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    turn = db.session.scalars(select(SpeakingTurn).order_by(SpeakingTurn.position)).first()
    post(staff, course_url(meeting, f"/turns/{turn.id}/start"), db, meeting)
    changed = client.get(f"/meetings/{meeting.id}/display.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["speaker"]["ends_at"] is not None
    full = staff.get(course_url(meeting, ".json"))
    assert full.get_json()["speaker"]["name"] == "王小明"  # staff see names, and only this site
    assert "Access-Control-Allow-Origin" not in full.headers


def test_the_display_is_announced_politely_and_refreshes_itself_without_javascript(client, today, counties):
    meeting, _people = today
    page = client.get(f"/meetings/{meeting.id}/display")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in body
    assert 'aria-live="polite"' in body and 'role="timer"' in body
    assert client.get(f"/meetings/{counties.draft_a.id}/display").status_code == 404
    assert client.get(f"/meetings/{counties.draft_a.id}/display.json").status_code == 404


def test_the_deliberation_notice_asks_the_public_to_leave_V12(client, counties, today, db, app):
    meeting, _people = today
    staff = client_as(app, counties.secretariat_a)
    to_comment(staff, db, meeting)
    post(staff, course_url(meeting, "/step/deliberate"), db, meeting)
    client.set_cookie("lang", "en")
    assert "please leave the room" in client.get(f"/meetings/{meeting.id}/display.json").get_json()["notice"]


def test_the_speech_log_downloads_as_csv_and_ods_V14(client, counties, today, sign_in, db):
    meeting, _people = today
    sign_in(counties.secretariat_a)
    csv = client.get(f"/staff/meetings/{meeting.id}/speeches.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv" and csv.data.startswith("\ufeff".encode())
    ods = client.get(f"/staff/meetings/{meeting.id}/speeches.ods")
    assert ods.status_code == 200 and ods.mimetype == "application/vnd.oasis.opendocument.spreadsheet"
    assert client.get(f"/staff/meetings/{meeting.id}/speeches.pdf").status_code == 404


def test_the_audit_log_tells_the_days_steps_in_words_naming_the_meeting_and_the_speaker(client, counties, today,
                                                                                         sign_in, db):
    from app import labels
    from app.rules import meeting_course as mc
    meeting, people = today
    sign_in(counties.secretariat_a)
    to_comment(client, db, meeting)
    assert post(client, course_url(meeting, "/call-next"), db, meeting).status_code == 303
    turn = db.session.scalars(select(SpeakingTurn).where(SpeakingTurn.application_id == people[0].id)).one()
    for action in ("start", "stop"):
        assert post(client, course_url(meeting, f"/turns/{turn.id}/{action}"), db, meeting).status_code == 303
    body = text_of(client.get("/staff/audit"))
    assert f"At the meeting “{meeting.title}” public comment was opened" in body
    assert "王小明 was called to the microphone" in body and "The speech of 王小明 ended" in body
    assert "A change to" not in body and "no longer on file" not in body
    every = [f"dayof.course.{a}" for a in mc.COURSE_ACTIONS] + [f"dayof.turn.{a}" for a in mc.TURN_ACTIONS]
    every += ["dayof.settings.changed", "dayof.comment.extended", "dayof.recording.noted"]
    assert [a for a in every if a not in labels.AUDIT_SENTENCES or a not in labels.LABELS["action"]] == []
