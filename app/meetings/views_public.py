"""Public pages: the meeting list with shareable filters, and one meeting's page.

Each page loads everything it shows in a fixed number of queries (the list 3, a meeting 4), then
answers a conditional GET from those values (app/freshness.py) before rendering anything.
"""
from functools import cache

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import bindparam, select

from ..counties import COUNTIES
from ..dbtypes import utcnow
from ..extensions import db
from ..freshness import canonical_redirect, conditional_page, reads_outside_a_transaction
from ..materials.models import Material
from ..registrations.queries_public import allocated_speakers
from ..rules.names import mask_name
from ..rules.periods import cancellation_notice_by
from .queries import current_departures, meeting_page, parse_filters, plan_choices, public_meeting_page

bp = Blueprint("meetings", __name__)


@bp.get("/meetings")
def index():
    """Meetings filtered by county, plan, kind and time, a page of 20 at a time."""
    filters, ignored = parse_filters(request.args)
    if not ignored and (moved := canonical_redirect(filters.as_args())):
        return moved
    reads_outside_a_transaction()
    now = utcnow()
    page = public_meeting_page(filters, now, current_app.config["MEETINGS_PER_PAGE"])
    plans = plan_choices()
    # The cards say whether registration is open: that moves with the clock, the rows do not.
    states = [m.registration_at(now) for m in page.items]
    return conditional_page(
        (page.items, page.total, plans, states, filters.as_args()),
        lambda: render_template("public/meetings.html", page=page, filters=filters, ignored=ignored, plans=plans,
                                counties=COUNTIES, now=now),
        cacheable=not ignored)  # a notice about this visitor's own address: stored by no one


@bp.get("/meetings/<int:meeting_id>")
def show(meeting_id):
    """One meeting: status, time, venue, registration window, agenda, cases, speakers, materials."""
    if moved := canonical_redirect({}):
        return moved
    reads_outside_a_transaction()
    now = utcnow()
    data = meeting_page(meeting_id) or abort(404)
    meeting = data.meeting
    materials = db.session.scalars(_materials_statement(), {"meeting_id": meeting.id}).all()
    speakers = public_speakers(data.cases, meeting.title, allocated_speakers(meeting.id))
    context = dict(meeting=meeting, agenda=data.agenda, cases=data.cases, history=data.history,
                   attendance=data.attendance, departures=current_departures(data), materials=materials,
                   speakers=speakers, registration=meeting.registration_at(now),
                   cancel_by=cancellation_notice_by(meeting.starts_at), started=now >= meeting.starts_at,
                   ended=now >= meeting.ends_at, plan=meeting.plan, organizer=meeting.organizer)
    return conditional_page(tuple(context.items()), lambda: render_template("public/meeting.html", now=now, **context))


@cache
def _materials_statement():
    """A meeting's materials, built once and run with its id bound."""
    return (select(Material).where(Material.meeting_id == bindparam("meeting_id"))
            .order_by(Material.category, Material.id))


def public_speakers(cases, meeting_title: str, rows) -> list[tuple[str, list]]:
    """Each case's allocated speakers as the public sees them: (case title, [(position, masked name,
    organisation)]), in the cases' order. Never an e-mail address, phone or village."""
    by_case = {}
    for row in rows:
        by_case.setdefault(row.case_key, []).append((row.position, mask_name(row.name), row.organisation))
    titles = [(case.id, case.title) for case in cases] or [(0, meeting_title)]
    return [(title, by_case[key]) for key, title in titles if key in by_case]
