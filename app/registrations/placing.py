"""Re-running the allocation of one meeting from its rows (V3–V7), under the meeting's lock.

Places are never counters: every run recounts every active application, so a cancellation, a
rejected claim or a raised cap frees places simply by running it again.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import DateTime, bindparam, func, select, type_coerce, update
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


@dataclass(frozen=True)
class Part:
    """The part of a meeting's allocation to recount: the observers, the speakers of some cases (None:
    of every case), or both. The parts never move each other: speakers queue per case and V5 counts a
    group per case (V3–V5), and observers are placed among themselves (V7)."""

    observers: bool = True
    speakers: bool = True
    cases: tuple | None = None


WHOLE = Part()


def part_of(application: Application) -> Part:
    """The part of the allocation that a change to this one application (its confirmation) can move."""
    if application.kind == OBSERVE:
        return Part(speakers=False)
    return Part(observers=False, cases=tuple(sorted({r.case_key for r in application.requests if r.active})))


def reallocate(meeting, part: Part = WHOLE) -> list[tuple[Application, dict]]:
    """Run the allocation for `meeting` (or only `part` of it: part_of the one application that changed)
    and store it; return (application, previous summary) for every application whose places changed
    (place_change). The caller holds the meeting's lock (meetings.locks.lock_meeting), so the work is
    kept short: plain rows in (no ORM object), and only the rows whose place changed are written."""
    given = allocation_input(meeting.id, meeting.organizer_id, part)
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
    changed = [(db.session.get(Application, application_id), before[application_id])
               for application_id in sorted(after) if place_change(before[application_id], after[application_id])]
    if part.cases is not None:  # a speaker's requests on cases outside the part kept what they hold
        changed = [(application, place_summary(application) | before) for application, before in changed]
    return changed


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


_APPLICATIONS, _REQUESTS, _ALIASES = Application.__table__, SpeakingRequest.__table__, GroupAlias.__table__
# The input in plain Core columns: the active observers (one table), the active requests of active
# speakers (requests by meeting and case, their applications by primary key), and the group keys staff
# marked as one (V5, V7; usually none), applied here. Each is an index scan whatever the planner's
# statistics say: one query joining all four tables was planned as 2,500 index probes on a table filled
# faster than autovacuum analyses it, and cost twice as much. The times of application are only compared
# with each other, so they are read as stored (UTC without an offset): making 1,500 of them aware
# (UTCDateTime) would cost about as much as the allocation itself.
_OBSERVERS = (
    select(_APPLICATIONS.c.id, type_coerce(_APPLICATIONS.c.confirmed_at, DateTime), _APPLICATIONS.c.org_key,
           _APPLICATIONS.c.village_key, _APPLICATIONS.c.outcome, _APPLICATIONS.c.reason, _APPLICATIONS.c.position)
    .where(_APPLICATIONS.c.meeting_id == bindparam("meeting_id"), _APPLICATIONS.c.status == ACTIVE,
           _APPLICATIONS.c.kind == OBSERVE))
_SPEAKERS = (
    select(_REQUESTS.c.application_id, _REQUESTS.c.id, _REQUESTS.c.case_key,
           type_coerce(func.coalesce(_REQUESTS.c.added_at, _APPLICATIONS.c.confirmed_at), DateTime),
           _REQUESTS.c.org_key, _REQUESTS.c.claim, _REQUESTS.c.outcome, _REQUESTS.c.reason, _REQUESTS.c.position,
           _REQUESTS.c.given_at.is_not(None), _APPLICATIONS.c.pool, _APPLICATIONS.c.interest_group)
    .select_from(_REQUESTS.join(_APPLICATIONS, _APPLICATIONS.c.id == _REQUESTS.c.application_id))
    .where(_REQUESTS.c.meeting_id == bindparam("meeting_id"), _REQUESTS.c.active.is_(True),
           _APPLICATIONS.c.status == ACTIVE, _APPLICATIONS.c.kind == SPEAK))
_SPEAKERS_ON_CASES = _SPEAKERS.where(_REQUESTS.c.case_key.in_(bindparam("case_keys", expanding=True)))
_GROUP_ALIASES = select(_ALIASES.c.alias_key, _ALIASES.c.canonical_key).where(
    _ALIASES.c.organizer_id == bindparam("organizer_id"))


def allocation_input(meeting_id: int, organizer_id: int | None, part: Part = WHOLE) -> AllocationInput:
    """The bids of the meeting's active applications in `part` and the places they hold, from plain
    rows (fetched at once and unpacked as tuples: row by row, or by name, 1,500 rows cost more than the
    allocation); each group key as the key staff marked it as (none without `organizer_id`)."""
    db.session.flush()
    connection, given = db.session.connection(), AllocationInput()
    aliases = dict(connection.execute(_GROUP_ALIASES, {"organizer_id": organizer_id}).all()) \
        if organizer_id is not None else {}
    if part.observers:
        for (application_id, at, org_key, village_key, outcome, reason,
             position) in connection.execute(_OBSERVERS, {"meeting_id": meeting_id}).all():
            given.observers.append(rules.ObserverBid(key=application_id, at=at, group=aliases.get(org_key, org_key),
                                                     village=village_key))
            given.held_by_observer[application_id] = (outcome, reason, position)
    if part.speakers:
        statement, arguments = _SPEAKERS, {"meeting_id": meeting_id}
        if part.cases is not None:
            statement, arguments = _SPEAKERS_ON_CASES, arguments | {"case_keys": list(part.cases)}
        for (application_id, request_id, case_key, at, org_key, claim, outcome, reason, position, given_place, pool,
             interest) in connection.execute(statement, arguments).all():
            given.speakers.append(rules.SpeakerBid(
                key=request_id, case=case_key, at=at, group=aliases.get(org_key, org_key), pool=pool, claim=claim,
                interest=normalise_name(interest) if interest else "", given=bool(given_place)))
            given.held_by_request[request_id] = (outcome, reason, position)
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
