"""Public pages: the meeting list with shareable filters, and one meeting's page.

Each page loads everything it shows in a fixed number of queries (the list 3, with places left 4; a
meeting 4), then
answers a conditional GET from those values (app/freshness.py) before rendering anything.
"""
from datetime import date
from functools import cache
from itertools import groupby

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import bindparam, or_, select

from ..counties import COUNTIES
from ..dbtypes import utcnow
from ..extensions import db
from ..freshness import canonical_redirect, conditional_page, reads_outside_a_transaction
from ..materials.models import Material
from ..registrations.places import places_left, speakers_and_places
from ..registrations.queries_public import allocated_speakers
from ..rules.names import mask_name
from ..rules.periods import cancellation_notice_by
from ..rules.publication import CANCELLED
from ..timefmt import to_local
from .queries import current_departures, meeting_page, parse_filters, plan_choices, public_meeting_page

bp = Blueprint("meetings", __name__)


def shows_places(meeting, now) -> bool:
    """Whether a page tells how many places are left: registration online, meeting neither held nor cancelled."""
    return (meeting.registration_opens_at is not None and meeting.status != CANCELLED
            and now < meeting.starts_at)


@bp.get("/meetings")
def index():
    """Meetings filtered by county, plan, kind, time and keywords, as cards or a table by month, 20 at a time."""
    filters, ignored = parse_filters(request.args)
    if not ignored and (moved := canonical_redirect(filters.as_args())):
        return moved
    reads_outside_a_transaction()
    now = utcnow()
    page = public_meeting_page(filters, now, current_app.config["MEETINGS_PER_PAGE"])
    plans = plan_choices()
    # The cards say whether registration is open: that moves with the clock, the rows do not.
    states = [m.registration_at(now) for m in page.items]
    places = places_left([m for m in page.items if shows_places(m, now)])
    return conditional_page(
        (page.items, page.total, plans, states, places, filters.as_args()),
        lambda: render_template("public/meetings.html", page=page, filters=filters, ignored=ignored, plans=plans,
                                counties=COUNTIES, now=now, places=places,
                                months=by_month(page.items) if filters.view == "table" else []),
        cacheable=not ignored)  # a notice about this visitor's own address: stored by no one


def by_month(meetings) -> list[tuple[date, list]]:
    """The meetings grouped by the month (its first day) of their Taipei start, in the list's order."""
    def month(meeting):
        return to_local(meeting.starts_at).date().replace(day=1)
    return [(key, list(group)) for key, group in groupby(meetings, key=month)]


@bp.get("/meetings/<int:meeting_id>")
def show(meeting_id):
    """One meeting: status, time, venue, places left, agenda, cases, speakers, its and its plan's documents."""
    if moved := canonical_redirect({}):
        return moved
    reads_outside_a_transaction()
    now = utcnow()
    data = meeting_page(meeting_id) or abort(404)
    meeting = data.meeting
    documents = db.session.scalars(_materials_statement(), {"meeting_id": meeting.id, "plan_id": meeting.plan_id})
    materials, plan_documents = [], []
    for document in documents:
        (materials if document.meeting_id else plan_documents).append(document)
    if shows_places(meeting, now):  # the speakers and the places left in one statement
        rows, places = speakers_and_places(meeting, [case.id for case in data.cases])
    else:
        rows, places = allocated_speakers(meeting.id), None
    speakers = public_speakers(data.cases, meeting.title, rows)
    context = dict(meeting=meeting, agenda=data.agenda, cases=data.cases, history=data.history,
                   attendance=data.attendance, departures=current_departures(data), materials=materials,
                   plan_documents=plan_documents, speakers=speakers, places=places,
                   registration=meeting.registration_at(now),
                   cancel_by=cancellation_notice_by(meeting.starts_at), started=now >= meeting.starts_at,
                   ended=now >= meeting.ends_at, plan=meeting.plan, organizer=meeting.organizer)
    return conditional_page(tuple(context.items()), lambda: render_template("public/meeting.html", now=now, **context))


@cache
def _materials_statement():
    """A meeting's materials and its plan's documents, built once and run with the ids bound."""
    return (select(Material).where(or_(Material.meeting_id == bindparam("meeting_id"),
                                       Material.plan_id == bindparam("plan_id")))
            .order_by(Material.category, Material.id))


def public_speakers(cases, meeting_title: str, rows) -> list[tuple[str, list]]:
    """Each case's allocated speakers as the public sees them: (case title, [(position, masked name,
    organisation)]), in the cases' order. Never an e-mail address, phone or village."""
    by_case = {}
    for row in rows:
        by_case.setdefault(row.case_key, []).append((row.position, mask_name(row.name), row.organisation))
    titles = [(case.id, case.title) for case in cases] or [(0, meeting_title)]
    return [(title, by_case[key]) for key, title in titles if key in by_case]
