"""Re-running the allocation of one meeting from its rows (V3–V7), under the meeting's lock.

Places are never counters: every run recounts every active application, so a cancellation, a
rejected claim or a raised cap frees places simply by running it again.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import DateTime, and_, bindparam, func, select, type_coerce, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from ..extensions import db
from ..rules import allocation as rules
from ..rules.names import normalise_name
from .models import ACTIVE, OBSERVE, SPEAK, Application, GroupAlias, SpeakingRequest


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
    (meetings.locks.lock_meeting), so the work is kept short: one query of plain rows in (no ORM object),
    and only the rows whose place changed are written."""
    given = allocation_input(meeting.id, meeting.organizer_id)
    speakers_placed = rules.allocate_speakers(given.speakers, speaker_cap=meeting.speaker_cap,
                                              representative_cap=meeting.representative_cap)
    observers_placed = rules.allocate_observers(
        given.observers, gallery_seats=meeting.gallery_seats, per_group=meeting.observers_per_group,
        per_village=meeting.observers_per_village)
    moved_requests = _write(SpeakingRequest, speakers_placed, given.held_by_request)
    moved_observers = _write(Application, observers_placed, given.held_by_observer)
    before, after = defaultdict(dict), defaultdict(dict)  # place_summary of each application moved
    for key in moved_observers:
        before[key][0], after[key][0] = given.held_by_observer[key][0], observers_placed[key].outcome
    speakers_moved = {given.request_of[key][0] for key in moved_requests}
    for key, (application_id, case_key) in given.request_of.items():
        if application_id in speakers_moved:  # every request of a moved speaker, moved or not
            before[application_id][case_key] = given.held_by_request[key][0]
            after[application_id][case_key] = speakers_placed[key].outcome
    return [(db.session.get(Application, application_id), before[application_id]) for application_id in sorted(after)
            if place_change(before[application_id], after[application_id])]


def places_lost(meeting_id: int, *, speaker_cap: int, representative_cap: int) -> int:
    """How many speakers now holding a place would lose it under smaller caps (V3, V4)."""
    given = allocation_input(meeting_id, None)
    held = Counter(bid.queue for bid in given.speakers if given.held_by_request[bid.key][0] == rules.ALLOCATED)
    caps = {rules.ONLINE: speaker_cap, rules.OTHER: representative_cap}
    return sum(max(0, n - caps[pool]) for (_case, pool, _interest), n in held.items())


@dataclass
class AllocationInput:
    """A meeting's allocation input, read from the rows: the bids, and what each row holds now
    ((outcome, reason, position) by request id and by observer's application id)."""

    speakers: list = field(default_factory=list)
    observers: list = field(default_factory=list)
    held_by_request: dict = field(default_factory=dict)
    held_by_observer: dict = field(default_factory=dict)
    request_of: dict = field(default_factory=dict)  # request id: (application id, case key)


_APPLICATIONS, _REQUESTS = Application.__table__, SpeakingRequest.__table__
_OBSERVER_ALIAS = GroupAlias.__table__.alias("observer_alias")
_SPEAKER_ALIAS = GroupAlias.__table__.alias("speaker_alias")
# The whole input in one query of Core columns: one row per active observer, one per active
# speaking request of an active speaker, each group key read as the key staff marked it as (V5, V7;
# group_aliases, joined in the same query). The times of application are only compared with each
# other, so they are read as stored (UTC without an offset): making 1,500 of them aware
# (UTCDateTime) would cost about as much as the allocation itself.
_INPUT = (
    select(_APPLICATIONS.c.id, _APPLICATIONS.c.kind, type_coerce(_APPLICATIONS.c.confirmed_at, DateTime),
           func.coalesce(_OBSERVER_ALIAS.c.canonical_key, _APPLICATIONS.c.org_key), _APPLICATIONS.c.village_key,
           _APPLICATIONS.c.outcome, _APPLICATIONS.c.reason, _APPLICATIONS.c.position, _APPLICATIONS.c.pool,
           _APPLICATIONS.c.interest_group, _REQUESTS.c.id, _REQUESTS.c.case_key,
           type_coerce(func.coalesce(_REQUESTS.c.added_at, _APPLICATIONS.c.confirmed_at), DateTime),
           func.coalesce(_SPEAKER_ALIAS.c.canonical_key, _REQUESTS.c.org_key), _REQUESTS.c.claim,
           _REQUESTS.c.outcome, _REQUESTS.c.reason, _REQUESTS.c.position, _REQUESTS.c.given_at.is_not(None))
    .select_from(
        _APPLICATIONS.outerjoin(_REQUESTS, and_(_REQUESTS.c.application_id == _APPLICATIONS.c.id,
                                                _REQUESTS.c.active.is_(True)))
        .outerjoin(_OBSERVER_ALIAS, and_(_OBSERVER_ALIAS.c.organizer_id == bindparam("organizer_id"),
                                         _OBSERVER_ALIAS.c.alias_key == _APPLICATIONS.c.org_key))
        .outerjoin(_SPEAKER_ALIAS, and_(_SPEAKER_ALIAS.c.organizer_id == bindparam("organizer_id"),
                                        _SPEAKER_ALIAS.c.alias_key == _REQUESTS.c.org_key)))
    .where(_APPLICATIONS.c.meeting_id == bindparam("meeting_id"), _APPLICATIONS.c.status == ACTIVE))


def allocation_input(meeting_id: int, organizer_id: int | None) -> AllocationInput:
    """The bids of every active application of the meeting and the places they hold, from one query
    of plain rows (unpacked as tuples: named access to 1,500 rows costs more than the allocation)."""
    db.session.flush()
    given, rows = AllocationInput(), db.session.connection().execute(
        _INPUT, {"meeting_id": meeting_id, "organizer_id": organizer_id}).all()
    for (application_id, kind, at, org_key, village_key, outcome, reason, position, pool, interest, request_id,
         case_key, request_at, request_org_key, claim, request_outcome, request_reason, request_position,
         given_place) in rows:
        if kind == OBSERVE:
            given.observers.append(rules.ObserverBid(key=application_id, at=at, group=org_key, village=village_key))
            given.held_by_observer[application_id] = (outcome, reason, position)
        elif request_id is not None:
            given.speakers.append(rules.SpeakerBid(
                key=request_id, case=case_key, at=request_at, group=request_org_key, pool=pool, claim=claim,
                interest=normalise_name(interest) if interest else "", given=bool(given_place)))
            given.held_by_request[request_id] = (request_outcome, request_reason, request_position)
            given.request_of[request_id] = (application_id, case_key)
    return given


def _write(model, placed: dict, held: dict) -> list:
    """UPDATE the rows whose place differs from what they hold, in one executemany, and set the same
    values on their ORM copies already in the session (current then, without a reload); return their ids."""
    moved = [key for key, p in placed.items() if (p.outcome, p.reason, p.position) != held[key]]
    if moved:
        table = model.__table__
        db.session.connection().execute(
            update(table).where(table.c.id == bindparam("row_id")).values(
                outcome=bindparam("outcome"), reason=bindparam("reason"), position=bindparam("position")),
            [{"row_id": key, "outcome": placed[key].outcome, "reason": placed[key].reason,
              "position": placed[key].position} for key in moved])
    for key in moved:
        loaded = db.session.identity_map.get(identity_key(model, key))
        if loaded is not None:
            for name in ("outcome", "reason", "position"):
                set_committed_value(loaded, name, getattr(placed[key], name))
    return moved


def clear_places(application: Application):
    """Take an application out of the allocation (cancelled or rejected)."""
    application.outcome, application.position, application.reason = None, None, ""
    for request in application.requests:
        request.active = False
        request.outcome, request.position, request.reason = None, None, ""
