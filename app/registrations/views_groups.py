"""Staff: group names that name one group (V5, V7), marked for their organizer."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts.access import require
from ..dbtypes import utcnow
from ..extensions import db
from ..formflow import form_status, submit
from ..params import whole_number
from ..plans.models import Organizer
from . import group_names
from .forms_staff import RemoveForm, SameGroupForm
from .groups import aliases_of
from .models import GroupAlias

bp = Blueprint("groups", __name__, url_prefix="/staff")
bp.before_request(login_required(lambda: None))


def _organizer() -> Organizer:
    """The organizer whose names are shown: the staff member's own; an admin chooses (?organizer=)."""
    require("registration.manage")
    chosen = whole_number(request.values.get("organizer")) if current_user.is_admin else None
    organizer_id = chosen or current_user.organizer_id
    if organizer_id is None and current_user.is_admin:
        organizer_id = db.session.scalar(select(Organizer.id).order_by(Organizer.id).limit(1))
    organizer = db.session.get(Organizer, organizer_id) if organizer_id else None
    if organizer is None:
        abort(404)
    require("registration.manage", organizer.id)
    return organizer


def _page(organizer, form, status=200):
    organizers = db.session.scalars(select(Organizer).order_by(Organizer.id)).all() if current_user.is_admin else []
    return render_template("desk/groups.html", organizer=organizer, organizers=organizers, form=form,
                           aliases=aliases_of(organizer.id), remove_form=RemoveForm(formdata=None)), status


@bp.get("/groups")
def index():
    """The names staff marked as one group, and the form to mark two more (V5, V7)."""
    return _page(_organizer(), SameGroupForm(formdata=None))


@bp.post("/groups")
def mark():
    """Mark two names as one group; the allocation runs again where they hold places (V5, V7)."""
    organizer, form = _organizer(), SameGroupForm()
    done, refused = submit(form, lambda: group_names.mark_same_group(
        organizer.id, form.alias_name.data or "", form.canonical_name.data or "", actor=current_user, now=utcnow()),
        gettext("The two names now count as one group."),
        lambda _: url_for(".index", organizer=organizer.id if current_user.is_admin else None))
    return done or _page(organizer, form, form_status(form, refused))


@bp.post("/groups/<int:alias_id>/remove")
def remove(alias_id):
    """Undo one alias: the name counts as a group of its own again."""
    alias = db.session.get(GroupAlias, alias_id) or abort(404)
    require("registration.manage")
    if not (current_user.is_admin or current_user.organizer_id == alias.organizer_id):
        abort(404)
    if not RemoveForm().validate_on_submit():
        abort(400)
    organizer_id = alias.organizer_id
    group_names.unmark_same_group(alias, actor=current_user, now=utcnow())
    db.session.commit()
    flash(gettext("The name counts as a group of its own again."), "success")
    return redirect(url_for(".index", organizer=organizer_id if current_user.is_admin else None))
