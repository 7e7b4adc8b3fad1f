"""Statutory periods and the registration window (P3, P7, W1, W4)."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.periods import (
    announcement_deadline,
    announcement_problems,
    cancellation_notice_by,
    exhibition_problems,
    registration_state,
    schedule_problems,
    window_problems,
)

T0 = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)
D = timedelta(days=1)


def codes(problems):
    return [(p.field, p.code) for p in problems]


@pytest.mark.parametrize("start, end, opens, closes, expected", [
    (T0, T0 + 3 * H, None, None, []),
    (T0, T0, None, None, [("ends_at", "end_not_after_start")]),
    (T0, T0 - H, None, None, [("ends_at", "end_not_after_start")]),
    (T0, T0 + H, T0 - 10 * D, T0 - D, []),
    (T0, T0 + H, T0 - 10 * D, T0, []),  # W1: a deadline at the very start is still before the meeting
    (T0, T0 + H, T0 - 10 * D, T0 + H, [("registration_closes_at", "deadline_after_start")]),
    (T0, T0 + H, T0 - D, T0 - 2 * D, [("registration_closes_at", "deadline_not_after_opening")]),
    (T0, T0 + H, T0 - D, None, [("registration_closes_at", "window_needs_both_ends")]),
    (T0, T0 + H, None, T0 - D, [("registration_opens_at", "window_needs_both_ends")]),
])
def test_schedule_problems_W1(start, end, opens, closes, expected):
    assert codes(schedule_problems(start, end, opens, closes)) == expected


@given(st.integers(-1000, 1000), st.integers(1, 1000), st.integers(1, 500))
def test_deadline_after_start_is_always_refused_W1(offset_minutes, window_minutes, length_minutes):
    start = T0
    closes = start + timedelta(minutes=offset_minutes)
    opens = closes - timedelta(minutes=window_minutes)
    problems = codes(schedule_problems(start, start + timedelta(minutes=length_minutes), opens, closes))
    assert (("registration_closes_at", "deadline_after_start") in problems) == (closes > start)


@pytest.mark.parametrize("now, expected", [
    (T0 - 11 * D, "not_open"), (T0 - 10 * D, "open"), (T0 - 5 * D, "open"), (T0 - D, "open"),
    (T0 - D + timedelta(seconds=1), "closed"),
])
def test_registration_state_follows_the_window_W1(now, expected):
    assert registration_state(now, T0 - 10 * D, T0 - D) == expected


def test_no_window_means_no_online_registration_W1():
    assert registration_state(T0, None, None) == "none"


def test_cancellation_notice_is_three_days_before_W4():
    assert cancellation_notice_by(T0) == T0 - 3 * D


@pytest.mark.parametrize("start, end, expected", [
    (date(2026, 1, 1), date(2026, 1, 30), []),  # 30 days, both ends counted
    (date(2026, 1, 1), date(2026, 1, 29), [("exhibition_ends_on", "exhibition_too_short")]),
    (date(2026, 1, 1), date(2025, 12, 31), [("exhibition_ends_on", "period_ends_before_start")]),
    (date(2026, 1, 1), None, [("exhibition_ends_on", "period_needs_both_ends")]),
    (None, None, []),
])
def test_exhibition_lasts_at_least_30_days_P3(start, end, expected):
    assert codes(exhibition_problems(start, end)) == expected


def test_exhibition_message_carries_the_day_count_P3():
    (problem,) = exhibition_problems(date(2026, 1, 1), date(2026, 1, 10))
    assert problem.params == {"days": 10, "minimum": 30}


@pytest.mark.parametrize("approved, announced, until, expected", [
    (date(2026, 3, 1), date(2026, 3, 31), date(2026, 6, 28), []),  # 30 days later; 90 days shown
    (date(2026, 3, 1), date(2026, 4, 1), None, [("announced_on", "announced_too_late")]),
    (date(2026, 3, 1), date(2026, 2, 28), None, [("announced_on", "announced_before_approval")]),
    (None, date(2026, 3, 1), None, [("approval_letter_on", "announcement_needs_approval")]),
    (date(2026, 3, 1), date(2026, 3, 10), date(2026, 6, 6),
     [("announcement_exhibition_ends_on", "announced_exhibition_too_short")]),  # 89 days
    (date(2026, 3, 1), date(2026, 3, 10), date(2026, 6, 7), []),  # 90 days
    (date(2026, 3, 1), None, date(2026, 6, 7), [("announced_on", "exhibition_needs_announcement")]),
])
def test_announcement_within_30_days_and_shown_90_P7(approved, announced, until, expected):
    assert codes(announcement_problems(approved, announced, until)) == expected


def test_announcement_deadline_is_30_days_after_the_letter_P7():
    assert announcement_deadline(date(2026, 3, 1)) == date(2026, 3, 31)


@dataclass
class _Meeting:
    status: str
    starts_at: datetime = T0
    registration_opens_at: datetime | None = T0 - 10 * D
    registration_closes_at: datetime | None = T0 - D


@pytest.mark.parametrize(("meeting", "now", "code"), [
    (_Meeting("published"), T0 - 2 * D, None),
    (_Meeting("postponed"), T0 - 2 * D, None),
    (_Meeting("cancelled"), T0 - 2 * D, "meeting_cancelled"),
    (_Meeting("draft"), T0 - 2 * D, "meeting_not_public"),
    (_Meeting("published", registration_opens_at=None, registration_closes_at=None), T0 - 2 * D,
     "no_online_registration"),
    (_Meeting("published"), T0 - 11 * D, "registration_not_open"),
    (_Meeting("published"), T0 - D + H, "registration_closed"),
    (_Meeting("published", registration_closes_at=T0 + D), T0, "registration_closed"),  # the meeting began
])
def test_online_applications_only_inside_the_window_of_a_public_meeting_W1(meeting, now, code):
    problems = window_problems(meeting, now)
    assert [p.code for p in problems] == ([code] if code else [])
