"""The speaking queue of the current case: built from the places held (V6), driven by the console
(call, start, pause, resume, stop, absent, skip, requeue, reorder) with its timer moments stored
(V11), and the written version or summary of each speech (V14)."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import audit
from ..extensions import db
from ..registrations.models import ACTIVE, Application, SpeakingRequest
from ..rules import meeting_course as rules
from ..rules import speaking_time
from ..rules.allocation import ALLOCATED
from ..violations import RuleViolation
from .models import SpeakingTurn
from .state import CaseOnDay, budget_minutes, bump, current_case, live_turn, locked_course, raise_if

SUMMARY_MAX = 4000


def placed_speakers(meeting_id: int, case_key: int) -> list[int]:
    """The applications holding a speaking place on the case, whatever their pool, in allocation order (V6)."""
    return list(db.session.scalars(
        select(SpeakingRequest.application_id)
        .join(Application, Application.id == SpeakingRequest.application_id)
        .where(SpeakingRequest.meeting_id == meeting_id, SpeakingRequest.case_key == case_key,
               SpeakingRequest.active.is_(True), SpeakingRequest.outcome == ALLOCATED, Application.status == ACTIVE)
        .order_by(Application.pool, Application.interest_group, SpeakingRequest.position, SpeakingRequest.id)))


def queue_of(meeting_id: int, case_key: int) -> list[SpeakingTurn]:
    """The case's turns in queue order, with their applications loaded."""
    return list(db.session.scalars(
        select(SpeakingTurn).options(joinedload(SpeakingTurn.application))
        .where(SpeakingTurn.meeting_id == meeting_id, SpeakingTurn.case_key == case_key)
        .order_by(SpeakingTurn.position, SpeakingTurn.id)))


def sync_queue(meeting, course, case: CaseOnDay | None):
    """Bring the case's queue in line with the places held: newcomers (walk-ins, promotions) join at the end,
    and someone still waiting who no longer holds a place (passed over, cancelled) leaves it."""
    if case is None:
        return
    placed = placed_speakers(meeting.id, case.key)
    turns = {turn.application_id: turn for turn in queue_of(meeting.id, case.key)}
    for application_id, turn in turns.items():
        if application_id not in placed and turn.state == rules.WAITING:
            db.session.delete(turn)
    last = max((turn.position for turn in turns.values()), default=0)
    for application_id in placed:
        if application_id not in turns:
            last += 1
            db.session.add(SpeakingTurn(meeting_id=meeting.id, case_key=case.key, application_id=application_id,
                                        position=last, state=rules.WAITING,
                                        allotted_seconds=course.minutes_per_speaker * 60))
    db.session.flush()


def _turn_of_case(meeting, course, turn_id: int | None) -> tuple[CaseOnDay, SpeakingTurn]:
    case = current_case(meeting, course)
    turn = db.session.get(SpeakingTurn, turn_id) if turn_id else None
    if case is None or turn is None or turn.meeting_id != meeting.id or turn.case_key != case.key:
        raise RuleViolation.one("turn", "turn_not_in_case")
    return case, turn


def act_on_turn(meeting_id: int, turn_id: int | None, action: str, *, version: int | None, now: datetime,
                actor) -> SpeakingTurn:
    """Start, pause, resume or stop a speaker, mark them absent or skipped, or requeue them."""
    meeting, course = locked_course(meeting_id, version, now)
    case, turn = _turn_of_case(meeting, course, turn_id)
    target = raise_if(rules.next_turn_state(turn.state, action, phase=course.phase))
    if action == rules.START:
        _check_can_start(meeting_id, case, now)
    _move_clock(turn, action, course, now)
    before, turn.state = turn.state, target
    if action == rules.REQUEUE:
        turn.position = _last_position(meeting_id, case.key) + 1
    _audit(actor, action, meeting, course, turn, now, {"from": before, "to": target})
    bump(course, now)
    return turn


def _check_can_start(meeting_id: int, case: CaseOnDay, now: datetime):
    if live_turn(meeting_id) is not None:
        raise RuleViolation.one("action", "speaker_still_live")
    spoken = [_times(t) for t in queue_of(meeting_id, case.key) if t.started_at is not None]
    left = speaking_time.budget_remaining(budget_minutes(meeting_id, case), spoken, now)
    problems = speaking_time.start_problems(left)  # V11: the case's comment time is spent
    if problems:
        raise RuleViolation(problems)


def _move_clock(turn: SpeakingTurn, action: str, course, now: datetime):
    """Store the moments the countdown is computed from (never a running counter)."""
    if action == rules.CALL_NEXT:
        turn.called_at = now
    elif action == rules.START:
        turn.started_at, turn.allotted_seconds = now, course.minutes_per_speaker * 60
        turn.paused_at, turn.paused_seconds, turn.pauses = None, 0.0, 0
    elif action == rules.PAUSE:
        turn.paused_at, turn.pauses = now, turn.pauses + 1
    elif action in (rules.RESUME, rules.STOP) and turn.paused_at is not None:
        turn.paused_seconds += (now - turn.paused_at).total_seconds()
        turn.paused_at = None
    if action == rules.STOP:
        turn.ended_at = now
        reading = speaking_time.read_turn(_times(turn), allotted_seconds=turn.allotted_seconds,
                                          warning_seconds=course.warning_seconds, now=now)
        turn.overrun_seconds = reading.overrun  # V11: overruns are recorded


def _times(turn: SpeakingTurn) -> speaking_time.TurnTimes:
    return speaking_time.TurnTimes(turn.started_at, turn.paused_at, turn.paused_seconds, turn.ended_at)


def _last_position(meeting_id: int, case_key: int) -> int:
    return db.session.scalar(select(func.max(SpeakingTurn.position)).where(
        SpeakingTurn.meeting_id == meeting_id, SpeakingTurn.case_key == case_key)) or 0


def call_next(meeting_id: int, *, version: int | None, now: datetime, actor) -> SpeakingTurn:
    """Call the first speaker still waiting to the microphone; refused while another is called or speaking."""
    meeting, course = locked_course(meeting_id, version, now)
    case = current_case(meeting, course)
    if course.phase != rules.COMMENT or case is None:
        raise RuleViolation.one("action", "not_during_comment")
    sync_queue(meeting, course, case)
    turns = queue_of(meeting_id, case.key)
    if any(t.state in (rules.UP, *rules.LIVE) for t in turns):
        raise RuleViolation.one("action", "speaker_already_called")
    waiting = [t for t in turns if t.state == rules.WAITING]
    if not waiting:
        raise RuleViolation.one("action", "queue_empty")
    turn = waiting[0]
    turn.state = raise_if(rules.next_turn_state(turn.state, rules.CALL_NEXT, phase=course.phase))
    _move_clock(turn, rules.CALL_NEXT, course, now)
    _audit(actor, rules.CALL_NEXT, meeting, course, turn, now, {"to": turn.state})
    bump(course, now)
    return turn


def move_turn(meeting_id: int, turn_id: int | None, step: int, *, version: int | None, now: datetime, actor):
    """Move a speaker still to speak one place earlier (step -1) or later (+1) among those still to speak."""
    meeting, course = locked_course(meeting_id, version, now)
    case, turn = _turn_of_case(meeting, course, turn_id)
    standing = [t for t in queue_of(meeting_id, case.key) if t.state in rules.STANDING]
    if turn not in standing or step not in (-1, 1):
        raise RuleViolation.one("turn", "turn_not_movable")
    index = standing.index(turn)
    if not 0 <= index + step < len(standing):
        raise RuleViolation.one("turn", "turn_at_end")
    other = standing[index + step]
    turn.position, other.position = other.position, turn.position
    _audit(actor, "moved", meeting, course, turn, now, {"step": step})
    bump(course, now)
    return turn


def record_written(meeting_id: int, turn_id: int | None, *, version: int | None, written_version: bool,
                   summary: str, now: datetime, actor) -> SpeakingTurn:
    """V14: note that the speaker handed in a written version, or a summary staff wrote with their consent."""
    meeting, course = locked_course(meeting_id, version, now)
    turn = db.session.get(SpeakingTurn, turn_id) if turn_id else None
    if turn is None or turn.meeting_id != meeting_id:
        raise RuleViolation.one("turn", "turn_not_in_case")
    if turn.state != rules.DONE:
        raise RuleViolation.one("turn", "written_after_speech")
    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        raise RuleViolation.one("summary", "summary_too_long", maximum=SUMMARY_MAX)
    turn.written_version, turn.summary = bool(written_version), summary
    _audit(actor, "written", meeting, course, turn, now, {"written_version": turn.written_version,
                                                          "summary": bool(summary)})
    bump(course, now)
    return turn


def _audit(actor, action: str, meeting, course, turn: SpeakingTurn, now: datetime, details: dict):
    audit.record(actor, f"dayof.turn.{action}", turn, details | {"application": turn.application_id,
                                                                "case": turn.case_key},
                 now=now, organizer_id=meeting.organizer_id)
