"""Read-side queries for the public pages: filtered lists and one meeting's page, in a fixed,
small number of statements whatever the number of meetings, agenda items or cases."""
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from math import ceil
from typing import NamedTuple

from sqlalchemy import (
    Integer,
    Text,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import joinedload, load_only

from ..counties import CODES
from ..dbtypes import UTCDateTime
from ..extensions import db
from ..params import MAX_ID, MAX_PAGE, whole_number
from ..plans.models import Organizer, Plan
from ..rules.names import clean_text, fold_chinese
from ..rules.publication import PUBLIC_STATUSES
from .models import (
    MEETING_KINDS,
    AgendaItem,
    Meeting,
    MeetingStatusChange,
    ReviewCase,
    RuleDeparture,
    SuggestedAttendance,
)

WHEN = ("upcoming", "past", "all")
VIEWS = ("cards", "table")
FILTER_NAMES = ("county", "plan", "kind", "when", "q", "view", "page")
MAX_QUERY = 50  # characters of a keyword search
# Taiwan writes 臺 and 台 alike: both the text searched and the words sought are folded to 台.
_TAI = ("臺", "台")


@dataclass
class MeetingFilters:
    """The list's filters, as they appear in a shareable URL."""

    county: str | None = None
    plan: int | None = None
    kind: str | None = None
    when: str = "upcoming"
    q: str = ""
    view: str = "cards"
    page: int = 1

    def as_args(self, **override) -> dict:
        """Query parameters for url_for, omitting the defaults (in the canonical order, FILTER_NAMES)."""
        values = {"county": self.county, "plan": self.plan, "kind": self.kind, "when": self.when, "q": self.q,
                  "view": self.view, "page": self.page, **override}
        defaults = {"when": "upcoming", "view": "cards", "page": 1}
        return {k: v for k, v in values.items() if v not in (None, "") and defaults.get(k) != v}

    @property
    def search_words(self) -> list[str]:
        """The keywords as LIKE patterns: Simplified folded to Traditional, 臺 as 台, wildcards escaped."""
        return [f"%{_escape_like(word)}%" for word in fold_chinese(self.q).replace(*_TAI).split()]


def parse_filters(args) -> tuple[MeetingFilters, list[str]]:
    """Filters from query parameters, and the names of any that were not understood (ignored)."""
    filters, ignored = MeetingFilters(), []
    allowed = {"county": CODES, "kind": MEETING_KINDS, "when": WHEN, "view": VIEWS}
    for name, values in allowed.items():
        raw = args.get(name)
        if raw and raw in values:
            setattr(filters, name, raw)
        elif raw:
            ignored.append(name)
    for name, limit in (("plan", MAX_ID), ("page", MAX_PAGE)):
        raw, number = args.get(name), whole_number(args.get(name), limit=limit)
        if number:
            setattr(filters, name, number)
        elif raw:
            ignored.append(name)
    query = " ".join(clean_text(args.get("q", "")).split())
    if len(query) > MAX_QUERY:
        ignored.append("q")
    else:
        filters.q = query
    return filters, sorted(ignored)


# What a meeting's card shows (_macros/meetings.html): lists load only these columns.
CARD_COLUMNS = (Meeting.kind, Meeting.phase, Meeting.title, Meeting.status, Meeting.status_reason, Meeting.starts_at,
                Meeting.ends_at, Meeting.venue_name, Meeting.registration_opens_at, Meeting.registration_closes_at,
                Meeting.plan_id, Meeting.speaker_cap, Meeting.gallery_seats)


@dataclass
class ListPage:
    """One page of a meeting list: what the templates read of Flask-SQLAlchemy's Pagination."""

    items: list[Meeting]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """The number of pages (0 when nothing matches)."""
        return ceil(self.total / self.per_page) if self.total else 0


def public_meeting_page(filters: MeetingFilters, now: datetime, per_page: int) -> ListPage:
    """The page of public meetings `filters` asks for (past the last page: no meetings), in the
    order people expect, with the columns their cards show and each one's plan names, and the
    number of matching meetings: two statements."""
    words = filters.search_words
    items, count = _list_statements(bool(filters.county), bool(filters.plan), bool(filters.kind), filters.when,
                                    len(words))
    values = {"now": now, "county": filters.county, "plan": filters.plan, "kind": filters.kind,
              **{f"word{i}": word for i, word in enumerate(words)}}
    params = {name: value for name, value in values.items() if value is not None}
    if filters.when == "all":
        del params["now"]
    total = db.session.execute(count, params).scalar_one()
    meetings = db.session.scalars(items, {**params, "limit": per_page,
                                          "offset": (filters.page - 1) * per_page}).all()
    return ListPage(meetings, total, filters.page, per_page)


def _is_public():
    """Meeting.status among the public statuses, written into the SQL as constants (they are code,
    plain words): an IN of bound values is re-expanded at every execution, some 60 µs each time."""
    assert all(status.isidentifier() for status in PUBLIC_STATUSES)
    return Meeting.status.in_([literal_column(f"'{status}'") for status in PUBLIC_STATUSES])


# A list's statements are built once per combination of filters and run with their values bound:
# building them (and their cache keys) cost more CPU than PostgreSQL spends answering them.
@cache
def _list_statements(county: bool, plan: bool, kind: bool, when: str, words: int):
    """The select of a page of public meetings and the count of all of them, for the filters in use."""
    where = [_is_public()]
    if when != "all":
        where.append(Meeting.ends_at < bindparam("now") if when == "past" else Meeting.ends_at >= bindparam("now"))
    where += [matches_word(bindparam(f"word{i}")) for i in range(words)]
    if plan:
        where.append(Meeting.plan_id == bindparam("plan"))
    if kind:
        where.append(Meeting.kind == bindparam("kind"))

    def matching(query):
        if county or words:
            query = query.join(Plan, Plan.id == Meeting.plan_id)
        if county:
            query = query.where(Plan.county_code == bindparam("county"))
        return query.where(*where)

    order = (Meeting.starts_at, Meeting.id) if when == "upcoming" else (Meeting.starts_at.desc(), Meeting.id.desc())
    items = (matching(select(Meeting)).order_by(*order)
             .options(load_only(*CARD_COLUMNS),
                      joinedload(Meeting.plan).load_only(Plan.name, Plan.name_en, Plan.county_code))
             .limit(bindparam("limit")).offset(bindparam("offset")))
    count = select(func.count()).select_from(matching(select(Meeting.id)).subquery())
    return items, count


def _escape_like(word: str) -> str:
    """The word with LIKE's wildcards (and the escape character) taken literally."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches_word(word):
    """A meeting whose title, summary, venue or plan name matches the pattern `word` (%…%: Chinese has no
    spaces between words, so 農地 is found inside 農地資源; LIKE works alike on SQLite and PostgreSQL)."""
    texts = (Meeting.title, Meeting.summary, Meeting.venue_name, Meeting.venue_address, Plan.name, Plan.name_en)
    return or_(*(func.replace(text, *_TAI).ilike(word, escape="\\") for text in texts))


def plan_choices() -> list:
    """Every plan's id, names and county, for the list's filter (and its ETag: the cards show the county)."""
    return db.session.execute(select(Plan.id, Plan.name, Plan.name_en, Plan.county_code)
                              .order_by(Plan.name, Plan.id)).all()


class AgendaLine(NamedTuple):
    """A timed agenda item as the page shows it (W2)."""

    starts_at: datetime
    ends_at: datetime
    title: str
    presenter: str


class CaseLine(NamedTuple):
    """A case under review and its comment budget (V11)."""

    id: int
    title: str
    summary: str
    comment_minutes: int


class StatusLine(NamedTuple):
    """One publish, postponement or cancellation, with its public reason (W5)."""

    at: datetime
    to_status: str
    reason: str
    previous_starts_at: datetime | None
    new_starts_at: datetime | None


class DepartureLine(NamedTuple):
    """A setting that departs from the organizer's rule profile, and why."""

    setting: str
    reason: str
    profile_value: int
    value: int


class AttendanceLine(NamedTuple):
    """An invited agency and how many it is asked to send (W3)."""

    agency: str
    unit: str
    subtopics: str
    seats: int


@dataclass
class MeetingPage:
    """What a public meeting page shows of the meetings package: the meeting with its plan,
    organizer and rule profile, and its agenda, cases, status history, departures and attendance."""

    meeting: Meeting
    agenda: list[AgendaLine]
    cases: list[CaseLine]
    history: list[StatusLine]
    departures: list[DepartureLine]
    attendance: list[AttendanceLine]


# The page's statements are built once and run with the meeting's id bound: building a SELECT of
# five UNIONed parts costs more CPU than PostgreSQL spends answering it.

@cache
def _public_meeting_statement():
    return (select(Meeting).where(Meeting.id == bindparam("meeting_id"), _is_public())
            .options(joinedload(Meeting.plan), joinedload(Meeting.organizer).joinedload(Organizer.profile)))


def public_meeting(meeting_id: int) -> Meeting | None:
    """The public meeting with its plan, organizer and rule profile (one query), or None."""
    return db.session.scalars(_public_meeting_statement(), {"meeting_id": meeting_id}).first()


def meeting_page(meeting_id: int) -> MeetingPage | None:
    """The meeting page's data in two statements (the meeting, then every part of it), or None
    when the public may not see the meeting."""
    meeting = public_meeting(meeting_id)
    if meeting is None:
        return None
    lines = {"agenda": [], "case": [], "status": [], "departure": [], "attendance": []}
    for row in db.session.execute(_parts_query(), {"meeting_id": meeting.id}):
        lines[row.kind].append(row)
    return MeetingPage(
        meeting=meeting,
        agenda=[AgendaLine(r.t1, r.t2, r.a, r.b) for r in lines["agenda"]],
        cases=[CaseLine(r.id, r.a, r.b, r.n1) for r in lines["case"]],
        history=[StatusLine(r.t1, r.a, r.b, r.t2, r.t3) for r in lines["status"]],
        departures=[DepartureLine(r.a, r.b, r.n1, r.n2) for r in lines["departure"]],
        attendance=[AttendanceLine(r.a, r.b, r.c, r.n1) for r in lines["attendance"]],
    )


_PART_COLUMNS = {"a": Text(), "b": Text(), "c": Text(), "t1": UTCDateTime(), "t2": UTCDateTime(),
                 "t3": UTCDateTime(), "n1": Integer(), "n2": Integer()}


def _part(kind: str, model, position, **columns):
    """One table's rows of a meeting in the shape every part shares (see _parts_query). Missing
    columns are typed NULLs; present ones are only re-typed in Python (SQLite's CAST would turn a
    stored timestamp into a number)."""
    values = [(type_coerce(columns[name], type_) if name in columns else cast(null(), type_)).label(name)
              for name, type_ in _PART_COLUMNS.items()]
    return select(literal_column(f"'{kind}'").label("kind"), model.id.label("id"), position.label("position"),
                  *values).where(model.meeting_id == bindparam("meeting_id"))


@cache
def _parts_query():
    """Agenda items, cases, status changes, departures and suggested attendance of one meeting in
    one UNION ALL: a page needs them all, and one round trip beats five."""
    parts = union_all(
        _part("agenda", AgendaItem, AgendaItem.position, a=AgendaItem.title, b=AgendaItem.presenter,
              t1=AgendaItem.starts_at, t2=AgendaItem.ends_at),
        _part("case", ReviewCase, ReviewCase.position, a=ReviewCase.title, b=ReviewCase.summary,
              n1=ReviewCase.comment_minutes),
        _part("status", MeetingStatusChange, MeetingStatusChange.id, a=MeetingStatusChange.to_status,
              b=MeetingStatusChange.reason, t1=MeetingStatusChange.at, t2=MeetingStatusChange.previous_starts_at,
              t3=MeetingStatusChange.new_starts_at),
        _part("departure", RuleDeparture, RuleDeparture.id, a=RuleDeparture.setting, b=RuleDeparture.reason,
              n1=RuleDeparture.profile_value, n2=RuleDeparture.value),
        _part("attendance", SuggestedAttendance, SuggestedAttendance.id, a=SuggestedAttendance.agency,
              b=SuggestedAttendance.unit, c=SuggestedAttendance.subtopics, n1=SuggestedAttendance.seats),
    ).subquery()
    return select(parts).order_by(parts.c.kind, parts.c.position, parts.c.id)


def current_departures(page: MeetingPage) -> list[DepartureLine]:
    """Settings that still differ from the organizer's profile, each with its latest recorded reason."""
    latest = {d.setting: d for d in page.departures}
    profile = page.meeting.organizer.profile.settings().as_dict()
    return [latest[name] for name, value in page.meeting.settings().as_dict().items()
            if name in latest and value != profile[name]]
