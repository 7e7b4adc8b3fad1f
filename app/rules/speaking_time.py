"""Speaking-time arithmetic: a speaker's countdown, the case's comment budget and its extension (V11).

Pure: stored timestamps and `now` in, seconds out. Every screen computes the same figures from the
same stored moments, so any worker, a restarted server and a second console agree to the second.
"""
from dataclasses import dataclass
from datetime import datetime

from . import Problem
from .venue import COMMENT_MINUTES_MAX

MINUTES_PER_SPEAKER = 3  # V11: 3 minutes per speaker in principle
COMMENT_MINUTES = 30  # V11: 30 minutes of public comment per case in principle
WARNING_SECONDS = 60  # the light turns amber with a minute left (a per-meeting setting)
EXTENDED_MAX_MINUTES = COMMENT_MINUTES_MAX  # V11: at most 60 with every member present consenting
WARNING_BOUNDS = (0, 600)
MINUTES_BOUNDS = (1, 30)

GREEN, AMBER, RED = "green", "amber", "red"


@dataclass(frozen=True)
class TurnTimes:
    """A speaking turn's stored moments: started, held since (paused), total held, ended."""

    started_at: datetime | None
    paused_at: datetime | None = None
    paused_seconds: float = 0.0
    ended_at: datetime | None = None


@dataclass(frozen=True)
class Reading:
    """A countdown read at one moment: spoken, left (negative when over), over time, light, running."""

    elapsed: float
    remaining: float
    overrun: float
    light: str
    running: bool


def elapsed_seconds(times: TurnTimes, now: datetime) -> float:
    """Seconds actually spoken: from the start to the end (or the pause, or now), less every pause."""
    if times.started_at is None:
        return 0.0
    until = times.ended_at or times.paused_at or now
    return max(0.0, (until - times.started_at).total_seconds() - times.paused_seconds)


def light_for(remaining: float, warning_seconds: int) -> str:
    """The traffic light: green, amber from the warning point, red at zero and beyond."""
    if remaining <= 0:
        return RED
    return AMBER if remaining <= warning_seconds else GREEN


def read_turn(times: TurnTimes, *, allotted_seconds: int, warning_seconds: int, now: datetime) -> Reading:
    """The speaker's countdown at `now` (V11: overruns are shown, not cut)."""
    spoken = elapsed_seconds(times, now)
    remaining = allotted_seconds - spoken
    running = times.started_at is not None and times.ended_at is None and times.paused_at is None
    return Reading(spoken, remaining, max(0.0, -remaining), light_for(remaining, warning_seconds), running)


def budget_remaining(budget_minutes: int, spoken: list[TurnTimes], now: datetime) -> float:
    """The case's comment time left (V11): its budget less everything spoken so far, pauses excluded."""
    return budget_minutes * 60 - sum(elapsed_seconds(times, now) for times in spoken)


def start_problems(budget_left: float) -> list[Problem]:
    """V11: no further speaker starts once the case's comment time is spent, until the chair extends it."""
    return [Problem("action", "budget_spent")] if budget_left <= 0 else []


def extension_problems(*, new_total: int | None, current_total: int, chair: str, members_present: int | None,
                       members_consenting: int | None) -> list[Problem]:
    """V11: the chair may extend a case's comment time up to 60 minutes, with every member present consenting."""
    problems = []
    if new_total is None or new_total <= current_total:
        problems.append(Problem("new_total", "extension_not_longer", {"current": current_total}))
    elif new_total > EXTENDED_MAX_MINUTES:
        problems.append(Problem("new_total", "extension_above_maximum", {"maximum": EXTENDED_MAX_MINUTES}))
    if not (chair or "").strip():
        problems.append(Problem("chair", "chair_required"))
    if not members_present or members_present < 1:
        problems.append(Problem("members_present", "members_present_required"))
    elif members_consenting != members_present:
        problems.append(Problem("members_consenting", "consent_of_all_required",
                                {"present": members_present, "consenting": members_consenting or 0}))
    return problems


def settings_problems(*, minutes_per_speaker: int | None, warning_seconds: int | None) -> list[Problem]:
    """The console's settings must be plausible: 1–30 minutes per speaker, a warning within 10 minutes."""
    problems = []
    low, high = MINUTES_BOUNDS
    if minutes_per_speaker is None or not low <= minutes_per_speaker <= high:
        problems.append(Problem("minutes_per_speaker", "minutes_per_speaker_out_of_range", {"low": low, "high": high}))
    low, high = WARNING_BOUNDS
    if warning_seconds is None or not low <= warning_seconds <= high:
        problems.append(Problem("warning_seconds", "warning_out_of_range", {"low": low, "high": high}))
    return problems
