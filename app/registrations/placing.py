"""Re-running the allocation of one meeting from its rows (V3–V7), under the meeting's lock.

Places are never counters: every run recounts every active application, so a cancellation, a
rejected claim or a raised cap frees places simply by running it again.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..rules import allocation as rules
from .models import ACTIVE, OBSERVE, SPEAK, Application


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


def holds_place(application: Application) -> bool:
    """Whether any of the application's requests holds a place (speaking place, gallery, overflow)."""
    if application.kind == SPEAK:
        return any(r.active and r.outcome in rules.SEATED for r in application.requests)
    return application.outcome in rules.SEATED


def reallocate(meeting) -> list[tuple[Application, dict]]:
    """Run the allocation for `meeting` and store it; return (application, previous summary) for
    every application whose places changed (place_change). The caller holds the meeting's lock
    (locking.lock_meeting)."""
    applications = active_applications(meeting.id)
    before = {a.id: place_summary(a) for a in applications}
    speaker_bids, observer_bids, requests = [], [], {}
    for application in applications:
        if application.kind == OBSERVE:
            observer_bids.append(rules.ObserverBid(key=application.id, at=application.confirmed_at,
                                                   group=application.org_key, village=application.village_key))
            continue
        for request in application.requests:
            if request.active:
                requests[request.id] = request
                speaker_bids.append(rules.SpeakerBid(
                    key=request.id, case=request.case_key, at=application.confirmed_at, group=request.org_key,
                    pool=application.pool, claim=request.claim))
    speakers = rules.allocate_speakers(speaker_bids, speaker_cap=meeting.speaker_cap,
                                       representative_cap=meeting.representative_cap)
    observers = rules.allocate_observers(observer_bids, gallery_seats=meeting.gallery_seats,
                                         per_group=meeting.observers_per_group,
                                         per_village=meeting.observers_per_village)
    for request_id, place in speakers.items():
        _store(requests[request_id], place)
    by_id = {a.id: a for a in applications}
    for application_id, place in observers.items():
        _store(by_id[application_id], place)
    db.session.flush()
    return [(a, before[a.id]) for a in applications if place_change(before[a.id], place_summary(a))]


def _store(row, place: rules.Place):
    row.outcome, row.reason, row.position = place.outcome, place.reason, place.position


def clear_places(application: Application):
    """Take an application out of the allocation (cancelled or rejected)."""
    application.outcome, application.position, application.reason = None, None, ""
    for request in application.requests:
        request.active = False
        request.outcome, request.position, request.reason = None, None, ""
