"""Publication status transitions and visibility (P8, W5)."""
import pytest

from app.rules.publication import STATUSES, TRANSITIONS, is_public, next_status


@pytest.mark.parametrize("current, action, expected", [
    ("draft", "publish", "published"),
    ("published", "postpone", "postponed"),
    ("postponed", "postpone", "postponed"),
    ("published", "cancel", "cancelled"),
    ("postponed", "cancel", "cancelled"),
])
def test_allowed_transitions_W5(current, action, expected):
    assert next_status(current, action, "颱風停班") == (expected, [])


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("action", ["publish", "postpone", "cancel"])
def test_every_other_transition_is_refused_W5(current, action):
    target, problems = next_status(current, action, "理由")
    if (current, action) in TRANSITIONS:
        assert target is not None
    else:
        assert target is None and [p.code for p in problems] == ["transition_not_allowed"]


@pytest.mark.parametrize("action", ["postpone", "cancel"])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_postponing_or_cancelling_needs_a_public_reason_W5(action, reason):
    target, problems = next_status("published", action, reason)
    assert target is None
    assert [(p.field, p.code) for p in problems] == [("reason", "reason_required")]


def test_only_drafts_are_hidden_from_the_public_P8():
    assert [s for s in STATUSES if not is_public(s)] == ["draft"]
