"""The meeting's course and speaking queue on a controllable clock, on both engines (V6, V8, V10–V12, V14):
phases, timers with pauses and overruns, the budget and its extension, stale versions, a restart mid-speech."""
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from app import create_app
from app.audit import AuditEntry
from app.dayof import course, queue
from app.dayof.display import display_state
from app.dayof.models import CommentExtension, MeetingCourse, RecordingNotice, SpeakingTurn
from app.dayof.speech_log import log_csv, log_ods, speeches_for_meeting
from app.dayof.state import course_of
from app.extensions import db as _db
from app.meetings.models import Meeting
from app.rules import meeting_course as mc
from app.violations import RuleViolation


@pytest.fixture
def day(make):
    """A committee meeting today with two cases; three speakers hold places on both, one waits (cap 3)."""
    m = make.open_meeting(cases=2, speaker_cap=3)
    base = make.now() - timedelta(hours=1)
    people = [make.application(m, name=f"王小明{i}", organisation=f"團體{i}", case_ids=[c.id for c in m.cases],
                               at=base + timedelta(seconds=i)) for i in range(4)]
    actor = make.staff("secretariat", m.organizer)
    make.commit()
    return m, people, actor, make.now()


def version(meeting):
    return course_of(meeting.id).version if course_of(meeting.id) else 0


def committed(result):
    """Commit as the view does after an action the service accepted."""
    _db.session.commit()
    return result


def step(meeting, action, now, actor, at_version=None):
    return committed(course.change_course(
        meeting.id, action, version=version(meeting) if at_version is None else at_version, now=now, actor=actor))


def turn_act(meeting, turn, action, now, actor):
    return committed(queue.act_on_turn(meeting.id, turn.id, action, version=version(meeting), now=now, actor=actor))


def shown(meeting, at):
    """What the display shows at `at` (in a request, for its words)."""
    with current_app.test_request_context():
        return display_state(meeting.id, at)


def to_comment(meeting, now, actor):
    step(meeting, mc.CALL_CASE, now, actor)
    step(meeting, mc.OPEN_COMMENT, now, actor)
    return queue.queue_of(meeting.id, meeting.cases[0].id)


def test_the_queue_holds_every_placed_speaker_in_allocation_order_V6(day):
    meeting, people, actor, now = day
    turns = to_comment(meeting, now, actor)
    assert [t.application_id for t in turns] == [p.id for p in people[:3]]  # the fourth waits for a place
    assert {t.state for t in turns} == {mc.WAITING}


def test_the_course_goes_case_by_case_and_every_step_is_audited_V8_V12(day, db):
    meeting, _people, actor, now = day
    for action in (mc.CALL_CASE, mc.OPEN_COMMENT, mc.DELIBERATE, mc.CALL_CASE, mc.OPEN_COMMENT, mc.DELIBERATE,
                   mc.ADJOURN):
        step(meeting, action, now, actor)
    state = course_of(meeting.id)
    assert (state.phase, state.case_index, state.version) == (mc.ADJOURNED, 1, 7)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("dayof.course.%"))
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["dayof.course.call_case", "dayof.course.open_comment", "dayof.course.deliberate"] * 2 + [
        "dayof.course.adjourn"]
    assert db.session.scalars(select(AuditEntry.actor_id).where(AuditEntry.action.like("dayof.%"))).all() == \
        [actor.id] * 7


def test_an_illegal_step_is_refused_and_changes_nothing(day, db):
    meeting, _people, actor, now = day
    with pytest.raises(RuleViolation) as refused:
        step(meeting, mc.DELIBERATE, now, actor)
    assert refused.value.problems[0].code == "course_transition_not_allowed"
    db.session.rollback()
    assert course_of(meeting.id) is None


def test_pause_resume_stop_and_an_overrun_are_recorded_on_a_controllable_clock_V11(day, db):
    meeting, _people, actor, now = day
    first = to_comment(meeting, now, actor)[0]
    committed(queue.call_next(meeting.id, version=version(meeting), now=now, actor=actor))
    turn_act(meeting, first, mc.START, now, actor)
    turn_act(meeting, first, mc.PAUSE, now + timedelta(seconds=60), actor)
    state = shown(meeting, now + timedelta(seconds=500))
    assert (state["speaker"]["remaining"], state["speaker"]["ends_at"]) == (120, None)  # held while paused
    turn_act(meeting, first, mc.RESUME, now + timedelta(seconds=560), actor)
    later = now + timedelta(seconds=560 + 90)
    state = shown(meeting, later)
    assert state["speaker"]["remaining"] == 30 and state["speaker"]["light"] == "amber"
    assert state["speaker"]["ends_at"] == pytest.approx(later.timestamp() + 30)
    turn_act(meeting, first, mc.STOP, now + timedelta(seconds=560 + 150), actor)  # 210 s spoken: 30 over
    turn = db.session.get(SpeakingTurn, first.id)
    assert (turn.state, turn.pauses, turn.paused_seconds, turn.overrun_seconds) == (mc.DONE, 1, 500, 30)
    assert shown(meeting, later)["budget"]["remaining"] == 30 * 60 - 210


def test_no_speaker_starts_once_the_budget_is_spent_until_the_chair_extends_it_V11(day, db):
    meeting, _people, actor, now = day
    first, second, _third = to_comment(meeting, now, actor)
    turn_act(meeting, first, mc.START, now, actor)
    turn_act(meeting, first, mc.STOP, now + timedelta(minutes=30), actor)  # the whole 30 minutes
    with pytest.raises(RuleViolation) as refused:
        turn_act(meeting, second, mc.START, now + timedelta(minutes=31), actor)
    assert refused.value.problems[0].code == "budget_spent"
    db.session.rollback()
    committed(course.extend_comment(meeting.id, version=version(meeting), new_total=40, chair="林主任委員",
                                    members_present=9, members_consenting=9, now=now + timedelta(minutes=32),
                                    actor=actor))
    turn_act(meeting, second, mc.START, now + timedelta(minutes=33), actor)
    assert db.session.get(SpeakingTurn, second.id).state == mc.SPEAKING
    extension = db.session.scalars(select(CommentExtension)).one()
    assert (extension.previous_total, extension.new_total, extension.chair, extension.members_present) == (
        30, 40, "林主任委員", 9)


@pytest.mark.parametrize("new_total, present, consenting, code", [
    (61, 9, 9, "extension_above_maximum"),
    (45, 9, 8, "consent_of_all_required"),
    (45, None, None, "members_present_required"),
])
def test_an_extension_breaking_V11_is_refused_and_nothing_is_recorded(day, db, new_total, present, consenting,
                                                                     code):
    meeting, _people, actor, now = day
    to_comment(meeting, now, actor)
    before = version(meeting)
    with pytest.raises(RuleViolation) as refused:
        course.extend_comment(meeting.id, version=before, new_total=new_total, chair="林主任委員",
                              members_present=present, members_consenting=consenting, now=now, actor=actor)
    assert [p.code for p in refused.value.problems] == [code]
    db.session.rollback()
    assert db.session.scalars(select(CommentExtension)).all() == [] and version(meeting) == before


def test_a_stale_action_from_a_second_console_is_refused_and_changes_nothing(day, db):
    meeting, _people, actor, now = day
    first = to_comment(meeting, now, actor)[0]
    seen_by_both = version(meeting)
    committed(queue.act_on_turn(meeting.id, first.id, mc.START, version=seen_by_both, now=now, actor=actor))  # one
    with pytest.raises(RuleViolation) as refused:  # console two, against the state it loaded
        queue.act_on_turn(meeting.id, first.id, mc.MARK_ABSENT, version=seen_by_both, now=now, actor=actor)
    assert refused.value.problems[0].code == "stale_state"
    db.session.rollback()
    assert db.session.get(SpeakingTurn, first.id).state == mc.SPEAKING
    assert version(meeting) == seen_by_both + 1
    with pytest.raises(RuleViolation):  # the same form submitted twice
        course.change_course(meeting.id, mc.DELIBERATE, version=seen_by_both, now=now, actor=actor)


def test_one_speaker_at_a_time_and_deliberation_waits_for_them_V12(day, db):
    meeting, _people, actor, now = day
    first, second, _third = to_comment(meeting, now, actor)
    turn_act(meeting, first, mc.START, now, actor)
    for attempt in (lambda: turn_act(meeting, second, mc.START, now, actor),
                    lambda: step(meeting, mc.DELIBERATE, now, actor)):
        with pytest.raises(RuleViolation) as refused:
            attempt()
        assert refused.value.problems[0].code == "speaker_still_live"
        db.session.rollback()


def test_absent_skip_requeue_and_reorder(day, db):
    meeting, people, actor, now = day
    first, second, third = to_comment(meeting, now, actor)
    committed(queue.call_next(meeting.id, version=version(meeting), now=now, actor=actor))
    committed(queue.move_turn(meeting.id, third.id, -1, version=version(meeting), now=now, actor=actor))
    turn_act(meeting, first, mc.MARK_ABSENT, now, actor)
    turn_act(meeting, second, mc.SKIP, now, actor)
    turn_act(meeting, first, mc.REQUEUE, now, actor)
    order = [t.application_id for t in queue.queue_of(meeting.id, meeting.cases[0].id)
             if t.state == mc.WAITING]
    assert order == [people[2].id, people[0].id]
    with pytest.raises(RuleViolation) as refused:
        queue.move_turn(meeting.id, third.id, -1, version=version(meeting), now=now, actor=actor)
    assert refused.value.problems[0].code == "turn_at_end"


def test_a_speaker_of_another_case_is_refused(day, db):
    meeting, _people, actor, now = day
    to_comment(meeting, now, actor)
    other = SpeakingTurn(meeting_id=meeting.id, case_key=meeting.cases[1].id, application_id=_people[0].id)
    db.session.add(other)
    db.session.flush()
    with pytest.raises(RuleViolation) as refused:
        turn_act(meeting, other, mc.START, now, actor)
    assert refused.value.problems[0].code == "turn_not_in_case"


def test_recording_notices_close_when_deliberation_begins_and_are_refused_after_V10(day, db):
    meeting, _people, actor, now = day
    to_comment(meeting, now, actor)
    case_key = meeting.cases[0].id
    committed(course.record_notice(meeting.id, version=version(meeting), case_key=case_key, who="地方電視台",
                                   area="後方攝影區", now=now, actor=actor))
    step(meeting, mc.DELIBERATE, now + timedelta(minutes=1), actor)
    assert db.session.scalars(select(RecordingNotice)).one().closed_at == now + timedelta(minutes=1)
    with pytest.raises(RuleViolation) as refused:
        course.record_notice(meeting.id, version=version(meeting), case_key=case_key, who="某記者", area="後方",
                             now=now, actor=actor)
    assert refused.value.problems[0].code == "recording_after_deliberation"
    db.session.rollback()
    course.record_notice(meeting.id, version=version(meeting), case_key=meeting.cases[1].id, who="某記者",
                         area="後方", now=now, actor=actor)  # the next case is still open to notices


def test_the_same_remaining_time_after_a_restart_mid_speech(day, db, app):
    meeting, _people, actor, now = day
    first = to_comment(meeting, now, actor)[0]
    turn_act(meeting, first, mc.START, now, actor)
    turn_act(meeting, first, mc.PAUSE, now + timedelta(seconds=40), actor)
    turn_act(meeting, first, mc.RESUME, now + timedelta(seconds=70), actor)
    db.session.commit()
    moment = now + timedelta(seconds=100)
    before = shown(meeting, moment)
    restarted = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    with restarted.test_request_context():
        after = display_state(meeting.id, moment)
        _db.session.remove()
        _db.engine.dispose()
    assert after == before
    assert after["speaker"]["remaining"] == 180 - 70 and after["speaker"]["clock"] == "1:50"


def test_the_speech_log_feeds_the_minutes_and_exports_V14(day, db):
    meeting, people, actor, now = day
    first = to_comment(meeting, now, actor)[0]
    turn_act(meeting, first, mc.START, now, actor)
    turn_act(meeting, first, mc.STOP, now + timedelta(seconds=150), actor)
    committed(queue.record_written(meeting.id, first.id, version=version(meeting), written_version=True,
                                   summary="=SUM(1) 反對變更", now=now, actor=actor))
    [speech] = speeches_for_meeting(meeting.id)
    assert (speech.application_id, speech.case_id, speech.started_at, speech.ended_at, speech.written_version,
            speech.summary) == (people[0].id, meeting.cases[0].id, now, now + timedelta(seconds=150), True,
                                "=SUM(1) 反對變更")
    with current_app.test_request_context():
        text = log_csv(db.session.get(Meeting, meeting.id)).decode("utf-8")
        ods = log_ods(db.session.get(Meeting, meeting.id))
    assert text.startswith("\ufeff") and "王小明0" in text and "'=SUM(1) 反對變更" in text
    assert ods[:2] == b"PK"


def test_settings_change_the_next_turn_and_the_public_may_stay_V12(day, db):
    meeting, _people, actor, now = day
    committed(course.change_settings(meeting.id, version=0, minutes_per_speaker=5, warning_seconds=90,
                                     public_leaves=False, now=now, actor=actor))
    first = to_comment(meeting, now, actor)[0]
    turn_act(meeting, first, mc.START, now, actor)
    state = shown(meeting, now)
    assert state["speaker"]["allotted"] == 300
    turn_act(meeting, first, mc.STOP, now, actor)
    step(meeting, mc.DELIBERATE, now, actor)
    notice = shown(meeting, now)["notice"]
    assert "in the open" in notice or "公開" in notice
    assert db.session.scalars(select(MeetingCourse)).one().public_leaves is False


PATHS = {  # how to reach each phase of a two-case meeting
    "not_started": [],
    "called": [mc.CALL_CASE],
    "comment": [mc.CALL_CASE, mc.OPEN_COMMENT],
    "deliberation_first": [mc.CALL_CASE, mc.OPEN_COMMENT, mc.DELIBERATE],
    "deliberation_last": [mc.CALL_CASE, mc.OPEN_COMMENT, mc.DELIBERATE] * 2,
    "adjourned": [mc.CALL_CASE, mc.OPEN_COMMENT, mc.DELIBERATE, mc.ADJOURN],
}
LEGAL_STEPS = {("not_started", mc.CALL_CASE): (mc.CALLED, 0), ("not_started", mc.ADJOURN): (mc.ADJOURNED, None),
               ("called", mc.OPEN_COMMENT): (mc.COMMENT, 0), ("comment", mc.DELIBERATE): (mc.DELIBERATION, 0),
               ("deliberation_first", mc.CALL_CASE): (mc.CALLED, 1),
               ("deliberation_first", mc.ADJOURN): (mc.ADJOURNED, 0),
               ("deliberation_last", mc.ADJOURN): (mc.ADJOURNED, 1)}


@pytest.mark.parametrize("where", PATHS)
@pytest.mark.parametrize("action", mc.COURSE_ACTIONS)
def test_every_step_from_every_phase_is_taken_or_refused_and_audited_V8_V12(make, db, where, action):
    meeting = make.open_meeting(cases=2)
    actor = make.staff("secretariat", meeting.organizer)
    make.commit()
    now = make.now()
    for earlier in PATHS[where]:
        step(meeting, earlier, now, actor)
    before, audited = version(meeting), db.session.query(AuditEntry).count()
    if (where, action) in LEGAL_STEPS:
        state = step(meeting, action, now, actor)
        assert (state.phase, state.case_index) == LEGAL_STEPS[(where, action)]
        assert version(meeting) == before + 1 and db.session.query(AuditEntry).count() == audited + 1
    else:
        with pytest.raises(RuleViolation) as refused:
            step(meeting, action, now, actor)
        assert refused.value.problems[0].code in ("course_transition_not_allowed", "no_next_case")
        db.session.rollback()
        assert version(meeting) == before and db.session.query(AuditEntry).count() == audited


def test_the_speech_log_becomes_the_comment_log_once_V14_P2(day, db):
    from app.comments import log as comment_log
    from app.comments.models import Comment
    meeting, people, actor, now = day
    first, second = to_comment(meeting, now, actor)[:2]
    for turn, summary in ((first, "反對將農地劃出農業發展地區"), (second, "")):
        turn_act(meeting, turn, mc.START, now, actor)
        turn_act(meeting, turn, mc.STOP, now + timedelta(seconds=100), actor)
        committed(queue.record_written(meeting.id, turn.id, version=version(meeting), written_version=not summary,
                                       summary=summary, now=now, actor=actor))
    assert comment_log.import_speeches(meeting, actor=actor, now=now) == (1, 1)  # the second gave a written version
    db.session.commit()
    [comment] = db.session.scalars(select(Comment).where(Comment.meeting_id == meeting.id)).all()
    assert (comment.text, comment.case_id, comment.application_id, comment.oral_form) == (
        "反對將農地劃出農業發展地區", meeting.cases[0].id, people[0].id, "consented_summary")
    assert comment_log.import_speeches(meeting, actor=actor, now=now) == (0, 1)  # never twice


@pytest.mark.parametrize("positions, order", [((0, 1), (0, 1)), ((1, 0), (1, 0)), ((0, 0), (0, 1))],
                         ids=["in-order", "moved", "tied-by-id"])
def test_the_display_names_the_case_in_agenda_order_and_how_many_there_are_V8(day, db, positions, order):
    meeting, _people, actor, now = day
    cases = sorted(meeting.cases, key=lambda c: c.id)
    for case, position in zip(cases, positions, strict=True):
        case.position = position
    db.session.commit()
    titles = [cases[i].title for i in order]
    assert shown(meeting, now)["case"] is None  # not started
    seen = []
    for action in (mc.CALL_CASE, mc.OPEN_COMMENT, mc.DELIBERATE, mc.CALL_CASE, mc.OPEN_COMMENT):
        step(meeting, action, now, actor)
        seen.append(shown(meeting, now)["case"])
    assert seen == [{"number": 1, "count": 2, "title": titles[0]}] * 3 + [
        {"number": 2, "count": 2, "title": titles[1]}] * 2
    step(meeting, mc.DELIBERATE, now, actor)
    step(meeting, mc.ADJOURN, now, actor)
    assert shown(meeting, now)["case"] is None


def test_a_hearing_without_cases_is_one_case_named_after_the_meeting_V8(make, db):
    meeting = make.open_meeting(cases=0)
    actor = make.staff("secretariat", meeting.organizer)
    make.commit()
    now = make.now()
    step(meeting, mc.CALL_CASE, now, actor)
    state = shown(meeting, now)
    assert state["case"] == {"number": 1, "count": 1, "title": meeting.title}
    assert state["budget"]["total_minutes"] == meeting.comment_minutes_per_case
