"""Organizer settings for staff: the venue-rule profile and the audit log."""
from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.access import require
from ..audit import AuditEntry
from ..audit_sentences import audit_detail_pairs, audit_sentences
from ..dbtypes import utcnow
from ..extensions import db
from ..formflow import form_status, submit
from ..meetings.forms import ProfileForm
from ..params import page_number, whole_number
from ..plans.models import Organizer
from ..plans.services import update_rule_profile

bp = Blueprint("organization", __name__, url_prefix="/staff")
bp.before_request(login_required(lambda: None))
AUDIT_PAGE = 50


def _organizer():
    organizer_id = whole_number(request.args.get("organizer")) if current_user.is_admin else current_user.organizer_id
    organizer = db.session.get(Organizer, organizer_id or 0)
    if organizer is None:
        if current_user.is_admin:
            organizer = db.session.scalars(select(Organizer).order_by(Organizer.id)).first()
        if organizer is None:
            abort(404)
    return organizer


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    """View and change the organizer's venue-rule defaults."""
    organizer = _organizer()
    rule_profile = organizer.profile
    form = ProfileForm(obj=rule_profile)
    if form.is_submitted():
        require("profile.manage", organizer.id)
    done, refused = submit(form, lambda: update_rule_profile(rule_profile, form.data, actor=current_user, now=utcnow()),
                           gettext("The rule profile is saved; meetings created from now on start from it."),
                           lambda _: url_for(".profile", organizer=organizer.id))
    if done:
        return done
    organizers = db.session.scalars(select(Organizer).order_by(Organizer.id)).all() if current_user.is_admin else []
    return render_template("staff/profile.html", form=form, organizer=organizer, organizers=organizers), \
        form_status(form, refused)


@bp.get("/audit")
def audit_log():
    """Who did what and when, newest first, for the organizer (everything for admins)."""
    page = page_number(request.args)
    query = select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    if not current_user.is_admin:
        query = query.where(AuditEntry.organizer_id == current_user.organizer_id)
    entries = db.session.scalars(query.limit(AUDIT_PAGE + 1).offset((page - 1) * AUDIT_PAGE)).all()
    entries, has_next = entries[:AUDIT_PAGE], len(entries) > AUDIT_PAGE
    return render_template("staff/audit.html", entries=entries, sentences=audit_sentences(entries), page=page,
                           details=audit_detail_pairs(entries),
                           has_next=has_next)
