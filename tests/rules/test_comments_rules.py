"""The comment rules: the exhibition window (P3, P4), required fields (P4), no self-approval (P2), the
refusal to publish minutes (P2, P5, P6), deadlines, and public names (P8)."""
from datetime import date

import pytest

from app.rules.comments import (
    APPROVED,
    DRAFT,
    Unanswered,
    approval_problems,
    exhibition_state,
    is_overdue,
    minutes_refusal,
    opinion_problems,
    public_name,
    response_days_problems,
    response_due,
)
from app.rules.names import mask_name

START, END = date(2026, 3, 1), date(2026, 3, 30)


@pytest.mark.parametrize("today, state", [
    (date(2026, 2, 28), "not_yet"), (START, "open"), (END, "open"), (date(2026, 3, 31), "closed")])
def test_opinions_are_taken_during_the_exhibition_only_P3_P4(today, state):
    assert exhibition_state(today, START, END) == state


def test_no_exhibition_dates_means_no_opinions_P4():
    assert exhibition_state(START, None, None) == "none"


@pytest.mark.parametrize("fields, codes", [
    (dict(name="王小明", organisation="", address="台中市", text="意見內容"), []),
    (dict(name="", organisation="地球公民基金會", address="台北市", text="意見內容"), []),
    (dict(name="", organisation="", address="台中市", text="意見內容"), ["opinion_name_required"]),
    (dict(name="王小明", organisation="", address=" ", text="意見內容"), ["opinion_address_required"]),
    (dict(name="王小明", organisation="", address="台中市", text=""), ["opinion_text_required"]),
    (dict(name="王小明", organisation="", address="台中市", text="字" * 20001), ["opinion_text_too_long"]),
])
def test_a_written_opinion_needs_a_name_or_organisation_and_an_address_P4(fields, codes):
    assert [p.code for p in opinion_problems(**fields)] == codes


def test_the_drafter_cannot_approve_their_own_response_P2():
    assert [p.code for p in approval_problems(7, 7, DRAFT)] == ["self_approval"]
    assert approval_problems(7, 8, DRAFT) == []
    assert [p.code for p in approval_problems(7, 8, APPROVED)] == ["response_not_draft"]


def test_minutes_are_refused_while_a_comment_is_unanswered_and_the_refusal_names_it_P2_P5_P6():
    assert minutes_refusal([]) == []
    problem, = minutes_refusal([Unanswered(3, "#3 請保留農地"), Unanswered(9, "#9 海岸")])
    assert problem.code == "minutes_unanswered"
    assert problem.params["count"] == 2 and "#3 請保留農地" in problem.params["comments"]


def test_a_comment_is_overdue_after_its_deadline_unless_answered():
    received = date(2026, 3, 1)
    assert response_due(received, 30) == date(2026, 3, 31)
    assert not is_overdue(received, 30, date(2026, 3, 31), answered=False)
    assert is_overdue(received, 30, date(2026, 4, 1), answered=False)
    assert not is_overdue(received, 30, date(2026, 4, 1), answered=True)


@pytest.mark.parametrize("days, ok", [(0, False), (1, True), (365, True), (366, False), (None, False)])
def test_response_deadline_bounds(days, ok):
    assert (response_days_problems(days) == []) is ok


def test_public_names_mask_people_show_organisations_and_withhold_on_request_P8():
    assert public_name("王小明", "", False, mask_name) == "王○○"
    assert public_name("王小明", "地球公民基金會", False, mask_name) == "地球公民基金會"
    assert public_name("王小明", "地球公民基金會", True, mask_name) == ""
