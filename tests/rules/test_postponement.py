"""W5 postponements and the P8 publication checklist, as pure rules."""
from datetime import datetime, timedelta, timezone

from app.rules import Problem
from app.rules.postponement import postponement_problems
from app.rules.publication import publication_gaps

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
START = NOW + timedelta(days=10)


def problems(**overrides):
    values = dict(now=NOW, starts_at=START, ends_at=START + timedelta(hours=3), to_be_announced=False,
                  moved_online=False, online_link="", opens_at=NOW - timedelta(days=1),
                  closes_at=START - timedelta(days=3), new_closes_at=None)
    return postponement_problems(**(values | overrides))


def test_a_new_time_in_the_future_is_enough_W5():
    assert problems() == []


def test_a_new_time_is_needed_unless_it_is_to_be_announced_W5():
    assert problems(starts_at=None) == [Problem("starts_at", "new_time_required")]
    assert problems(starts_at=None, ends_at=None, to_be_announced=True) == []


def test_the_new_time_must_be_in_the_future_W5():
    assert Problem("starts_at", "new_time_in_past") in problems(starts_at=NOW - timedelta(hours=1),
                                                                ends_at=NOW + timedelta(hours=1))


def test_moving_online_needs_a_web_link_W5():
    assert problems(moved_online=True) == [Problem("online_link", "online_link_required")]
    assert problems(moved_online=True, online_link="javascript:alert(1)") == [Problem("online_link", "link_not_http")]
    assert problems(moved_online=True, online_link="https://meet.example.tw/a", to_be_announced=True,
                    starts_at=None, ends_at=None) == []


def test_the_kept_or_new_deadline_comes_before_the_new_start_W1_W5():
    early = START - timedelta(days=5)  # before the kept deadline (START - 3 days)
    assert problems(starts_at=early, ends_at=early + timedelta(hours=1)) == [
        Problem("registration_closes_at", "deadline_after_start")]
    assert problems(starts_at=early, ends_at=early + timedelta(hours=1), new_closes_at=early - timedelta(days=1)) == []
    assert problems(new_closes_at=START + timedelta(hours=1)) == [Problem("registration_closes_at",
                                                                          "deadline_after_start")]


def test_a_new_deadline_waits_for_the_new_time_and_needs_a_window_W1_W5():
    assert problems(to_be_announced=True, starts_at=None, ends_at=None, new_closes_at=START) == [
        Problem("registration_closes_at", "deadline_needs_new_time")]
    assert problems(opens_at=None, closes_at=None, new_closes_at=START - timedelta(days=1)) == [
        Problem("registration_closes_at", "deadline_without_window")]
    assert problems(new_closes_at=NOW - timedelta(hours=1)) == [Problem("registration_closes_at", "deadline_in_past")]


def test_the_checklist_names_each_gap_in_order_P8():
    assert publication_gaps(agenda_items=0, cases=0, materials=0, has_registration_window=False) == [
        "agenda", "cases", "materials", "registration_window"]
    assert publication_gaps(agenda_items=2, cases=1, materials=0, has_registration_window=True) == ["materials"]
    assert publication_gaps(agenda_items=1, cases=1, materials=1, has_registration_window=True) == []
