"""Staff pages for plans: list, create, edit (stage and statutory dates)."""
from flask import Blueprint, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts.access import require, scoped_or_404
from ..dbtypes import utcnow
from ..extensions import db
from ..formflow import form_status, submit
from ..materials.models import Material
from .forms import PlanForm
from .models import Plan
from .services import create_plan, update_plan

bp = Blueprint("plans_staff", __name__, url_prefix="/staff/plans")
bp.before_request(login_required(lambda: None))


@bp.get("/")
def index():
    """The plans of the staff member's organizer (all for admins)."""
    query = select(Plan).order_by(Plan.name)
    if not current_user.is_admin:
        query = query.where(Plan.organizer_id == current_user.organizer_id)
    return render_template("staff/plans.html", plans=db.session.scalars(query).all())


def _save(form, plan, save):
    done, refused = submit(form, lambda: save(form.service_data()), gettext("Plan saved."),
                           lambda saved: url_for(".edit", plan_id=saved.id))
    if done:
        return done
    materials = db.session.scalars(select(Material).where(Material.plan_id == plan.id)).all() if plan else []
    return render_template("staff/plan_form.html", form=form, plan=plan, materials=materials), \
        form_status(form, refused)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Create a plan for the staff member's organizer."""
    require("plan.manage", current_user.organizer_id if not current_user.is_admin else None)
    organizer = current_user.organizer
    if organizer is None:  # admins create national plans under the Ministry, the first organizer
        from .models import Organizer
        organizer = db.session.scalars(select(Organizer).order_by(Organizer.id)).first()
    return _save(PlanForm(), None, lambda data: create_plan(organizer, data, actor=current_user, now=utcnow()))


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
def edit(plan_id):
    """Edit a plan's stage, summary and statutory dates."""
    plan = scoped_or_404(db.session.get(Plan, plan_id))
    require("plan.manage", plan.organizer_id)
    form = PlanForm(obj=plan)
    if not form.is_submitted():
        form.county_code.data = plan.county_code or ""
    return _save(form, plan, lambda data: update_plan(plan, data, actor=current_user, now=utcnow()))
