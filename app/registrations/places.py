"""Places left before anyone applies (issue 9, item 3), for the public meeting page and the list's
cards: per case, the online speaking places still free and how many people wait (V3), and the
gallery seats still free (V7). Counted as availability.py counts (active applications, online
pool), for many meetings in one statement."""
from functools import cache
from typing import NamedTuple

from sqlalchemy import (
    Integer,
    Text,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)

from ..extensions import db
from ..meetings.models import ReviewCase
from ..rules import allocation as rules
from .models import ACTIVE, OBSERVE, Application, SpeakingRequest

_SEATS, _CASE = -1, "case"


class CasePlaces(NamedTuple):
    """One case's speaking queue: its position (1, 2…; 0 for a meeting without cases), places left, people waiting."""

    number: int
    left: int
    waiting: int


class Places(NamedTuple):
    """A meeting's queues and its free gallery seats."""

    cases: tuple[CasePlaces, ...]
    seats_left: int


@cache
def _statement():
    """Speaking places held and waiting per case, gallery seats taken, and the meetings' cases."""
    ids = bindparam("ids", expanding=True)
    speaking = (select(SpeakingRequest.meeting_id, SpeakingRequest.case_key.label("key"),
                       SpeakingRequest.outcome.label("what"), func.count().label("n"))
                .join(Application, Application.id == SpeakingRequest.application_id)
                .where(SpeakingRequest.meeting_id.in_(ids), SpeakingRequest.active.is_(True),
                       Application.status == ACTIVE, Application.pool == rules.ONLINE,
                       SpeakingRequest.outcome.in_([rules.ALLOCATED, rules.WAITLISTED]))
                .group_by(SpeakingRequest.meeting_id, SpeakingRequest.case_key, SpeakingRequest.outcome))
    seats = (select(Application.meeting_id, literal(_SEATS).label("key"), Application.outcome.label("what"),
                    func.count().label("n"))
             .where(Application.meeting_id.in_(ids), Application.status == ACTIVE, Application.kind == OBSERVE,
                    Application.outcome == rules.GALLERY)
             .group_by(Application.meeting_id, Application.outcome))
    cases = select(ReviewCase.meeting_id, ReviewCase.id.label("key"), literal_column(f"'{_CASE}'").label("what"),
                   ReviewCase.position.label("n")).where(ReviewCase.meeting_id.in_(ids))
    return union_all(speaking, seats, cases)


def places_left(meetings) -> dict[int, Places]:
    """Each meeting's places (by meeting id), in one statement; {} for no meetings."""
    if not meetings:
        return {}
    held, case_rows = {}, {}
    for row in db.session.execute(_statement(), {"ids": [m.id for m in meetings]}):
        if row.what == _CASE:
            case_rows.setdefault(row.meeting_id, []).append((row.n, row.key))
        else:
            held[(row.meeting_id, row.key, row.what)] = row.n
    result = {}
    for m in meetings:
        keys = [key for _position, key in sorted(case_rows.get(m.id, []))] or [0]
        queues = tuple(CasePlaces(number if key else 0,
                                  max(m.speaker_cap - held.get((m.id, key, rules.ALLOCATED), 0), 0),
                                  held.get((m.id, key, rules.WAITLISTED), 0))
                       for number, key in enumerate(keys, start=1))
        seats = max(m.gallery_seats - held.get((m.id, _SEATS, rules.GALLERY), 0), 0)
        result[m.id] = Places(queues, seats)
    return result


class SpeakerRow(NamedTuple):
    """A speaker holding a place, as the public list shows them (queries_public.allocated_speakers)."""

    case_key: int
    position: int
    name: str
    organisation: str


_ROW_TYPES = {"key": Integer(), "pool": Text(), "grp": Text(), "position": Integer(), "rid": Integer(),
              "name": Text(), "organisation": Text(), "n": Integer()}


def _row(what, where, group_by=(), **columns):
    """One part of the meeting's union, every part in the same shape (missing columns typed NULLs)."""
    values = [(type_coerce(columns[name], type_) if name in columns else cast(null(), type_)).label(name)
              for name, type_ in _ROW_TYPES.items()]
    query = select(what.label("what"), *values).where(*where)
    return query.group_by(*group_by) if group_by else query


@cache
def _meeting_statement():
    """The meeting's speakers with a place (in speaking order, as allocated_speakers gives them), its
    speaking places held and waiting per case, and its gallery seats taken: one round trip."""
    meeting = bindparam("meeting_id")
    joined = SpeakingRequest.application_id == Application.id
    speakers = _row(literal_column("'speaker'"), (SpeakingRequest.meeting_id == meeting, joined,
                                                 SpeakingRequest.active.is_(True),
                                                 SpeakingRequest.outcome == rules.ALLOCATED),
                    key=SpeakingRequest.case_key, pool=Application.pool, grp=Application.interest_group,
                    position=SpeakingRequest.position, rid=SpeakingRequest.id, name=Application.name,
                    organisation=Application.organisation)
    queues = _row(SpeakingRequest.outcome, (SpeakingRequest.meeting_id == meeting, joined,
                                            SpeakingRequest.active.is_(True), Application.status == ACTIVE,
                                            Application.pool == rules.ONLINE,
                                            SpeakingRequest.outcome.in_([rules.ALLOCATED, rules.WAITLISTED])),
                  (SpeakingRequest.case_key, SpeakingRequest.outcome), key=SpeakingRequest.case_key, n=func.count())
    seats = _row(Application.outcome, (Application.meeting_id == meeting, Application.status == ACTIVE,
                                       Application.kind == OBSERVE, Application.outcome == rules.GALLERY),
                 (Application.outcome,), n=func.count())
    parts = union_all(speakers, queues, seats).subquery()
    return select(parts).order_by(parts.c.what, parts.c.key, parts.c.pool, parts.c.grp, parts.c.position, parts.c.rid)


def speakers_and_places(meeting, case_ids) -> tuple[list[SpeakerRow], Places]:
    """The meeting page's speakers with a place and its places left (`case_ids`: the cases in order): one statement."""
    speakers, held = [], {}
    for row in db.session.execute(_meeting_statement(), {"meeting_id": meeting.id}):
        if row.what == "speaker":
            speakers.append(SpeakerRow(row.key, row.position, row.name, row.organisation))
        else:
            held[(row.key if row.what != rules.GALLERY else _SEATS, row.what)] = row.n
    keys = list(case_ids) or [0]
    queues = tuple(CasePlaces(number if key else 0,
                              max(meeting.speaker_cap - held.get((key, rules.ALLOCATED), 0), 0),
                              held.get((key, rules.WAITLISTED), 0))
                   for number, key in enumerate(keys, start=1))
    return speakers, Places(queues, max(meeting.gallery_seats - held.get((_SEATS, rules.GALLERY), 0), 0))
