"""The meeting's course and each speaking turn as explicit state machines (V8, V12).

Pure: a state and an action in, the next state out, or a Problem saying why not. Services persist
the result; the display reads it back. Nothing here reads a clock.
"""
from dataclasses import dataclass

from . import Problem

# The meeting's phases. A case is called in from the preparation room (V8), hears public comment,
# then the committee deliberates (V12) before the next case is called.
NOT_STARTED, CALLED, COMMENT, DELIBERATION, ADJOURNED = "not_started", "called", "comment", "deliberation", "adjourned"
PHASES = (NOT_STARTED, CALLED, COMMENT, DELIBERATION, ADJOURNED)

CALL_CASE, OPEN_COMMENT, DELIBERATE, ADJOURN = "call_case", "open_comment", "deliberate", "adjourn"
COURSE_ACTIONS = (CALL_CASE, OPEN_COMMENT, DELIBERATE, ADJOURN)

# A speaking turn's states: waiting in the queue, called to the microphone, speaking, paused,
# done, absent when called, or skipped by staff.
WAITING, UP, SPEAKING, PAUSED, DONE, ABSENT, SKIPPED = (
    "waiting", "up", "speaking", "paused", "done", "absent", "skipped")
TURN_STATES = (WAITING, UP, SPEAKING, PAUSED, DONE, ABSENT, SKIPPED)
LIVE = (SPEAKING, PAUSED)  # a turn whose clock is running or held
STANDING = (WAITING, UP)  # still to speak

CALL_NEXT, START, PAUSE, RESUME, STOP, MARK_ABSENT, SKIP, REQUEUE = (
    "call_next", "start", "pause", "resume", "stop", "absent", "skip", "requeue")
# action: (states it may be taken from, state it leads to)
TURN_TRANSITIONS = {
    CALL_NEXT: ((WAITING,), UP),
    START: ((UP, WAITING), SPEAKING),
    PAUSE: ((SPEAKING,), PAUSED),
    RESUME: ((PAUSED,), SPEAKING),
    STOP: ((SPEAKING, PAUSED), DONE),
    MARK_ABSENT: ((WAITING, UP), ABSENT),
    SKIP: ((WAITING, UP), SKIPPED),
    REQUEUE: ((ABSENT, SKIPPED), WAITING),
}
TURN_ACTIONS = tuple(TURN_TRANSITIONS)


@dataclass(frozen=True)
class Course:
    """Where a meeting is: its phase and the index (0-based) of the current case in the agenda."""

    phase: str
    case_index: int | None


def next_course(course: Course, action: str, *, case_count: int, speaker_live: bool = False) -> Course | Problem:
    """The course after `action`, or a Problem: illegal transitions are refused, never guessed at."""
    phase, index = course.phase, course.case_index
    if action == CALL_CASE:  # V8: the next case's people are called in from the preparation room
        if phase == NOT_STARTED and case_count:
            return Course(CALLED, 0)
        if phase == DELIBERATION and index is not None and index + 1 < case_count:
            return Course(CALLED, index + 1)
        if phase == DELIBERATION:
            return Problem("action", "no_next_case")
    elif action == OPEN_COMMENT and phase == CALLED:
        return Course(COMMENT, index)
    elif action == DELIBERATE and phase == COMMENT:
        if speaker_live:  # someone is still at the microphone: stop them first
            return Problem("action", "speaker_still_live")
        return Course(DELIBERATION, index)  # V12
    elif action == ADJOURN and phase in (NOT_STARTED, DELIBERATION):
        return Course(ADJOURNED, index)
    if action not in COURSE_ACTIONS:
        return Problem("action", "action_unknown")
    return Problem("action", "course_transition_not_allowed", {"action": action, "phase": phase})


def next_turn_state(state: str, action: str, *, phase: str) -> str | Problem:
    """A speaking turn's state after `action`, or a Problem; turns move only during public comment."""
    if action not in TURN_TRANSITIONS:
        return Problem("action", "action_unknown")
    if phase != COMMENT and action != REQUEUE:
        return Problem("action", "not_during_comment")
    sources, target = TURN_TRANSITIONS[action]
    if state not in sources:
        return Problem("action", "turn_transition_not_allowed", {"action": action, "state": state})
    return target


def recording_notice_problems(phase: str, *, case_index: int | None, notice_case_index: int) -> list[Problem]:
    """V10: a notice to photograph or record is taken only before the case's deliberation starts."""
    if phase == ADJOURNED or (case_index is not None and notice_case_index < case_index):
        return [Problem("case", "recording_after_deliberation")]
    if notice_case_index == case_index and phase == DELIBERATION:
        return [Problem("case", "recording_after_deliberation")]
    return []
