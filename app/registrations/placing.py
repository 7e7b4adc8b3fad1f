"""Re-running the allocation of one meeting from its rows (V3–V7), under the meeting's lock.

Places are never counters: every run recounts every active application, so a cancellation, a
rejected claim or a raised cap frees places simply by running it again.
"""
from collections import Counter, defaultdict
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from ..extensions import db
from ..rules import allocation as rules
from ..rules.names import normalise_name
from .models import ACTIVE, OBSERVE, SPEAK, Application, SpeakingRequest


def active_applications(meeting_id: int) -> list[Application]:
    """Every active application of the meeting, with its speaking requests."""
    return list(db.session.scalars(
        select(Application).where(Application.meeting_id == meeting_id, Application.status == ACTIVE)
        .options(selectinload(Application.requests)).order_by(Application.confirmed_at, Application.id)))


def place_summary(application: Application) -> dict:
    """What the application holds now, comparable between runs: the outcome of each speaking request
    by case, or the observer's outcome (case 0). Positions are left out: moving up a queue is shown
    on the applicant's page, not mailed."""
    if application.kind == SPEAK:
        return {r.case_key: r.outcome for r in application.requests if r.active}
    return {0: application.outcome}


def place_change(before: dict, after: dict) -> str | None:
    """How an application's places moved between two runs: 'lost' (a place became none), 'gained',
    'to_overflow' (an observer left the gallery for the overflow room), or None."""
    seated, keys = rules.SEATED, set(before) | set(after)
    if any(before.get(k) in seated and after.get(k) not in seated for k in keys):
        return "lost"
    if any(before.get(k) not in seated and after.get(k) in seated for k in keys):
        return "gained"
    if any(before.get(k) == rules.OVERFLOW and after.get(k) == rules.GALLERY for k in keys):
        return "gained"  # from the overflow room into the gallery
    if any(before.get(k) == rules.GALLERY and after.get(k) == rules.OVERFLOW for k in keys):
        return "to_overflow"
    return None


def queue_of(case_key: int, pool: str, interest_group: str) -> tuple:
    """The speaking queue a request waits in (rules.allocation.queue_key), its interest normalised."""
    return rules.queue_key(case_key, pool, normalise_name(interest_group))


def holds_place(application: Application) -> bool:
    """Whether any of the application's requests holds a place (speaking place, gallery, overflow)."""
    if application.kind == SPEAK:
        return any(r.active and r.outcome in rules.SEATED for r in application.requests)
    return application.outcome in rules.SEATED


def reallocate(meeting) -> list[tuple[Application, dict]]:
    """Run the allocation for `meeting` and store it; return (application, previous summary) for
    every application whose places changed (place_change). The caller holds the meeting's lock
    (locking.lock_meeting), so the work is kept short: one query of plain rows in, and only rows whose
    place changed are written (and copied into the ORM objects already loaded, so none is reloaded)."""
    observers, requests = allocation_input(meeting.id)
    speakers_placed = rules.allocate_speakers(
        [rules.SpeakerBid(key=r.id, case=r.case_key, at=r.confirmed_at, group=r.org_key, pool=r.pool, claim=r.claim,
                          interest=normalise_name(r.interest_group) if r.interest_group else "") for r in requests],
        speaker_cap=meeting.speaker_cap, representative_cap=meeting.representative_cap)
    observers_placed = rules.allocate_observers(
        [rules.ObserverBid(key=r.id, at=r.confirmed_at, group=r.org_key, village=r.village_key) for r in observers],
        gallery_seats=meeting.gallery_seats, per_group=meeting.observers_per_group,
        per_village=meeting.observers_per_village)
    moved_requests = _write(SpeakingRequest, requests, speakers_placed)
    moved_observers = _write(Application, observers, observers_placed)
    touched = {r.application_id for r in moved_requests} | {r.id for r in moved_observers}
    if not touched:
        return []
    observers = [r for r in observers if r.id in touched]
    requests = [r for r in requests if r.application_id in touched]
    before = _summaries(observers, requests, lambda row: row.outcome, lambda row: row.outcome)
    after = _summaries(observers, requests, lambda row: observers_placed[row.id].outcome,
                       lambda row: speakers_placed[row.id].outcome)
    return [(db.session.get(Application, application_id), before[application_id]) for application_id in sorted(after)
            if place_change(before[application_id], after[application_id])]


def _summaries(observers, requests, observer_outcome, request_outcome) -> dict:
    """place_summary for every application, from the rows: {application id: {case key: outcome}}."""
    summaries = defaultdict(dict)
    for row in observers:
        summaries[row.id][0] = observer_outcome(row)
    for row in requests:
        summaries[row.application_id][row.case_key] = request_outcome(row)
    return summaries


def places_lost(meeting_id: int, *, speaker_cap: int, representative_cap: int) -> int:
    """How many speakers now holding a place would lose it under smaller caps (V3, V4)."""
    held = Counter(queue_of(r.case_key, r.pool, r.interest_group) for r in allocation_input(meeting_id)[1]
                   if r.outcome == rules.ALLOCATED)
    caps = {rules.ONLINE: speaker_cap, rules.OTHER: representative_cap}
    return sum(max(0, n - caps[pool]) for (_case, pool, _interest), n in held.items())


class _Observer(NamedTuple):
    id: int
    confirmed_at: datetime
    org_key: str
    village_key: str
    outcome: str | None
    reason: str
    position: int | None


class _Request(NamedTuple):
    id: int
    application_id: int
    case_key: int
    org_key: str
    claim: str
    outcome: str | None
    reason: str
    position: int | None
    confirmed_at: datetime
    pool: str
    interest_group: str


_APPLICATIONS, _REQUESTS = Application.__table__, SpeakingRequest.__table__
# The allocation's whole input in one query: one row per active observer, one per active speaking
# request of an active speaker (Core columns: plain tuples, no ORM objects).
_INPUT = (
    select(_APPLICATIONS.c.id, _APPLICATIONS.c.kind, _APPLICATIONS.c.confirmed_at, _APPLICATIONS.c.org_key,
           _APPLICATIONS.c.village_key, _APPLICATIONS.c.outcome, _APPLICATIONS.c.reason, _APPLICATIONS.c.position,
           _APPLICATIONS.c.pool, _APPLICATIONS.c.interest_group, _REQUESTS.c.id, _REQUESTS.c.case_key,
           _REQUESTS.c.org_key, _REQUESTS.c.claim, _REQUESTS.c.outcome, _REQUESTS.c.reason, _REQUESTS.c.position)
    .select_from(_APPLICATIONS.outerjoin(_REQUESTS, and_(_REQUESTS.c.application_id == _APPLICATIONS.c.id,
                                                         _REQUESTS.c.active.is_(True))))
    .where(_APPLICATIONS.c.meeting_id == bindparam("meeting_id"), _APPLICATIONS.c.status == ACTIVE))


def allocation_input(meeting_id: int) -> tuple[list[_Observer], list[_Request]]:
    """The allocation's input as plain rows, read in one query: active observers, and the active
    requests of active speakers."""
    db.session.flush()
    observers, requests = [], []
    for (application_id, kind, at, org_key, village_key, outcome, reason, position, pool, interest,
         request_id, case_key, request_org_key, claim, request_outcome, request_reason, request_position) \
            in db.session.connection().execute(_INPUT, {"meeting_id": meeting_id}):
        if kind == OBSERVE:
            observers.append(_Observer(application_id, at, org_key, village_key, outcome, reason, position))
        elif request_id is not None:
            requests.append(_Request(request_id, application_id, case_key, request_org_key, claim, request_outcome,
                                     request_reason, request_position, at, pool, interest))
    return observers, requests


def _write(model, rows, placed: dict) -> list:
    """UPDATE the rows whose outcome, reason or position changed, in one executemany, and set the same
    values on their ORM copies already in the session; return the rows changed."""
    changed = [r for r in rows if (r.outcome, r.reason, r.position) != (
        placed[r.id].outcome, placed[r.id].reason, placed[r.id].position)]
    if changed:
        table = model.__table__
        db.session.connection().execute(
            update(table).where(table.c.id == bindparam("row_id")).values(
                outcome=bindparam("outcome"), reason=bindparam("reason"), position=bindparam("position")),
            [{"row_id": r.id, "outcome": placed[r.id].outcome, "reason": placed[r.id].reason,
              "position": placed[r.id].position} for r in changed])
        for row in changed:
            loaded = db.session.identity_map.get(identity_key(model, row.id))
            if loaded is not None:  # keep the loaded copy current without a reload or a flush
                for name in ("outcome", "reason", "position"):
                    set_committed_value(loaded, name, getattr(placed[row.id], name))
    return changed


def clear_places(application: Application):
    """Take an application out of the allocation (cancelled or rejected)."""
    application.outcome, application.position, application.reason = None, None, ""
    for request in application.requests:
        request.active = False
        request.outcome, request.position, request.reason = None, None, ""
