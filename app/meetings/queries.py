"""Read-side queries for the public pages: filtered, paginated, without N+1 loads."""
from dataclasses import dataclass
from datetime import datetime
from math import ceil

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..counties import CODES
from ..extensions import db
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
    for name in ("plan", "page"):
        raw = args.get(name)
        if raw and raw.isdigit() and int(raw) >= 1:
            setattr(filters, name, int(raw))
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
