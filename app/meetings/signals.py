"""What a meeting's workflows announce, so that packages built on meetings can react without
meetings importing them (docs/architecture.md). Blinker calls receivers at once, in the sender's
transaction; a receiver may refuse the change by raising RuleViolation.

The sender is always the meeting (or the case); keyword arguments carry the rest."""
from blinker import Namespace

_signals = Namespace()

meeting_postponed = _signals.signal("meeting-postponed", doc="""A published meeting moved to a new time,
or until one is announced, perhaps online (W5). Sent after the change, before the audit entry: `now`,
and `change`, the MeetingStatusChange (previous and new start and end, to_be_announced, moved_online).""")

meeting_cancelled = _signals.signal("meeting-cancelled", doc="""A published meeting was cancelled (W5):
`now`, and `change`, the MeetingStatusChange.""")

meeting_details_changed = _signals.signal("meeting-details-changed", doc="""A published meeting's title,
time, venue or directions changed, which everyone who applied is told of: `now`.""")

venue_settings_changed = _signals.signal("venue-settings-changed", doc="""A meeting's venue-rule
settings (places, seats, per-group limits) changed; the sender holds the meeting's lock (V3, V7):
`now`, and `details_follow`, true when meeting_details_changed follows for the same save (one
e-mail per person then carries everything).""")

first_case_added = _signals.signal("first-case-added", doc="""A meeting got its first case under review
(V11); what was asked of the meeting as a whole may now be asked of that case: `case`.""")

case_removing = _signals.signal("case-removing", doc="""A case is about to be removed (the sender is the
case); a receiver refuses by raising RuleViolation.""")

meeting_published = _signals.signal("meeting-published", doc="""A draft meeting was published: the public
sees it from now on (P8); subscribers and the directory are told (P10, P11): `now`, `actor`.""")

registration_opened = _signals.signal("registration-opened", doc="""A published meeting's registration
window opened (W1); sent by `flask notices due` once per meeting: `now`.""")

minutes_published = _signals.signal("minutes-published", doc="""A meeting's minutes were published (the
comments package sends it): `now`, `actor`, and `url`, where the minutes are read.""")
