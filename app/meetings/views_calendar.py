"""Calendar files: one meeting's .ics and the subscribable feed, filtered by plan or county."""
import hashlib

from flask import Blueprint, Response, request
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only

from ..calendar import build_calendar
from ..counties import CODES
from ..extensions import db
from ..freshness import canonical_redirect
from ..params import whole_number
from ..plans.models import Plan
from ..rules.publication import PUBLIC_STATUSES
from ..urls import external_url
from .models import Meeting
from .public_pages import public_meeting_or_404

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


@bp.get("/calendar.ics")
def feed():
    """Every public meeting, optionally of one plan or county, as a subscribable feed."""
    # Anything but a known plan and a known county is a redirect to the feed without it, so that a
    # proxy keeps one copy per feed whatever anyone appends (?plan=<random> included).
    plan_id, county = whole_number(request.args.get("plan")), request.args.get("county", "")
    if plan_id and db.session.get(Plan, plan_id) is None:
        plan_id = None
    wanted = {"plan": plan_id} if plan_id else {}
    if county in CODES:
        wanted["county"] = county
    if moved := canonical_redirect(wanted):
        return moved
    query = (select(Meeting).where(Meeting.status.in_(PUBLIC_STATUSES))
             .options(load_only(*FEED_COLUMNS), joinedload(Meeting.plan).load_only(Plan.name))
             .order_by(Meeting.starts_at, Meeting.id))
    if plan_id:
        query = query.where(Meeting.plan_id == plan_id)
    if county in CODES:
        query = query.join(Plan, Plan.id == Meeting.plan_id).where(Plan.county_code == county)
    meetings = db.session.scalars(query).unique().all()
    body = build_calendar(gettext("Land-use planning meetings"), meetings, _meeting_urls())
    return _ics_response(body, "land-use-meetings.ics")
