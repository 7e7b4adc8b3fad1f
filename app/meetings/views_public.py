"""Public pages: the meeting list with shareable filters, and one meeting's page."""
from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from ..counties import COUNTIES
from ..dbtypes import utcnow
from ..extensions import db
from ..materials.models import Material
from ..plans.models import Plan
from ..rules.periods import cancellation_notice_by, registration_state
from .models import Meeting
from .queries import paginate, parse_filters, public_meetings

bp = Blueprint("meetings", __name__)


@bp.get("/meetings")
def index():
    """Meetings filtered by county, plan, kind and time, a page of 20 at a time."""
    filters, ignored = parse_filters(request.args)
    page = paginate(public_meetings(filters, utcnow()), filters.page, current_app.config["MEETINGS_PER_PAGE"])
    plans = db.session.execute(select(Plan.id, Plan.name, Plan.name_en).order_by(Plan.name)).all()
    return render_template("public/meetings.html", page=page, filters=filters, ignored=ignored,
                           plans=plans, counties=COUNTIES)


def public_meeting_or_404(meeting_id: int) -> Meeting:
    """The meeting if the public may see it (drafts are 404)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not meeting.is_public:
        abort(404)
    return meeting


@bp.get("/meetings/<int:meeting_id>")
def show(meeting_id):
    """One meeting: status, time, venue, registration window, agenda, cases, materials."""
    meeting = public_meeting_or_404(meeting_id)
    now = utcnow()
    materials = db.session.scalars(select(Material).where(Material.meeting_id == meeting.id)
                                   .order_by(Material.category, Material.id)).all()
    return render_template(
        "public/meeting.html", meeting=meeting, materials=materials, now=now,
        registration=registration_state(now, meeting.registration_opens_at, meeting.registration_closes_at),
        cancel_by=cancellation_notice_by(meeting.starts_at),
        departures=_current_departures(meeting),
    )


def _current_departures(meeting):
    """Settings that still differ from the profile, each with its latest recorded reason."""
    latest = {d.setting: d for d in meeting.departures}
    profile = meeting.organizer.profile.settings().as_dict()
    return [latest[name] for name, value in meeting.settings().as_dict().items()
            if name in latest and value != profile[name]]
