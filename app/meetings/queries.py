"""Read-side queries for the public pages: filtered, paginated, without N+1 loads."""
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from math import ceil

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from ..counties import CODES
from ..extensions import db
from ..params import MAX_ID, MAX_PAGE, whole_number
from ..plans.models import Plan
from ..rules.publication import PUBLIC_STATUSES
from .models import MEETING_KINDS, Meeting

WHEN = ("upcoming", "past")


@dataclass
class MeetingFilters:
    """The list's filters, as they appear in a shareable URL."""

    county: str | None = None
    plan: int | None = None
    kind: str | None = None
    when: str = "upcoming"
    page: int = 1

    def as_args(self, **override) -> dict:
        """Query parameters for url_for, omitting the defaults."""
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


def public_meetings(filters: MeetingFilters, now: datetime):
    """The select for public meetings matching the filters, in the order people expect."""
    query = select(Meeting).where(Meeting.status.in_(PUBLIC_STATUSES))
    if filters.county:
        query = query.join(Plan, Plan.id == Meeting.plan_id).where(Plan.county_code == filters.county)
    if filters.plan:
        query = query.where(Meeting.plan_id == filters.plan)
    if filters.kind:
        query = query.where(Meeting.kind == filters.kind)
    if filters.when == "past":
        return query.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    return query.where(Meeting.ends_at >= now).order_by(Meeting.starts_at, Meeting.id)


@dataclass
class Page:
    """One page of results and what pagination links need."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, for the empty state)."""
        return max(1, ceil(self.total / self.per_page))


def paginate(query, page: int, per_page: int) -> Page:
    """Run `query` for one page, loading each meeting's plan and organizer in the same query."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(
        query.options(joinedload(Meeting.plan), joinedload(Meeting.organizer))
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(items=list(rows), total=total or 0, page=page, per_page=per_page)


# Fingerprints for the rendered-page cache (views_public.PageCache). Every change to a meeting that
# the public pages show goes through services.touch(), which bumps `sequence` and `updated_at`;
# plans and rule profiles stamp `updated_at`; adding, changing or removing a material stamps its
# meeting's `updated_at` (materials/services.py; their count and highest id are checked as well).
# Each fingerprint is one prepared query, far cheaper than loading and rendering the page. The
# statements are built once (their values are bound per request) and run outside the session's
# transaction: reads in autocommit mode see exactly what READ COMMITTED would, and save the BEGIN
# and ROLLBACK round trips.

def _fingerprint_row(statement, params: dict):
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        return connection.execute(statement, params).first()


@cache
def _list_fingerprint_statement(county: bool, plan: bool, kind: bool):
    now = bindparam("now", type_=Meeting.ends_at.type)
    query = select(
        func.count(Meeting.id), func.count(Meeting.id).filter(Meeting.ends_at >= now),
        # registration windows that have opened and closed by now (the cards say which are open, W1)
        func.count(Meeting.id).filter(Meeting.registration_opens_at <= now),
        func.count(Meeting.id).filter(Meeting.registration_closes_at < now),
        func.sum(Meeting.sequence), func.sum(Meeting.id * Meeting.sequence), func.max(Meeting.updated_at),
        select(func.count(Plan.id)).correlate(None).scalar_subquery(),
        select(func.max(Plan.updated_at)).correlate(None).scalar_subquery(),
    ).where(Meeting.status.in_(PUBLIC_STATUSES))
    if county:
        query = query.join(Plan, Plan.id == Meeting.plan_id).where(Plan.county_code == bindparam("county"))
    if plan:
        query = query.where(Meeting.plan_id == bindparam("plan"))
    if kind:
        query = query.where(Meeting.kind == bindparam("kind"))
    return query


def list_fingerprint(filters: MeetingFilters, now: datetime) -> tuple:
    """What the list page for `filters` depends on, whatever page or time (upcoming/past) it shows.

    The public meetings matching county, plan and kind: how many, how many have not ended yet
    (meetings only move from upcoming to past as time passes), how many registration windows have
    opened and closed (the cards show which are open), and sums of their sequences that
    change whenever one is touched or the set changes; and the plans (names in cards and filters).
    """
    statement = _list_fingerprint_statement(bool(filters.county), bool(filters.plan), bool(filters.kind))
    params = {"now": now, "county": filters.county, "plan": filters.plan, "kind": filters.kind}
    return tuple(_fingerprint_row(statement, params))


def _allocated_speakers_filter(meeting_id):
    from ..registrations.models import SpeakingRequest
    from ..rules.allocation import ALLOCATED
    return (SpeakingRequest.meeting_id == meeting_id, SpeakingRequest.active.is_(True),
            SpeakingRequest.outcome == ALLOCATED)


@cache
def _meeting_fingerprint_statement():
    from ..materials.models import Material
    from ..plans.models import Organizer, RuleProfile
    from ..registrations.models import SpeakingRequest
    allocated = _allocated_speakers_filter(Meeting.id)
    return (
        select(Meeting.status, Meeting.sequence, Meeting.updated_at, Meeting.registration_opens_at,
               Meeting.registration_closes_at, Plan.updated_at, Organizer.name, Organizer.name_en,
               RuleProfile.updated_at,
               select(func.count(Material.id)).where(Material.meeting_id == Meeting.id).scalar_subquery(),
               select(func.max(Material.id)).where(Material.meeting_id == Meeting.id).scalar_subquery(),
               # The public speaker list: who holds which place. Every allocation run, whatever
               # caused it (a confirmation, a cancellation, a decided claim, a new cap), changes
               # the set of (request, position) pairs these sums are taken over.
               select(func.count(SpeakingRequest.id)).where(*allocated).scalar_subquery(),
               select(func.sum(SpeakingRequest.id)).where(*allocated).scalar_subquery(),
               select(func.sum(SpeakingRequest.id * SpeakingRequest.position)).where(*allocated).scalar_subquery(),
               Meeting.starts_at, Meeting.ends_at)
        .join(Plan, Plan.id == Meeting.plan_id).join(Organizer, Organizer.id == Meeting.organizer_id)
        .outerjoin(RuleProfile, RuleProfile.organizer_id == Organizer.id)
        .where(Meeting.id == bindparam("meeting_id"), Meeting.status.in_(PUBLIC_STATUSES)))


def meeting_fingerprint(meeting_id: int) -> tuple | None:
    """What one public meeting's page depends on, or None when the public may not see it.

    The meeting's status, sequence and update time (its agenda, cases, status history and
    departures are only changed through touch()), its registration window (the page says
    whether registration is open), its plan's and organizer's names and profile, its materials,
    and its allocated speakers (the public list of who speaks).
    """
    row = _fingerprint_row(_meeting_fingerprint_statement(), {"meeting_id": meeting_id})
    return None if row is None else tuple(row)


def allocated_speakers(meeting_id: int) -> list:
    """The speakers holding a place (V3–V6), in order per case — online places, then the
    representatives of other channels by shared interest — with case key, position, name and
    organisation only: the public list never loads contact details."""
    from ..registrations.models import Application, SpeakingRequest
    return list(db.session.execute(
        select(SpeakingRequest.case_key, SpeakingRequest.position, Application.name, Application.organisation)
        .join(Application, Application.id == SpeakingRequest.application_id)
        .where(*_allocated_speakers_filter(meeting_id))
        .order_by(SpeakingRequest.case_key, Application.pool, Application.interest_group, SpeakingRequest.position,
                  SpeakingRequest.id)))
