"""Public plan pages: every plan, and one plan's stage timeline, meetings and materials (P8)."""
from functools import cache

from flask import Blueprint, abort, render_template
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..freshness import canonical_redirect, conditional_page, reads_outside_a_transaction
from ..materials.models import Material
from ..meetings.models import Meeting
from ..rules.participation import PHASES, MeetingFact, participation
from ..rules.periods import announcement_deadline
from ..rules.publication import PUBLIC_STATUSES
from .models import PLAN_STAGES, Plan

bp = Blueprint("plans", __name__)


@bp.get("/plans")
def index():
    """Every plan, national first, then by county (one query)."""
    if moved := canonical_redirect({}):
        return moved
    reads_outside_a_transaction()
    plans = db.session.scalars(select(Plan).options(joinedload(Plan.organizer))
                               .order_by(Plan.county_code.is_not(None), Plan.county_code, Plan.name)).all()
    return conditional_page((plans, [plan.organizer for plan in plans]),
                            lambda: render_template("public/plans.html", plans=plans))


@bp.get("/plans/<int:plan_id>")
def show(plan_id):
    """A plan: where it stands, its statutory periods, its public meetings and materials (3 queries)."""
    if moved := canonical_redirect({}):
        return moved
    reads_outside_a_transaction()
    plan_query, meetings_query, materials_query = _plan_statements()
    plan = db.session.scalars(plan_query, {"plan_id": plan_id}).first()
    if plan is None:
        abort(404)
    meetings = db.session.scalars(meetings_query, {"plan_id": plan.id}).all()
    materials = db.session.scalars(materials_query, {"plan_id": plan.id}).all()
    deadline = announcement_deadline(plan.approval_letter_on) if plan.approval_letter_on else None
    progress = participation(MeetingFact(m.kind, m.phase, m.status) for m in meetings)  # P1, P3, P6
    context = dict(plan=plan, organizer=plan.organizer, meetings=meetings, materials=materials,
                   announcement_deadline=deadline, progress=progress)
    return conditional_page(tuple(context.items()), lambda: render_template(
        "public/plan.html", stages=PLAN_STAGES, phases=PHASES, **context))


@cache
def _plan_statements():
    """The plan page's three statements, built once and run with the plan's id bound."""
    plan_id = bindparam("plan_id")
    return (select(Plan).where(Plan.id == plan_id).options(joinedload(Plan.organizer)),
            select(Meeting).where(Meeting.plan_id == plan_id, Meeting.status.in_(PUBLIC_STATUSES))
            .order_by(Meeting.starts_at.desc()),
            select(Material).where(Material.plan_id == plan_id).order_by(Material.category, Material.id))
