"""What the public display, the live-stream overlay and every console show: one state, read from the
database and the server's clock, never from a process's memory (display.json).

display.json is polled by every screen once a second, so its reads are plain column selects built once
(`functools.cache`) and run with the meeting's id bound: building and keying a statement costs more than
running it, and loading ORM objects more than reading columns.
"""
import math
from datetime import datetime
from functools import cache

from flask_babel import gettext
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..meetings.models import Meeting, ReviewCase
from ..registrations.models import Application
from ..rules import meeting_course as rules
from ..rules import speaking_time
from ..rules.names import mask_name
from .messages import PHASE_LABELS
from .models import CommentExtension, MeetingCourse, SpeakingTurn
from .state import CaseOnDay, budget_minutes

NEXT_SHOWN = 3


def read_without_transaction():
    """Let this request's reads run without BEGIN and ROLLBACK (two round trips fewer on PostgreSQL).

    For display.json only: its reads are a version check and, when that changed, the state. Should a
    change land between them, the body is newer than its ETag and the next poll fetches it again."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


@cache
def _head_statement():
    # The case the course is on, found in the same query: the case with exactly `case_index` cases
    # before it in agenda order (position, then id), and how many cases there are. A meeting has a
    # handful of cases, so both are a few index lookups; a second query for the list cost a round trip.
    earlier, counted = aliased(ReviewCase), aliased(ReviewCase)
    rank = (select(func.count()).where(earlier.meeting_id == ReviewCase.meeting_id, or_(
        earlier.position < ReviewCase.position, and_(earlier.position == ReviewCase.position,
                                                     earlier.id < ReviewCase.id)))
            .correlate(ReviewCase).scalar_subquery())
    count = select(func.count()).where(counted.meeting_id == Meeting.id).correlate(Meeting).scalar_subquery()
    return (select(Meeting.id, Meeting.title, Meeting.status, Meeting.comment_minutes_per_case,
                   MeetingCourse.version, MeetingCourse.phase, MeetingCourse.case_index,
                   MeetingCourse.warning_seconds, MeetingCourse.public_leaves, count.label("case_count"),
                   ReviewCase.id.label("case_id"), ReviewCase.title.label("case_title"),
                   ReviewCase.comment_minutes.label("case_minutes"))
            .outerjoin(MeetingCourse, MeetingCourse.meeting_id == Meeting.id)
            .outerjoin(ReviewCase, and_(ReviewCase.meeting_id == Meeting.id, rank == MeetingCourse.case_index))
            .where(Meeting.id == bindparam("meeting_id")))


@cache
def _turns_statement():
    extended = select(func.max(CommentExtension.new_total)).where(
        CommentExtension.meeting_id == SpeakingTurn.meeting_id,
        CommentExtension.case_key == SpeakingTurn.case_key).scalar_subquery()
    return (select(SpeakingTurn.id, SpeakingTurn.state, SpeakingTurn.allotted_seconds, SpeakingTurn.started_at,
                   SpeakingTurn.paused_at, SpeakingTurn.paused_seconds, SpeakingTurn.ended_at, Application.name,
                   Application.organisation, extended.label("extended"))
            .join(Application, Application.id == SpeakingTurn.application_id)
            .where(SpeakingTurn.meeting_id == bindparam("meeting_id"), SpeakingTurn.case_key == bindparam("case_key"))
            .order_by(SpeakingTurn.position, SpeakingTurn.id))


def read_head(meeting_id: int):
    """The meeting's id, title, status and comment budget with its course's version, phase and settings
    (None where no course is stored yet), the number of cases and the case the course is on:
    display.json's first query and, on a 304, its only one. Core rows on the session's connection:
    the ORM's execution path costs more than the query here."""
    return db.session.connection().execute(_head_statement(), {"meeting_id": meeting_id}).first()


def phase_label(phase: str) -> str:
    """The phase in words."""
    return str(PHASE_LABELS[phase])


def notice_for(phase: str, public_leaves: bool, case_number: int | None) -> str:
    """What the room is asked to do in this phase (V8, V12)."""
    if phase == rules.CALLED:  # V8
        return gettext("Case %(number)s is called: people attending for it, please come in from the preparation "
                       "room.", number=case_number)
    if phase == rules.DELIBERATION and public_leaves:  # V12
        return gettext("The committee now deliberates: speakers and observers, please leave the room and the "
                       "gallery.")
    if phase == rules.DELIBERATION:
        return gettext("The committee deliberates in the open: the public may stay.")
    if phase == rules.NOT_STARTED:
        return gettext("The meeting has not started yet.")
    if phase == rules.ADJOURNED:
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


def _times(turn) -> speaking_time.TurnTimes:
    return speaking_time.TurnTimes(turn.started_at, turn.paused_at, turn.paused_seconds, turn.ended_at)


def _person(turn, masked: bool) -> dict:
    name = mask_name(turn.name) if masked else turn.name
    return {"turn": turn.id, "name": name, "organisation": turn.organisation, "state": turn.state}


def _speaker(turn, warning_seconds: int, now: datetime, masked: bool) -> dict:
    reading = speaking_time.read_turn(_times(turn), allotted_seconds=turn.allotted_seconds,
                                      warning_seconds=warning_seconds, now=now)
    ends_at = now.timestamp() + reading.remaining if reading.running else None
    return _person(turn, masked) | {
        "allotted": turn.allotted_seconds, "remaining": round(reading.remaining, 3), "ends_at": ends_at,
        "light": reading.light, "clock": clock_text(reading.remaining), "overrun": round(reading.overrun, 3)}


def _case(head) -> tuple[CaseOnDay | None, int]:
    """The case the course is on (None before the meeting or after it, or past the last case) and how
    many there are; a meeting that lists none (a hearing) is one case, key 0 (as state.cases_of)."""
    live = head.phase not in (None, rules.NOT_STARTED, rules.ADJOURNED) and head.case_index is not None
    if not head.case_count:
        return (CaseOnDay(0, None, head.title, head.comment_minutes_per_case) if live and head.case_index == 0
                else None), 1
    if live and head.case_id is not None:
        return CaseOnDay(head.case_id, head.case_id, head.case_title, head.case_minutes), head.case_count
    return None, head.case_count


def display_state(meeting_id: int, now: datetime, *, masked: bool = True, head=None) -> dict:
    """The whole state a screen shows at `now`: phase, case, speaker and countdown, the next three, the budget.

    `head` is `read_head(meeting_id)` when the caller has read it already."""
    head = head or read_head(meeting_id)
    phase = head.phase or rules.NOT_STARTED
    warning = speaking_time.WARNING_SECONDS if head.warning_seconds is None else head.warning_seconds
    leaves = True if head.public_leaves is None else head.public_leaves
    case, count = _case(head)
    number = head.case_index + 1 if case is not None else None
    state = {"meeting": {"id": head.id, "title": head.title}, "version": head.version or 0,
             "server_time": now.timestamp(), "phase": phase, "phase_label": phase_label(phase),
             "case": {"number": number, "count": count, "title": case.title} if case else None,
             "public_leaves": leaves, "notice": notice_for(phase, leaves, number),
             "warning_seconds": warning, "speaker": None, "next": [], "budget": None}
    if case is None:
        return state
    turns = db.session.connection().execute(_turns_statement(), {"meeting_id": head.id,
                                                                 "case_key": case.key}).all()
    total = (turns[0].extended or case.base_minutes) if turns else budget_minutes(head.id, case)
    current = next((t for t in turns if t.state in rules.LIVE), None) or next(
        (t for t in turns if t.state == rules.UP), None)
    if current is not None:
        state["speaker"] = _speaker(current, warning, now, masked)
    state["next"] = [_person(t, masked) for t in turns if t.state == rules.WAITING][:NEXT_SHOWN]
    left = speaking_time.budget_remaining(total, [_times(t) for t in turns if t.started_at], now)
    running = current is not None and current.state == rules.SPEAKING
    state["budget"] = {"total_minutes": total, "remaining": round(left, 3), "clock": clock_text(left),
                       "ends_at": now.timestamp() + left if running else None, "spent": left <= 0}
    return state
