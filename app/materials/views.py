"""Downloading a material (public when its meeting is), and staff attach/remove."""
from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from ..accounts.access import may, require, scoped_or_404
from ..dbtypes import utcnow
from ..extensions import db
from ..formflow import form_status, submit
from ..meetings.models import Meeting
from ..plans.models import Plan
from ..storage import file_store
from .forms import MaterialDetailsForm, MaterialForm
from .models import Material
from .services import attach_material, change_material, remove_material

bp = Blueprint("materials", __name__)


@bp.get("/materials/<int:material_id>/<path:filename>")
def download(material_id, filename):
    """Serve a stored file; a draft meeting's files stay private to its organizer's staff."""
    material = db.session.get(Material, material_id) or abort(404)
    owner = _owner(material)
    if material.stored_name is None or filename != material.original_filename:
        abort(404)
    if isinstance(owner, Meeting) and not owner.is_public:
        scoped_or_404(owner)
    stored = file_store().open(material.stored_name)
    if stored is None:
        abort(404)
    return send_file(stored, mimetype=material.content_type, download_name=material.original_filename,
                     as_attachment=material.content_type not in ("application/pdf", "image/png", "image/jpeg"),
                     etag=material.sha256, conditional=True, last_modified=material.created_at)


def _owner(material):
    if material.meeting_id:
        return db.session.get(Meeting, material.meeting_id)
    return db.session.get(Plan, material.plan_id)


def _owner_or_404(kind: str, owner_id: int):
    model = {"meetings": Meeting, "plans": Plan}.get(kind) or abort(404)
    return scoped_or_404(db.session.get(model, owner_id))


def _back(owner):
    if isinstance(owner, Meeting):
        return url_for("meetings_staff.manage", meeting_id=owner.id)
    if not may(current_user, "plan.manage", owner.organizer_id):  # a secretariat may add documents, not edit the plan
        return url_for("plans_staff.index")
    return url_for("plans_staff.edit", plan_id=owner.id)


@bp.route("/staff/<any(meetings, plans):kind>/<int:owner_id>/materials", methods=["GET", "POST"])
@login_required
def attach(kind, owner_id):
    """Upload a file or add a link to a meeting or plan."""
    owner = _owner_or_404(kind, owner_id)
    require("material.manage", owner.organizer_id)
    form = MaterialForm()
    done, refused = submit(form, lambda: attach_material(
        owner, title=form.title.data, category=form.category.data, upload=form.file.data,
        link_url=form.link_url.data, actor=current_user, now=utcnow()),
        gettext("Material “%(title)s” added.", title=form.title.data), lambda _: _back(owner))
    if done:
        return done
    return render_template("staff/material_form.html", form=form, owner=owner, back=_back(owner)), \
        form_status(form, refused)


@bp.route("/staff/materials/<int:material_id>/edit", methods=["GET", "POST"])
@login_required
def edit(material_id):
    """Change a material's title, category or link address."""
    material = db.session.get(Material, material_id) or abort(404)
    owner = scoped_or_404(_owner(material))
    require("material.manage", owner.organizer_id)
    form = MaterialDetailsForm(obj=material)
    if not material.is_link:
        del form.link_url
    done, refused = submit(form, lambda: change_material(
        material, owner, title=form.title.data, category=form.category.data,
        link_url=form.link_url.data if material.is_link else "", actor=current_user, now=utcnow()),
        gettext("Changes saved."), lambda _: _back(owner))
    if done:
        return done
    return render_template("staff/material_edit.html", form=form, material=material, owner=owner,
                           back=_back(owner)), form_status(form, refused)


@bp.post("/staff/materials/<int:material_id>/delete")
@login_required
def delete(material_id):
    """Remove a material."""
    material = db.session.get(Material, material_id) or abort(404)
    owner = scoped_or_404(_owner(material))
    require("material.manage", owner.organizer_id)
    remove_material(material, owner, actor=current_user, now=utcnow())
    db.session.commit()
    flash(gettext("Material removed."), "success")
    return redirect(_back(owner))
