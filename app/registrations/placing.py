"""Re-running the allocation of one meeting from its rows (V3–V7), under the meeting's lock.

Places are never counters: every run recounts every active application, so a cancellation, a
rejected claim or a raised cap frees places simply by running it again.
"""
from collections import Counter, defaultdict
from functools import partial

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..rules import allocation as rules
from ..rules.names import normalise_name
from .groups import alias_map, canonical
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
    (meetings.locks.lock_meeting), so the work is kept short: plain rows in, and only rows whose place
    changed are written."""
    observers, requests = _active_rows(meeting.id)
    group = partial(canonical, alias_map(meeting.organizer_id))  # names staff marked as one group (V5, V7)
    before = _summaries(observers, requests, lambda row: row.outcome, lambda row: row.outcome)
    speakers_placed = rules.allocate_speakers(
        [rules.SpeakerBid(key=r.id, case=r.case_key, at=r.confirmed_at, group=group(r.org_key), pool=r.pool,
                          claim=r.claim, interest=normalise_name(r.interest_group)) for r in requests],
        speaker_cap=meeting.speaker_cap, representative_cap=meeting.representative_cap)
    observers_placed = rules.allocate_observers(
        [rules.ObserverBid(key=r.id, at=r.confirmed_at, group=group(r.org_key), village=r.village_key)
         for r in observers],
        gallery_seats=meeting.gallery_seats, per_group=meeting.observers_per_group,
        per_village=meeting.observers_per_village)
    after = _summaries(observers, requests, lambda row: observers_placed[row.id].outcome,
                       lambda row: speakers_placed[row.id].outcome)
    written = _write(SpeakingRequest, requests, speakers_placed) + _write(Application, observers, observers_placed)
    if written:
        db.session.expire_all()  # the ORM copies of the rows just written are stale
    return [(db.session.get(Application, application_id), before[application_id])
            for application_id in after if place_change(before[application_id], after[application_id])]


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
    held = Counter(queue_of(r.case_key, r.pool, r.interest_group) for r in _active_rows(meeting_id)[1]
                   if r.outcome == rules.ALLOCATED)
    caps = {rules.ONLINE: speaker_cap, rules.OTHER: representative_cap}
    return sum(max(0, n - caps[pool]) for (_case, pool, _interest), n in held.items())


def _active_rows(meeting_id: int):
    """The allocation's input as plain rows: active observers, and active speakers' requests."""
    db.session.flush()
    observers = db.session.execute(
        select(Application.id, Application.confirmed_at, Application.org_key, Application.village_key,
               Application.outcome, Application.reason, Application.position)
        .where(Application.meeting_id == meeting_id, Application.status == ACTIVE, Application.kind == OBSERVE)).all()
    requests = db.session.execute(
        select(SpeakingRequest.id, SpeakingRequest.application_id, SpeakingRequest.case_key, SpeakingRequest.org_key,
               SpeakingRequest.claim, SpeakingRequest.outcome, SpeakingRequest.reason, SpeakingRequest.position,
               Application.confirmed_at, Application.pool, Application.interest_group)
        .join(Application, Application.id == SpeakingRequest.application_id)
        .where(SpeakingRequest.meeting_id == meeting_id, SpeakingRequest.active.is_(True),
               Application.status == ACTIVE)).all()
    return observers, requests


def _write(model, rows, placed: dict) -> int:
    """UPDATE the rows whose outcome, reason or position changed (by primary key); return how many."""
    changed = [{"id": r.id, "outcome": p.outcome, "reason": p.reason, "position": p.position}
               for r in rows for p in (placed[r.id],) if (r.outcome, r.reason, r.position) != (
                   p.outcome, p.reason, p.position)]
    if changed:
        db.session.execute(update(model), changed)
    return len(changed)


def clear_places(application: Application):
    """Take an application out of the allocation (cancelled or rejected)."""
    application.outcome, application.position, application.reason = None, None, ""
    for request in application.requests:
        request.active = False
        request.outcome, request.position, request.reason = None, None, ""
