"""Venue-rule settings: bounds from points 3 and 5, departures from a profile (V3, V7, V11)."""
import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.venue import (
    COMMENT_MINUTES_MAX,
    MINISTRY_DEFAULTS,
    REPRESENTATIVES_IN_PRINCIPLE,
    SPEAKER_CAP_MAX,
    cap_problems,
    case_budget_problems,
    comment_minutes_over_budget,
    departures,
    settings_problems,
)


def test_ministry_defaults_are_the_rules_values_V3_V7_V11():
    assert MINISTRY_DEFAULTS.speaker_cap == 5  # V3
    assert (MINISTRY_DEFAULTS.gallery_seats, MINISTRY_DEFAULTS.observers_per_group,
            MINISTRY_DEFAULTS.observers_per_village) == (20, 2, 2)  # V7
    assert (MINISTRY_DEFAULTS.minutes_per_speaker, MINISTRY_DEFAULTS.comment_minutes_per_case) == (3, 30)  # V11
    assert settings_problems(MINISTRY_DEFAULTS) == []


@given(st.integers(-5, 30))
def test_speaker_cap_may_be_raised_to_at_most_10_V3(cap):
    problems = settings_problems(dataclasses.replace(MINISTRY_DEFAULTS, speaker_cap=cap))
    assert bool(problems) == (not 1 <= cap <= SPEAKER_CAP_MAX)
    assert all(p.field == "speaker_cap" for p in problems)


@given(st.integers(-5, 200))
def test_comment_time_may_be_raised_to_at_most_60_minutes_V11(minutes):
    problems = settings_problems(dataclasses.replace(MINISTRY_DEFAULTS, comment_minutes_per_case=minutes))
    assert bool(problems) == (not 1 <= minutes <= COMMENT_MINUTES_MAX)
    assert bool(case_budget_problems(minutes)) == (not 1 <= minutes <= COMMENT_MINUTES_MAX)


def test_case_budget_defaults_are_accepted_V11():
    assert case_budget_problems(None) == []
    assert [p.code for p in case_budget_problems(61)] == ["comment_minutes_per_case_out_of_range"]


def test_a_county_profile_with_its_own_numbers_is_valid_V7():
    yilan = dataclasses.replace(MINISTRY_DEFAULTS, gallery_seats=15, observers_per_group=3)
    assert settings_problems(yilan) == []


@pytest.mark.parametrize("change, expected", [
    ({}, {}),
    ({"speaker_cap": 8}, {"speaker_cap": (5, 8)}),
    ({"gallery_seats": 30, "comment_minutes_per_case": 45},
     {"gallery_seats": (20, 30), "comment_minutes_per_case": (30, 45)}),
])
def test_departures_name_each_setting_that_differs_from_the_profile_V3_V11(change, expected):
    assert departures(dataclasses.replace(MINISTRY_DEFAULTS, **change), MINISTRY_DEFAULTS) == expected


@pytest.mark.parametrize("speakers, minutes, budget, over", [
    (10, 3, 30, None), (11, 3, 30, 33), (0, 3, 30, None), (20, 3, 60, None), (21, 3, 60, 63)])
def test_comment_time_over_the_case_budget_V11(speakers, minutes, budget, over):
    assert comment_minutes_over_budget(speakers, minutes, budget) == over


@pytest.mark.parametrize(("speaker_cap", "representative_cap", "fields"), [
    (5, REPRESENTATIVES_IN_PRINCIPLE, []),
    (10, 10, []),
    (11, 5, ["speaker_cap"]),
    (5, 11, ["representative_cap"]),
    (0, 0, ["speaker_cap", "representative_cap"]),
    (None, None, ["speaker_cap", "representative_cap"]),
])
def test_desk_places_per_case_are_1_to_10_speakers_V3_and_representatives_V4(speaker_cap, representative_cap,
                                                                              fields):
    problems = cap_problems(speaker_cap, representative_cap)
    assert [p.field for p in problems] == fields
    assert all(p.params == {"low": 1, "high": 10} for p in problems)
    assert REPRESENTATIVES_IN_PRINCIPLE == 5  # V4: 1 to 5 representatives in principle
