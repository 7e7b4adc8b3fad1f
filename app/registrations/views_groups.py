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
from ..rules.names import normalise_name
from . import group_names
from .forms_staff import RemoveForm, SameGroupForm
from .groups import alias_map, aliases_of, canonical
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


def _already_one_group(organizer_id: int, form) -> bool:
    """Whether the two typed names already count as one group (folded alike, or marked before)."""
    keys = [normalise_name(form.alias_name.data or ""), normalise_name(form.canonical_name.data or "")]
    if not all(keys):
        return False
    aliases = alias_map(organizer_id)
    return canonical(aliases, keys[0]) == canonical(aliases, keys[1])


@bp.post("/groups")
def mark():
    """Mark two names as one group; the allocation runs again where they hold places (V5, V7)."""
    organizer, form = _organizer(), SameGroupForm()
    if form.validate_on_submit() and _already_one_group(organizer.id, form):
        # Not a mistake to correct: what the clerk wanted already holds, so say so plainly (V5).
        flash(gettext("The portal already counts “%(alias)s” and “%(canonical)s” as one group; there is "
                      "nothing to mark.", alias=form.alias_name.data.strip(),
                      canonical=form.canonical_name.data.strip()), "info")
        return redirect(url_for(".index", organizer=organizer.id if current_user.is_admin else None))
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
