"""The meeting's course and each speaking turn as state machines (V8, V10, V12): every transition, legal and not."""
import pytest

from app.rules import Problem
from app.rules import meeting_course as mc

# (phase, case_index, action, case_count) -> expected (phase, case_index) or a problem code
LEGAL = [
    ((mc.NOT_STARTED, None), mc.CALL_CASE, 2, (mc.CALLED, 0)),  # V8
    ((mc.CALLED, 0), mc.OPEN_COMMENT, 2, (mc.COMMENT, 0)),
    ((mc.COMMENT, 0), mc.DELIBERATE, 2, (mc.DELIBERATION, 0)),  # V12
    ((mc.DELIBERATION, 0), mc.CALL_CASE, 2, (mc.CALLED, 1)),
    ((mc.DELIBERATION, 1), mc.ADJOURN, 2, (mc.ADJOURNED, 1)),
    ((mc.DELIBERATION, 0), mc.ADJOURN, 2, (mc.ADJOURNED, 0)),
    ((mc.NOT_STARTED, None), mc.ADJOURN, 2, (mc.ADJOURNED, None)),
]


@pytest.mark.parametrize("start, action, count, expected", LEGAL)
def test_legal_course_transitions(start, action, count, expected):
    assert mc.next_course(mc.Course(*start), action, case_count=count) == mc.Course(*expected)


def _every_pair():
    legal = {(start, action) for start, action, _count, _expected in LEGAL}
    starts = [(mc.NOT_STARTED, None), (mc.CALLED, 0), (mc.COMMENT, 0), (mc.DELIBERATION, 0), (mc.DELIBERATION, 1),
              (mc.ADJOURNED, 1)]
    return [(s, a) for s in starts for a in mc.COURSE_ACTIONS if (s, a) not in legal]


@pytest.mark.parametrize("start, action", _every_pair())
def test_every_other_course_transition_is_refused(start, action):
    result = mc.next_course(mc.Course(*start), action, case_count=2)
    assert isinstance(result, Problem)
    assert result.code in ("course_transition_not_allowed", "no_next_case")


def test_the_last_case_has_no_next_case_to_call():
    assert mc.next_course(mc.Course(mc.DELIBERATION, 1), mc.CALL_CASE, case_count=2).code == "no_next_case"


def test_a_meeting_without_cases_cannot_call_one():
    assert isinstance(mc.next_course(mc.Course(mc.NOT_STARTED, None), mc.CALL_CASE, case_count=0), Problem)


def test_deliberation_waits_for_the_speaker_at_the_microphone_V12():
    result = mc.next_course(mc.Course(mc.COMMENT, 0), mc.DELIBERATE, case_count=1, speaker_live=True)
    assert result.code == "speaker_still_live"


def test_an_unknown_action_is_refused():
    assert mc.next_course(mc.Course(mc.COMMENT, 0), "explode", case_count=1).code == "action_unknown"
    assert mc.next_turn_state(mc.WAITING, "explode", phase=mc.COMMENT).code == "action_unknown"


@pytest.mark.parametrize("state", mc.TURN_STATES)
@pytest.mark.parametrize("action", mc.TURN_ACTIONS)
def test_every_turn_transition_legal_or_refused(state, action):
    sources, target = mc.TURN_TRANSITIONS[action]
    result = mc.next_turn_state(state, action, phase=mc.COMMENT)
    if state in sources:
        assert result == target
    else:
        assert result.code == "turn_transition_not_allowed"


@pytest.mark.parametrize("phase", [mc.NOT_STARTED, mc.CALLED, mc.DELIBERATION, mc.ADJOURNED])
def test_speakers_are_timed_only_during_public_comment(phase):
    assert mc.next_turn_state(mc.UP, mc.START, phase=phase).code == "not_during_comment"
    assert mc.next_turn_state(mc.ABSENT, mc.REQUEUE, phase=phase) == mc.WAITING


def test_recording_notices_only_before_the_cases_deliberation_V10():
    assert mc.recording_notice_problems(mc.COMMENT, case_index=0, notice_case_index=0) == []
    assert mc.recording_notice_problems(mc.NOT_STARTED, case_index=None, notice_case_index=1) == []
    assert mc.recording_notice_problems(mc.DELIBERATION, case_index=0, notice_case_index=1) == []
    assert mc.recording_notice_problems(mc.DELIBERATION, case_index=0, notice_case_index=0)[0].code == \
        "recording_after_deliberation"
    assert mc.recording_notice_problems(mc.CALLED, case_index=1, notice_case_index=0)[0].code == \
        "recording_after_deliberation"
    assert mc.recording_notice_problems(mc.ADJOURNED, case_index=1, notice_case_index=1)
