"""Notices follow their meeting: receivers of app/meetings/signals.py, run in the sender's transaction.
app/setup.py imports this module after the registrations receivers, so a change's notice can leave
out the registrants whose own meeting-changed mail was just written (one message each)."""
from ..meetings import signals
from ..rules.publication import DRAFT
from .models import CANCELLED, CHANGED, MINUTES, POSTPONED, PUBLISHED, REGISTRATION_OPEN
from .notices import write_notice


@signals.meeting_published.connect
def announce(meeting, *, now, actor=None, **_):
    """P10, P11: a published meeting is announced to its followers and standing invitees."""
    write_notice(meeting, PUBLISHED, now=now, actor=actor)


@signals.meeting_postponed.connect
def announce_postponement(meeting, *, now, **_):
    """W5: a postponement reaches followers; registrants are told by their own mail."""
    write_notice(meeting, POSTPONED, now=now, told_at=now)


@signals.meeting_cancelled.connect
def announce_cancellation(meeting, *, now, **_):
    """W5: a cancellation (iTIP CANCEL) reaches followers; registrants are told by their own mail."""
    write_notice(meeting, CANCELLED, now=now, told_at=now)


@signals.meeting_details_changed.connect
def announce_change(meeting, *, now, **_):
    """A changed time or place reaches followers; registrants are told by their own mail."""
    if meeting.status != DRAFT:
        write_notice(meeting, CHANGED, now=now, told_at=now)


@signals.registration_opened.connect
def announce_registration(meeting, *, now, **_):
    """Registration opened (W1)."""
    write_notice(meeting, REGISTRATION_OPEN, now=now)


@signals.minutes_published.connect
def announce_minutes(meeting, *, now, actor=None, url="", **_):
    """The minutes are published: the notice points to them."""
    write_notice(meeting, MINUTES, now=now, actor=actor, note=url)
