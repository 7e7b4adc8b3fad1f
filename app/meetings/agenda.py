"""Workflows for a meeting's agenda items (W2), cases (V11) and suggested attendance (W3)."""
from datetime import datetime

from .. import audit
from ..extensions import db
from ..rules import Problem
from ..rules.venue import case_budget_problems
from ..violations import RuleViolation
from . import signals
from .models import AgendaItem, Meeting, ReviewCase, SuggestedAttendance
from .services import touch


def _check_agenda_times(meeting: Meeting, starts_at: datetime, ends_at: datetime):
    if ends_at <= starts_at:
        raise RuleViolation([Problem("ends_at", "end_not_after_start")])
    if starts_at < meeting.starts_at or ends_at > meeting.ends_at:
        raise RuleViolation([Problem("starts_at", "agenda_outside_meeting")])


def _keep_in_time_order(meeting: Meeting):
    meeting.agenda_items.sort(key=lambda i: (i.starts_at, i.ends_at))
    _renumber(meeting.agenda_items)


def add_agenda_item(meeting: Meeting, *, starts_at: datetime, ends_at: datetime, title: str, presenter: str,
                    actor, now: datetime) -> AgendaItem:
    """Add a timed agenda item with its presenter (W2), kept in time order."""
    _check_agenda_times(meeting, starts_at, ends_at)
    item = AgendaItem(starts_at=starts_at, ends_at=ends_at, title=title.strip(), presenter=presenter.strip())
    meeting.agenda_items.append(item)
    _keep_in_time_order(meeting)
    touch(meeting, now)
    audit.record(actor, "meeting.agenda_item_added", meeting, {"title": item.title}, now=now)
    return item


def change_agenda_item(meeting: Meeting, item: AgendaItem, *, starts_at: datetime, ends_at: datetime, title: str,
                       presenter: str, actor, now: datetime) -> AgendaItem:
    """Change an agenda item's time, title or presenter (W2), keeping the agenda in time order."""
    _check_agenda_times(meeting, starts_at, ends_at)
    before = {"title": item.title, "presenter": item.presenter}
    item.starts_at, item.ends_at, item.title, item.presenter = starts_at, ends_at, title.strip(), presenter.strip()
    _keep_in_time_order(meeting)
    touch(meeting, now)
    audit.record(actor, "meeting.agenda_item_changed", meeting,
                 {"id": item.id, "before": before, "title": item.title, "presenter": item.presenter}, now=now)
    return item


def _case_minutes(meeting: Meeting, requested: int | None) -> int:
    """The case's comment budget: as asked, or the meeting's default; within V11's bounds."""
    minutes = meeting.comment_minutes_per_case if requested is None else requested
    problems = case_budget_problems(minutes)
    if problems:
        raise RuleViolation(problems)
    return minutes


def add_case(meeting: Meeting, *, title: str, summary: str, comment_minutes: int | None, actor,
             now: datetime) -> ReviewCase:
    """Add a case under review with its public-comment budget (V11; the meeting's default if none).

    A meeting's first case is announced (signals.first_case_added): applications to speak on the
    meeting as a whole then ask for that case, keeping their places (V3, V5)."""
    minutes = _case_minutes(meeting, comment_minutes)
    first = not meeting.cases
    case = ReviewCase(title=title.strip(), summary=summary.strip(), comment_minutes=minutes,
                      position=len(meeting.cases) + 1)
    meeting.cases.append(case)
    touch(meeting, now)
    if first:
        signals.first_case_added.send(meeting, case=case)
    audit.record(actor, "meeting.case_added", meeting, {"title": case.title, "comment_minutes": minutes}, now=now)
    return case


def change_case(meeting: Meeting, case: ReviewCase, *, title: str, summary: str, comment_minutes: int | None, actor,
                now: datetime) -> ReviewCase:
    """Change a case's title, summary or public-comment budget (V11; the meeting's default if none)."""
    minutes = _case_minutes(meeting, comment_minutes)
    before = {"title": case.title, "comment_minutes": case.comment_minutes}
    case.title, case.summary, case.comment_minutes = title.strip(), summary.strip(), minutes
    touch(meeting, now)
    audit.record(actor, "meeting.case_changed", meeting,
                 {"id": case.id, "before": before, "title": case.title, "comment_minutes": minutes}, now=now)
    return case


def add_suggested_attendance(meeting: Meeting, *, agency: str, unit: str, seats: int, subtopics: str, actor,
                             now: datetime) -> SuggestedAttendance:
    """Record how many people an invited agency or unit is asked to send (W3)."""
    row = SuggestedAttendance(agency=agency.strip(), unit=unit.strip(), seats=seats, subtopics=subtopics.strip())
    meeting.suggested_attendance.append(row)
    touch(meeting, now)
    audit.record(actor, "meeting.attendance_suggested", meeting, {"agency": row.agency, "seats": seats}, now=now)
    return row


def change_suggested_attendance(meeting: Meeting, row: SuggestedAttendance, *, agency: str, unit: str, seats: int,
                                subtopics: str, actor, now: datetime) -> SuggestedAttendance:
    """Change an invited agency's unit, suggested attendees or sub-topics (W3)."""
    before = {"agency": row.agency, "seats": row.seats}
    row.agency, row.unit, row.seats, row.subtopics = agency.strip(), unit.strip(), seats, subtopics.strip()
    touch(meeting, now)
    audit.record(actor, "meeting.attendance_changed", meeting,
                 {"id": row.id, "before": before, "agency": row.agency, "seats": seats}, now=now)
    return row


def remove_part(meeting: Meeting, part, *, actor, now: datetime):
    """Remove an agenda item, case or suggested-attendance row from its meeting. A case may be refused
    removal by a receiver of signals.case_removing (people still apply to speak on it)."""
    kind, part_id = type(part).__tablename__, part.id  # read before the delete: the row is gone after it
    if kind == "review_cases":
        signals.case_removing.send(part)
    db.session.delete(part)
    db.session.flush()
    db.session.refresh(meeting)
    if kind in ("agenda_items", "review_cases"):
        _renumber(meeting.agenda_items if kind == "agenda_items" else meeting.cases)
    touch(meeting, now)
    audit.record(actor, "meeting.part_removed", meeting, {"table": kind, "id": part_id}, now=now)


def _renumber(rows):
    for position, row in enumerate(rows, start=1):
        row.position = position
