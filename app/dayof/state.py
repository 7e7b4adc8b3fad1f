"""The day's shared state: the meeting's cases, its stored course, the version check and the lock.

Every change to the course or the queue goes through `locked_course` (the meeting's row lock and the
version the action was made against) and ends with `bump` (the version grows by one).
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from ..extensions import db
from ..meetings.locks import lock_meeting
from ..meetings.models import Meeting
from ..rules import Problem, speaking_time
from ..rules import meeting_course as rules
from ..violations import RuleViolation
from .models import CommentExtension, MeetingCourse, SpeakingTurn


@dataclass(frozen=True)
class CaseOnDay:
    """A case as the day sees it: its key (the ReviewCase id, or 0 for a meeting without cases), title, budget."""

    key: int
    case_id: int | None
    title: str
    base_minutes: int


def cases_of(meeting: Meeting) -> list[CaseOnDay]:
    """The meeting's cases in agenda order; a meeting that lists none (a hearing) is one case, key 0."""
    if meeting.cases:
        return [CaseOnDay(c.id, c.id, c.title, c.comment_minutes) for c in meeting.cases]
    return [CaseOnDay(0, None, meeting.title, meeting.comment_minutes_per_case)]


def current_case(meeting: Meeting, course: MeetingCourse | None) -> CaseOnDay | None:
    """The case being called, heard or deliberated, or None before the first and after adjournment."""
    if course is None or course.case_index is None or course.phase in (rules.NOT_STARTED, rules.ADJOURNED):
        return None
    cases = cases_of(meeting)
    return cases[course.case_index] if course.case_index < len(cases) else None


def course_of(meeting_id: int) -> MeetingCourse | None:
    """The meeting's stored course, or None before anyone acted on it."""
    return db.session.scalar(select(MeetingCourse).where(MeetingCourse.meeting_id == meeting_id))


def new_course(meeting: Meeting) -> MeetingCourse:
    """An unsaved course at its start, with the meeting's minutes per speaker (V11); version 0."""
    return MeetingCourse(meeting_id=meeting.id, meeting=meeting, version=0, phase=rules.NOT_STARTED,
                         minutes_per_speaker=meeting.minutes_per_speaker,
                         warning_seconds=speaking_time.WARNING_SECONDS, public_leaves=True)


def budget_minutes(meeting_id: int, case: CaseOnDay) -> int:
    """The case's comment time: its own budget, or the last extension the chair made (V11)."""
    extended = db.session.scalar(select(func.max(CommentExtension.new_total)).where(
        CommentExtension.meeting_id == meeting_id, CommentExtension.case_key == case.key))
    return extended or case.base_minutes


def locked_course(meeting_id: int, version: int | None, now: datetime) -> tuple[Meeting, MeetingCourse]:
    """Take the meeting's lock, load (or start) its course and refuse an action made against an older version."""
    meeting = lock_meeting(meeting_id)
    course = course_of(meeting_id)
    if course is None:
        course = new_course(meeting)
        course.changed_at = now
        db.session.add(course)
        db.session.flush()
    if version is None or version != course.version:
        raise RuleViolation.one("version", "stale_state")
    return meeting, course


def bump(course: MeetingCourse, now: datetime):
    """Mark a change: the version grows, so every other console's next action against the old one is refused."""
    db.session.flush()
    # The guarded UPDATE is a second fence besides the lock: it changes nothing if another change got in first.
    changed = db.session.execute(update(MeetingCourse).where(
        MeetingCourse.id == course.id, MeetingCourse.version == course.version).values(
        version=course.version + 1, changed_at=now).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise RuleViolation.one("version", "stale_state")
    db.session.refresh(course)


def raise_if(problem):
    """Raise a RuleViolation for a Problem a rule returned; pass any other result through."""
    if isinstance(problem, Problem):
        raise RuleViolation([problem])
    return problem



def live_turn(meeting_id: int) -> SpeakingTurn | None:
    """The turn at the microphone (speaking or paused), if any."""
    return db.session.scalar(select(SpeakingTurn).where(
        SpeakingTurn.meeting_id == meeting_id, SpeakingTurn.state.in_(rules.LIVE)))
