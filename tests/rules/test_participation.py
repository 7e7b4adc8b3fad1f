"""A plan's participation so far against the stage principles (P1, P3, P6)."""
from hypothesis import given
from hypothesis import strategies as st

from app.rules.participation import PHASES, MeetingFact, participation
from app.rules.publication import STATUSES

KINDS = ("symposium", "workshop", "hearing", "committee", "subgroup")


def fact(kind, phase=None, status="published"):
    return MeetingFact(kind, phase, status)


def test_one_symposium_or_workshop_per_phase_meets_P1():
    progress = participation([fact("symposium", "initial"), fact("workshop", "middle"), fact("symposium", "final")])
    assert progress.planning_by_phase == {"initial": 1, "middle": 1, "final": 1}
    assert progress.phases_missing == [] and progress.planning_met


def test_three_meetings_in_two_phases_do_not_meet_P1():
    progress = participation([fact("symposium", "initial"), fact("workshop", "initial"), fact("symposium", "final")])
    assert progress.phases_missing == ["middle"] and not progress.planning_met


def test_a_planning_meeting_without_a_phase_counts_toward_three_but_fills_no_phase_P1():
    progress = participation([fact("symposium", "initial"), fact("symposium"), fact("symposium", "final")])
    assert progress.planning_total == 3 and progress.phases_missing == ["middle"]


def test_cancelled_meetings_do_not_count_P1_P3():
    progress = participation([fact("symposium", "initial", "cancelled"), fact("hearing", status="cancelled"),
                              fact("hearing", status="postponed")])
    assert progress.planning_total == 0 and progress.phases_missing == list(PHASES)
    assert progress.hearings == 1 and progress.hearing_met


def test_no_hearing_yet_P3_and_deliberations_counted_P6():
    progress = participation([fact("committee"), fact("subgroup"), fact("committee", status="postponed")])
    assert not progress.hearing_met and progress.deliberations == 3


@given(st.lists(st.builds(MeetingFact, st.sampled_from(KINDS), st.sampled_from((None, *PHASES)),
                          st.sampled_from(STATUSES))))
def test_every_meeting_that_was_not_cancelled_is_counted_once(meetings):
    progress = participation(meetings)
    counted = [m for m in meetings if m.status != "cancelled"]
    assert progress.planning_total + progress.hearings + progress.deliberations == len(counted)
    assert sum(progress.planning_by_phase.values()) == sum(
        1 for m in counted if m.kind in ("symposium", "workshop") and m.phase)
    assert progress.planning_met == (not progress.phases_missing and progress.planning_total >= 3)


def test_a_county_holds_meetings_on_its_own_plans_and_the_ministry_on_any_P6():
    from app.rules.participation import may_hold_meetings_on
    assert may_hold_meetings_on(7, "yilan", 7) and not may_hold_meetings_on(7, "yilan", 8)
    assert may_hold_meetings_on(1, None, 8)  # the Ministry reviews the counties' plans
