"""The words people read when the course, the queue or an extension is refused (V8, V10–V12, V14)."""
from flask_babel import lazy_gettext as _l

from ..rules import Problem
from ..violations import message_for as shared_message_for

TURN_STATE_LABELS = {
    "waiting": _l("Waiting"), "up": _l("Called to speak"), "speaking": _l("Speaking"), "paused": _l("Paused"),
    "done": _l("Spoke"), "absent": _l("Absent"), "skipped": _l("Skipped")}

PHASE_LABELS = {
    "not_started": _l("Not started"), "called": _l("Case called in"), "comment": _l("Public comment"),
    "deliberation": _l("Committee deliberation"), "adjourned": _l("Adjourned")}

MESSAGES = {
    "stale_state": _l("Someone else acted on this meeting a moment ago (on another console). Your action was not "
                      "carried out; the page now shows the current state — check it and act again if still needed."),
    "no_next_case": _l("This was the last case: adjourn the meeting instead."),
    "speaker_still_live": _l("A speaker is still at the microphone: stop their time first."),
    "course_transition_not_allowed": _l("That step is not possible while the meeting is at “%(phase)s”."),
    "action_unknown": _l("Unknown action."),
    "not_during_comment": _l("Speakers are called and timed only during the case's public comment."),
    "turn_transition_not_allowed": _l("That is not possible for a speaker who is “%(state)s”."),
    "recording_after_deliberation": _l("Notices to photograph or record are taken only before the committee's "
                                       "deliberation of the case begins (point 5(2) of the venue rules)."),
    "budget_spent": _l("The case's public comment time is spent. The chair may extend it, with the consent of "
                       "every committee member present, up to 60 minutes (point 5(3) of the venue rules)."),
    "extension_not_longer": _l("The new total must be longer than the current %(current)s minutes."),
    "extension_above_maximum": _l("Public comment on a case lasts at most %(maximum)s minutes, even when extended "
                                  "(point 5(3) of the venue rules)."),
    "chair_required": _l("Enter the chair's name."),
    "members_present_required": _l("Enter how many committee members are present."),
    "consent_of_all_required": _l("Every committee member present must consent: %(present)s present, "
                                  "%(consenting)s consenting (point 5(3) of the venue rules)."),
    "warning_out_of_range": _l("Warning point: between %(low)s and %(high)s seconds."),
    "extension_out_of_phase": _l("Comment time can be extended only while a case is called in or heard."),
    "notice_field_required": _l("Fill this in."),
    "turn_not_in_case": _l("This speaker is not in the current case's queue."),
    "speaker_already_called": _l("A speaker is already called or speaking: finish, or mark them absent, first."),
    "queue_empty": _l("Nobody is waiting to speak on this case."),
    "turn_not_movable": _l("Only speakers still waiting can be moved."),
    "turn_at_end": _l("This speaker is already at that end of the queue."),
    "written_after_speech": _l("A written version or summary is recorded after the speech."),
    "summary_too_long": _l("The summary may have at most %(maximum)s characters."),
}


def message_for(problem: Problem) -> str:
    """The translated sentence for one of the day's problems (or a shared one)."""
    template = MESSAGES.get(problem.code)
    if template is None:
        return shared_message_for(problem)
    params = dict(problem.params)
    if "phase" in params:
        params["phase"] = str(PHASE_LABELS.get(params["phase"], params["phase"]))
    if "state" in params:
        params["state"] = str(TURN_STATE_LABELS.get(params["state"], params["state"]))
    return str(template) % params if params else str(template)
