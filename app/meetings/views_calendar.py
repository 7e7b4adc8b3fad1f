"""Calendar files: one meeting's .ics and the subscribable feed, filtered by plan or county."""
from flask import Blueprint, Response, request
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..calendar import build_calendar
from ..counties import CODES
from ..extensions import db
from ..params import whole_number
from ..plans.models import Plan
from ..rules.publication import PUBLIC_STATUSES
from ..urls import external_url
from .models import Meeting
from .views_public import public_meeting_or_404

bp = Blueprint("calendar", __name__)


def _ics_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _meeting_url(meeting) -> str:
    return external_url("meetings.show", meeting_id=meeting.id)


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id):
    """One meeting as an .ics file to add to a calendar."""
    meeting = public_meeting_or_404(meeting_id)
    body = build_calendar(meeting.title, [meeting], _meeting_url)
    return _ics_response(body, f"meeting-{meeting.id}.ics")


@bp.get("/calendar.ics")
def feed():
    """Every public meeting, optionally of one plan or county, as a subscribable feed."""
    query = (select(Meeting).where(Meeting.status.in_(PUBLIC_STATUSES))
             .options(joinedload(Meeting.plan)).order_by(Meeting.starts_at, Meeting.id))
    plan_id, county = whole_number(request.args.get("plan")), request.args.get("county", "")
    if plan_id:
        query = query.where(Meeting.plan_id == plan_id)
    if county in CODES:
        query = query.join(Plan, Plan.id == Meeting.plan_id).where(Plan.county_code == county)
    meetings = db.session.scalars(query).unique().all()
    body = build_calendar(gettext("Land-use planning meetings"), meetings, _meeting_url)
    return _ics_response(body, "land-use-meetings.ics")
