"""Speaking-time arithmetic on a controllable clock (V11): pauses, overruns, the budget and its extension."""
from datetime import datetime, timedelta, timezone

import pytest

from app.rules import speaking_time as st

T0 = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def read(times, now, allotted=180, warning=60):
    return st.read_turn(times, allotted_seconds=allotted, warning_seconds=warning, now=now)


def test_a_running_turn_counts_down_green_then_amber_then_red():
    times = st.TurnTimes(started_at=at(0))
    assert read(times, at(0)) == st.Reading(0, 180, 0, st.GREEN, True)
    assert read(times, at(119.5)).light == st.GREEN
    assert read(times, at(120)).light == st.AMBER  # one minute left: the warning point
    assert read(times, at(179.9)).light == st.AMBER
    assert read(times, at(180)).light == st.RED


def test_pauses_do_not_count_V11():
    paused = st.TurnTimes(started_at=at(0), paused_at=at(50))
    assert read(paused, at(500)).remaining == 130  # held at the pause, however long it lasts
    assert read(paused, at(500)).running is False
    resumed = st.TurnTimes(started_at=at(0), paused_seconds=450)  # paused 50 → 500
    assert read(resumed, at(510)).remaining == 120
    twice = st.TurnTimes(started_at=at(0), paused_at=at(600), paused_seconds=450)  # paused again at 600
    assert read(twice, at(900)).elapsed == 150


def test_an_overrun_is_shown_and_measured():
    times = st.TurnTimes(started_at=at(0), ended_at=at(200))
    reading = read(times, at(999))
    assert (reading.remaining, reading.overrun, reading.light, reading.running) == (-20, 20, st.RED, False)


def test_the_warning_point_is_a_setting():
    times = st.TurnTimes(started_at=at(0))
    assert read(times, at(30), warning=150).light == st.AMBER
    assert read(times, at(30), warning=0).light == st.GREEN


def test_the_case_budget_counts_down_across_speakers_and_is_spent_V11():
    first = st.TurnTimes(started_at=at(0), ended_at=at(190))
    second = st.TurnTimes(started_at=at(200), paused_at=at(260), paused_seconds=0)
    assert st.budget_remaining(5, [first, second], at(1000)) == 300 - 190 - 60
    assert st.start_problems(50) == []
    third = st.TurnTimes(started_at=at(300), ended_at=at(350))
    assert st.budget_remaining(5, [first, second, third], at(1000)) == 0
    assert st.start_problems(0)[0].code == "budget_spent"


def extension(**override):
    values = dict(new_total=45, current_total=30, chair="林主任委員", members_present=12, members_consenting=12)
    return [p.code for p in st.extension_problems(**(values | override))]


def test_an_extension_with_everyone_consenting_up_to_60_is_accepted_V11():
    assert extension() == []
    assert extension(new_total=60) == []


def test_an_extension_above_60_minutes_is_refused_V11():
    assert extension(new_total=61) == ["extension_above_maximum"]


@pytest.mark.parametrize("present, consenting", [(12, 11), (12, None), (12, 0), (None, None), (0, 0)])
def test_an_extension_without_every_member_present_consenting_is_refused_V11(present, consenting):
    codes = extension(members_present=present, members_consenting=consenting)
    assert codes and set(codes) <= {"consent_of_all_required", "members_present_required"}


def test_an_extension_needs_the_chair_and_a_longer_total():
    assert extension(chair=" ") == ["chair_required"]
    assert extension(new_total=30) == ["extension_not_longer"]
    assert extension(new_total=None) == ["extension_not_longer"]


def test_settings_bounds():
    assert st.settings_problems(minutes_per_speaker=3, warning_seconds=60) == []
    codes = [p.code for p in st.settings_problems(minutes_per_speaker=0, warning_seconds=-1)]
    assert codes == ["minutes_per_speaker_out_of_range", "warning_out_of_range"]
