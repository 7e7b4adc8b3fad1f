"""Read-side queries for the public pages: filtered lists and one meeting's page, in a fixed,
small number of statements whatever the number of meetings, agenda items or cases."""
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from math import ceil
from typing import NamedTuple

from sqlalchemy import Integer, Text, bindparam, cast, func, literal_column, null, select, type_coerce, union_all
from sqlalchemy.orm import joinedload, load_only

from ..counties import CODES
from ..dbtypes import UTCDateTime
from ..extensions import db
from ..params import MAX_ID, MAX_PAGE, whole_number
from ..plans.models import Organizer, Plan
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

WHEN = ("upcoming", "past")
FILTER_NAMES = ("county", "plan", "kind", "when", "page")


@dataclass
class MeetingFilters:
    """The list's filters, as they appear in a shareable URL."""

    county: str | None = None
    plan: int | None = None
    kind: str | None = None
    when: str = "upcoming"
    page: int = 1

    def as_args(self, **override) -> dict:
        """Query parameters for url_for, omitting the defaults (in the canonical order, FILTER_NAMES)."""
        values = {"county": self.county, "plan": self.plan, "kind": self.kind, "when": self.when,
                  "page": self.page, **override}
        return {k: v for k, v in values.items()
                if v not in (None, "") and not (k == "when" and v == "upcoming") and not (k == "page" and v == 1)}


def parse_filters(args) -> tuple[MeetingFilters, list[str]]:
    """Filters from query parameters, and the names of any that were not understood (ignored)."""
    filters, ignored = MeetingFilters(), []
    allowed = {"county": CODES, "kind": MEETING_KINDS, "when": WHEN}
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
    return filters, sorted(ignored)


# What a meeting's card shows (_macros/meetings.html): lists load only these columns.
CARD_COLUMNS = (Meeting.kind, Meeting.phase, Meeting.title, Meeting.status, Meeting.status_reason, Meeting.starts_at,
                Meeting.ends_at, Meeting.venue_name, Meeting.registration_opens_at, Meeting.registration_closes_at,
                Meeting.plan_id)


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
    items, count = _list_statements(bool(filters.county), bool(filters.plan), bool(filters.kind),
                                    filters.when == "past")
    values = {"now": now, "county": filters.county, "plan": filters.plan, "kind": filters.kind}
    params = {name: value for name, value in values.items() if value is not None}
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
def _list_statements(county: bool, plan: bool, kind: bool, past: bool):
    """The select of a page of public meetings and the count of all of them, for the filters in use."""
    where = [_is_public(),
             Meeting.ends_at < bindparam("now") if past else Meeting.ends_at >= bindparam("now")]
    if plan:
        where.append(Meeting.plan_id == bindparam("plan"))
    if kind:
        where.append(Meeting.kind == bindparam("kind"))

    def matching(query):
        if county:
            query = query.join(Plan, Plan.id == Meeting.plan_id).where(Plan.county_code == bindparam("county"))
        return query.where(*where)

    order = (Meeting.starts_at.desc(), Meeting.id.desc()) if past else (Meeting.starts_at, Meeting.id)
    items = (matching(select(Meeting)).order_by(*order)
             .options(load_only(*CARD_COLUMNS), joinedload(Meeting.plan).load_only(Plan.name, Plan.name_en))
             .limit(bindparam("limit")).offset(bindparam("offset")))
    count = select(func.count()).select_from(matching(select(Meeting.id)).subquery())
    return items, count


def plan_choices() -> list:
    """Every plan's id and names, for the list's filter."""
    return db.session.execute(select(Plan.id, Plan.name, Plan.name_en).order_by(Plan.name, Plan.id)).all()


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
