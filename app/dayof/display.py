"""What the public display, the live-stream overlay and every console show: one state, read from the
database and the server's clock, never from a process's memory (display.json)."""
import math
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..meetings.models import Meeting
from ..rules import meeting_course as rules
from ..rules import speaking_time
from ..rules.names import mask_name
from .messages import PHASE_LABELS
from .models import CommentExtension, MeetingCourse, SpeakingTurn
from .queue import turn_times
from .state import budget_minutes, cases_of, course_of, current_case, new_course

NEXT_SHOWN = 3


def display_version(meeting_id: int) -> int:
    """The course's version (0 before anyone acted): the display's ETag, read with one indexed query."""
    return db.session.scalar(select(MeetingCourse.version).where(MeetingCourse.meeting_id == meeting_id)) or 0


def read_without_transaction():
    """Let this request's reads run without BEGIN and ROLLBACK (two round trips fewer on PostgreSQL).

    For display.json only: its reads are a version check and, when that changed, the state. Should a
    change land between them, the body is newer than its ETag and the next poll fetches it again."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def meeting_and_course(meeting_id: int) -> tuple[Meeting | None, MeetingCourse | None]:
    """The meeting and its stored course in one query (display.json's first and, on a 304, only one)."""
    row = db.session.execute(select(Meeting, MeetingCourse).outerjoin(
        MeetingCourse, MeetingCourse.meeting_id == Meeting.id).where(Meeting.id == meeting_id)).first()
    return (row[0], row[1]) if row else (None, None)


def _turns_and_budget(meeting_id: int, case) -> tuple[list, int]:
    """The case's turns (with their applications) and its comment time, in one query when it has turns."""
    extended = select(func.max(CommentExtension.new_total)).where(
        CommentExtension.meeting_id == meeting_id, CommentExtension.case_key == case.key).scalar_subquery()
    rows = db.session.execute(
        select(SpeakingTurn, extended).options(joinedload(SpeakingTurn.application))
        .where(SpeakingTurn.meeting_id == meeting_id, SpeakingTurn.case_key == case.key)
        .order_by(SpeakingTurn.position, SpeakingTurn.id)).all()
    if not rows:
        return [], budget_minutes(meeting_id, case)
    return [row[0] for row in rows], rows[0][1] or case.base_minutes


def phase_label(phase: str) -> str:
    """The phase in words."""
    return str(PHASE_LABELS[phase])


def notice_for(course: MeetingCourse, case_number: int | None) -> str:
    """What the room is asked to do in this phase (V8, V12)."""
    if course.phase == rules.CALLED:  # V8
        return gettext("Case %(number)s is called: people attending for it, please come in from the preparation "
                       "room.", number=case_number)
    if course.phase == rules.DELIBERATION and course.public_leaves:  # V12
        return gettext("The committee now deliberates: speakers and observers, please leave the room and the "
                       "gallery.")
    if course.phase == rules.DELIBERATION:
        return gettext("The committee deliberates in the open: the public may stay.")
    if course.phase == rules.NOT_STARTED:
        return gettext("The meeting has not started yet.")
    if course.phase == rules.ADJOURNED:
        return gettext("The meeting is adjourned. Thank you for taking part.")
    return ""


def shown_seconds(remaining: float) -> int:
    """Whole seconds as every screen shows them (rounded up, so a fresh turn shows 3:00)."""
    return math.ceil(round(remaining, 3))


def clock_text(remaining: float) -> str:
    """m:ss, with a minus sign when over time."""
    seconds = shown_seconds(remaining)
    sign = "−" if seconds < 0 else ""
    return f"{sign}{abs(seconds) // 60}:{abs(seconds) % 60:02d}"


def _person(turn, masked: bool) -> dict:
    application = turn.application
    name = mask_name(application.name) if masked else application.name
    return {"turn": turn.id, "name": name, "organisation": application.organisation, "state": turn.state}


def _speaker(turn, course, now: datetime, masked: bool) -> dict:
    reading = speaking_time.read_turn(turn_times(turn), allotted_seconds=turn.allotted_seconds,
                                      warning_seconds=course.warning_seconds, now=now)
    ends_at = now.timestamp() + reading.remaining if reading.running else None
    return _person(turn, masked) | {
        "allotted": turn.allotted_seconds, "remaining": round(reading.remaining, 3), "ends_at": ends_at,
        "light": reading.light, "clock": clock_text(reading.remaining), "overrun": round(reading.overrun, 3)}


def display_state(meeting: Meeting, now: datetime, *, masked: bool = True, course=None) -> dict:
    """The whole state a screen shows at `now`: phase, case, speaker and countdown, the next three, the budget.

    `course` is the meeting's stored course when the caller has read it already."""
    course = course or course_of(meeting.id) or new_course(meeting)
    case = current_case(meeting, course)
    cases = cases_of(meeting)
    number = course.case_index + 1 if case is not None else None
    state = {"meeting": {"id": meeting.id, "title": meeting.title}, "version": course.version or 0,
             "server_time": now.timestamp(), "phase": course.phase, "phase_label": phase_label(course.phase),
             "case": {"number": number, "count": len(cases), "title": case.title} if case else None,
             "public_leaves": course.public_leaves, "notice": notice_for(course, number),
             "warning_seconds": course.warning_seconds, "speaker": None, "next": [], "budget": None}
    if case is None:
        return state
    turns, total = _turns_and_budget(meeting.id, case)
    current = next((t for t in turns if t.state in rules.LIVE), None) or next(
        (t for t in turns if t.state == rules.UP), None)
    if current is not None:
        state["speaker"] = _speaker(current, course, now, masked)
    state["next"] = [_person(t, masked) for t in turns if t.state == rules.WAITING][:NEXT_SHOWN]
    left = speaking_time.budget_remaining(total, [turn_times(t) for t in turns if t.started_at], now)
    running = current is not None and current.state == rules.SPEAKING
    state["budget"] = {"total_minutes": total, "remaining": round(left, 3), "clock": clock_text(left),
                       "ends_at": now.timestamp() + left if running else None, "spent": left <= 0}
    return state
