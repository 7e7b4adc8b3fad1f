"""How applications follow their meeting: receivers of app/meetings/signals.py, run in the sender's
transaction. app/setup.py imports this module when it builds the app, which connects them."""
from ..meetings import signals
from ..meetings.locks import lock_meeting
from ..violations import RuleViolation
from . import mails
from .services import (
    adopt_first_case,
    has_meeting_wide_speakers,
    notify_registrants,
    open_requests_on,
    reallocate_and_notify,
)


@signals.meeting_postponed.connect
@signals.meeting_cancelled.connect
@signals.meeting_details_changed.connect
def tell_registrants(meeting, *, now, **_):
    """W5: every active applicant is told that the meeting was postponed, cancelled or changed."""
    notify_registrants(meeting, now=now)


@signals.venue_settings_changed.connect
def reallocate_places(meeting, *, now, details_follow=False, **_):
    """Fewer or more places: the allocation runs again (V3, V7); people whose place changed are told,
    unless the meeting-changed mail that follows tells them."""
    reallocate_and_notify(meeting, now=now, notify=not details_follow, cause=mails.CAPS)


@signals.first_case_added.connect
def move_speakers_to_first_case(meeting, *, case, **_):
    """Speakers who applied to speak on the meeting as a whole now ask for its first case, keeping
    their places; under the meeting's lock, since the allocation runs again (V3, V5)."""
    if has_meeting_wide_speakers(meeting):
        lock_meeting(meeting.id)
        adopt_first_case(meeting, case)


@signals.case_removing.connect
def keep_case_with_applications(case, **_):
    """A case that people still apply to speak on stays until staff reject or cancel those applications."""
    waiting = open_requests_on(case)
    if waiting:
        raise RuleViolation.one("case", "case_has_applications", count=waiting)
