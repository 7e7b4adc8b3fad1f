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


def place_summary(application: Application) -> tuple:
    """What the application holds now, comparable between runs: one (case, outcome, position) per
    speaking request, or the observer's outcome and position."""
    if application.kind == SPEAK:
        return tuple((r.case_key, r.outcome, r.position) for r in application.requests if r.active)
    return ((0, application.outcome, application.position),)


def holds_place(application: Application) -> bool:
    """Whether any of the application's requests holds a place (speaking place, gallery, overflow)."""
    if application.kind == SPEAK:
        return any(r.active and r.outcome in rules.SEATED for r in application.requests)
    return application.outcome in rules.SEATED


def reallocate(meeting) -> list[tuple[Application, tuple]]:
    """Run the allocation for `meeting` and store it; return (application, previous summary) for
    every application whose place changed. The caller holds the meeting's lock (locking.lock_meeting)."""
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
    return [(a, before[a.id]) for a in applications if place_summary(a) != before[a.id]]


def _store(row, place: rules.Place):
    row.outcome, row.reason, row.position = place.outcome, place.reason, place.position


def clear_places(application: Application):
    """Take an application out of the allocation (cancelled or rejected)."""
    application.outcome, application.position, application.reason = None, None, ""
    for request in application.requests:
        request.active = False
        request.outcome, request.position, request.reason = None, None, ""
