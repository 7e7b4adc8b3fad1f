"""Statutory periods and deadlines: exhibitions, announcement, registration windows."""
from datetime import date, datetime, timedelta
from typing import Protocol

from . import Problem
from .publication import CANCELLED, POSTPONED, PUBLISHED

EXHIBITION_MIN_DAYS = 30  # P3: the draft is exhibited for 30 days
ANNOUNCE_WITHIN_DAYS = 30  # P7: announce within 30 days of the approval letter
ANNOUNCED_EXHIBITION_MIN_DAYS = 90  # P7: exhibit the approved plan at least 90 days
CANCEL_NOTICE_DAYS = 3  # W4: registrants who cannot come cancel 3 days before
# W1: where a moment falls in a meeting's registration window (registration_state).
WINDOW_NONE, WINDOW_NOT_OPEN, WINDOW_OPEN, WINDOW_CLOSED = "none", "not_open", "open", "closed"


def days_inclusive(first: date, last: date) -> int:
    """How many calendar days from first to last, counting both."""
    return (last - first).days + 1


def schedule_problems(
    starts_at: datetime,
    ends_at: datetime,
    opens_at: datetime | None,
    closes_at: datetime | None,
) -> list[Problem]:
    """What is wrong with a meeting's times and its registration window (W1)."""
    problems = []
    if starts_at and ends_at and ends_at <= starts_at:
        problems.append(Problem("ends_at", "end_not_after_start"))
    if (opens_at is None) != (closes_at is None):
        missing = "registration_opens_at" if opens_at is None else "registration_closes_at"
        problems.append(Problem(missing, "window_needs_both_ends"))
    elif opens_at is not None:
        if closes_at <= opens_at:
            problems.append(Problem("registration_closes_at", "deadline_not_after_opening"))
        # W1: the deadline is a moment before the meeting, never after it starts.
        if starts_at and closes_at > starts_at:
            problems.append(Problem("registration_closes_at", "deadline_after_start"))
    return problems


def registration_state(now: datetime, opens_at: datetime | None, closes_at: datetime | None) -> str:
    """Where `now` falls in a registration window (W1): none, not_open, open or closed."""
    if opens_at is None or closes_at is None:
        return WINDOW_NONE
    if now < opens_at:
        return WINDOW_NOT_OPEN
    if now <= closes_at:
        return WINDOW_OPEN
    return WINDOW_CLOSED


class ScheduledMeeting(Protocol):
    """What window_problems reads of a meeting."""

    status: str
    starts_at: datetime
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None


def window_problems(meeting: ScheduledMeeting, now: datetime) -> list[Problem]:
    """Whether online applications are accepted now: a public, not cancelled meeting, inside its window (W1)."""
    if meeting.status == CANCELLED:
        return [Problem("meeting", "meeting_cancelled")]
    if meeting.status not in (PUBLISHED, POSTPONED):
        return [Problem("meeting", "meeting_not_public")]
    state = registration_state(now, meeting.registration_opens_at, meeting.registration_closes_at)
    if state == WINDOW_NONE:
        return [Problem("meeting", "no_online_registration")]
    if state == WINDOW_NOT_OPEN:
        return [Problem("meeting", "registration_not_open")]
    if state == WINDOW_CLOSED or now >= meeting.starts_at:
        return [Problem("meeting", "registration_closed")]
    return []


def cancellation_notice_by(starts_at: datetime) -> datetime:
    """The moment after which a cancellation is late (W4: 3 days before the meeting)."""
    return starts_at - timedelta(days=CANCEL_NOTICE_DAYS)


def exhibition_problems(starts_on: date | None, ends_on: date | None) -> list[Problem]:
    """What is wrong with a public-exhibition period (P3: at least 30 days)."""
    if starts_on is None and ends_on is None:
        return []
    if starts_on is None or ends_on is None:
        field = "exhibition_starts_on" if starts_on is None else "exhibition_ends_on"
        return [Problem(field, "period_needs_both_ends")]
    if ends_on < starts_on:
        return [Problem("exhibition_ends_on", "period_ends_before_start")]
    days = days_inclusive(starts_on, ends_on)
    if days < EXHIBITION_MIN_DAYS:  # P3
        return [Problem("exhibition_ends_on", "exhibition_too_short",
                        {"days": days, "minimum": EXHIBITION_MIN_DAYS})]
    return []


def announcement_problems(
    approved_on: date | None, announced_on: date | None, exhibited_until: date | None
) -> list[Problem]:
    """What is wrong with an approved plan's announcement (P7: within 30 days, shown 90)."""
    problems = []
    if announced_on and approved_on is None:
        problems.append(Problem("approval_letter_on", "announcement_needs_approval"))
    if announced_on and approved_on:
        if announced_on < approved_on:
            problems.append(Problem("announced_on", "announced_before_approval"))
        elif (announced_on - approved_on).days > ANNOUNCE_WITHIN_DAYS:  # P7
            problems.append(Problem("announced_on", "announced_too_late",
                                    {"days": (announced_on - approved_on).days,
                                     "maximum": ANNOUNCE_WITHIN_DAYS}))
    if exhibited_until and announced_on is None:
        problems.append(Problem("announced_on", "exhibition_needs_announcement"))
    if exhibited_until and announced_on:
        days = days_inclusive(announced_on, exhibited_until)
        if days < ANNOUNCED_EXHIBITION_MIN_DAYS:  # P7
            problems.append(Problem("announcement_exhibition_ends_on", "announced_exhibition_too_short",
                                    {"days": max(days, 0), "minimum": ANNOUNCED_EXHIBITION_MIN_DAYS}))
    return problems


def announcement_deadline(approved_on: date) -> date:
    """The last day the approved plan may be announced (P7)."""
    return approved_on + timedelta(days=ANNOUNCE_WITHIN_DAYS)
