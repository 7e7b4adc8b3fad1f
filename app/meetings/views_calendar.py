"""Calendar files: one meeting's .ics and the subscribable feed, filtered as the meeting list is
(county, plan, kind of meeting, keywords) and named after its filters; a page that explains subscribing."""
import hashlib

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only

from ..calendar import build_calendar
from ..counties import CODES
from ..extensions import db
from ..freshness import canonical_redirect
from ..labels import LABELS
from ..plans.models import Plan
from ..rules.publication import PUBLIC_STATUSES
from ..urls import external_url
from .models import MEETING_KINDS, Meeting
from .public_pages import county_name, public_meeting_or_404
from .queries import MeetingFilters, matches_word, parse_filters

bp = Blueprint("calendar", __name__)
# What an event shows (app/calendar.py): the feed loads only these columns of 2,000 meetings.
FEED_COLUMNS = (Meeting.uid, Meeting.sequence, Meeting.updated_at, Meeting.created_at, Meeting.starts_at,
                Meeting.ends_at, Meeting.title, Meeting.status, Meeting.status_reason, Meeting.summary,
                Meeting.kind, Meeting.venue_name, Meeting.venue_address, Meeting.plan_id)


def _ics_response(body: bytes, filename: str) -> Response:
    """The file, with an ETag of its bytes: a calendar program polling an unchanged feed gets a 304."""
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)


def _meeting_url(meeting) -> str:
    return external_url("meetings.show", meeting_id=meeting.id)


def _meeting_urls():
    """A function giving each meeting's page address, built once under PUBLIC_BASE_URL (not once per meeting)."""
    prefix = external_url("meetings.show", meeting_id=1).removesuffix("1")
    return lambda meeting: f"{prefix}{meeting.id}"


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id):
    """One meeting as an .ics file to add to a calendar."""
    if moved := canonical_redirect({}):
        return moved
    meeting = public_meeting_or_404(meeting_id)
    body = build_calendar(meeting.title, [meeting], _meeting_url)
    return _ics_response(body, f"meeting-{meeting.id}.ics")


@bp.get("/calendar")
def subscribe():
    """How to subscribe to the meetings in a calendar program, with the feed's addresses."""
    if moved := canonical_redirect({}):
        return moved
    return render_template("public/calendar.html")


@bp.get("/calendar.ics")
def feed():
    """Every public meeting, optionally of one county, plan or kind, or holding keywords, as a subscribable feed."""
    # Anything but a known plan, county and kind and a usable search is a redirect to the feed
    # without it, so that a proxy keeps one copy per feed whatever anyone appends (?plan=<random> included).
    filters, _ignored = parse_filters(request.args)
    plan = db.session.get(Plan, filters.plan) if filters.plan else None
    wanted = {name: value for name, value in (("county", filters.county), ("plan", plan and plan.id),
                                             ("kind", filters.kind), ("q", filters.q)) if value}
    if moved := canonical_redirect(wanted):
        return moved
    query = (select(Meeting).where(Meeting.status.in_(PUBLIC_STATUSES))
             .options(load_only(*FEED_COLUMNS), joinedload(Meeting.plan).load_only(Plan.name))
             .order_by(Meeting.starts_at, Meeting.id))
    if plan:
        query = query.where(Meeting.plan_id == plan.id)
    if filters.kind in MEETING_KINDS:
        query = query.where(Meeting.kind == filters.kind)
    if filters.county in CODES or filters.q:
        query = query.join(Plan, Plan.id == Meeting.plan_id)
    if filters.county in CODES:
        query = query.where(Plan.county_code == filters.county)
    query = query.where(*(matches_word(word) for word in filters.search_words))
    meetings = db.session.scalars(query).unique().all()
    body = build_calendar(feed_name(filters, plan), meetings, _meeting_urls())
    return _ics_response(body, "land-use-meetings.ics")


def feed_name(filters: MeetingFilters, plan) -> str:
    """The feed's name in a calendar program, after its filters: 宜蘭縣 · 公聽會 (item 9)."""
    parts = [county_name(filters.county), plan.name if plan else "",
             str(LABELS["kind"][filters.kind]) if filters.kind else "", f"「{filters.q}」" if filters.q else ""]
    named = " · ".join(part for part in parts if part)
    return named or gettext("Land-use planning meetings")
