"""Administrators manage staff accounts: invite, change roles, disable and enable, reset two-factor."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..dbtypes import utcnow
from ..extensions import db
from ..formflow import form_status, refuse, submit
from ..plans.models import Organizer
from ..violations import RuleViolation
from . import team, two_factor
from .access import require
from .forms import InviteForm, RoleForm
from .invitations import invite_staff, open_invitations, withdraw
from .models import StaffInvitation, User

bp = Blueprint("team", __name__, url_prefix="/accounts")


@bp.before_request
@login_required
def only_admins():
    """Every page here is for administrators (403 for other staff)."""
    require("staff.manage")


def _me():
    return current_user._get_current_object()


def _organizers():
    return db.session.scalars(select(Organizer).order_by(Organizer.id)).all()


def _organizer(form):
    return db.session.get(Organizer, form.organizer_id.data) if form.organizer_id.data else None


def _account(user_id) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _not_own(user: User):
    # Nobody changes their own role or disables themselves: another administrator must (403).
    if user.id == current_user.id:
        abort(403)


@bp.get("/")
def index():
    """Every staff account, and the invitations not yet used."""
    users = db.session.scalars(select(User).options(joinedload(User.organizer))
                               .order_by(User.active.desc(), User.role, User.name)).all()
    return render_template("staff/accounts.html", users=users, invitations=open_invitations(now=utcnow()))


@bp.route("/invite", methods=["GET", "POST"])
def invite():
    """Invite someone by e-mail; the link sets their password."""
    form = InviteForm(role="secretariat")  # the least surprising choice: an administrator is invited on purpose
    form.set_organizers(_organizers())
    done, refused = submit(form, lambda: invite_staff(email=form.email.data, name=form.name.data,
                                                      role=form.role.data, organizer=_organizer(form),
                                                      actor=_me(), now=utcnow()),
                           gettext("The invitation is on its way; its link works once, for three days."),
                           lambda _: url_for(".index"))
    return done or (render_template("staff/account_invite.html", form=form), form_status(form, refused))


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id):
    """An account: its role and organizer, and the actions on it."""
    user = _account(user_id)
    form = RoleForm(obj=user, organizer_id=user.organizer_id or 0)
    form.set_organizers(_organizers())
    if form.is_submitted():
        _not_own(user)
    done, refused = submit(form, lambda: team.change_role(user, role=form.role.data, organizer=_organizer(form),
                                                          actor=_me(), now=utcnow()),
                           gettext("The account's role is saved."), lambda _: url_for(".edit", user_id=user.id))
    return done or (render_template("staff/account_edit.html", form=form, user=user), form_status(form, refused))


def _act(user_id, action, message):
    user = _account(user_id)
    _not_own(user)
    try:
        action(user)
    except RuleViolation as violation:
        refuse(None, violation)
        return redirect(url_for(".edit", user_id=user.id))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".edit", user_id=user.id))


@bp.post("/<int:user_id>/disable")
def disable(user_id):
    """Disable the account: it is signed out everywhere at once and cannot sign in."""
    return _act(user_id, lambda u: team.disable(u, actor=_me(), now=utcnow()),
                gettext("The account is disabled and signed out everywhere."))


@bp.post("/<int:user_id>/enable")
def enable(user_id):
    """Let a disabled account sign in again."""
    return _act(user_id, lambda u: team.enable(u, actor=_me(), now=utcnow()),
                gettext("The account can sign in again."))


@bp.post("/<int:user_id>/reset-two-factor")
def reset_two_factor(user_id):
    """Clear the account's two-factor secret (a lost phone); administrators then set it up again."""
    return _act(user_id, lambda u: two_factor.reset(u, actor=_me(), now=utcnow()),
                gettext("Two-factor sign-in is reset for this account."))


@bp.post("/invitations/<int:invitation_id>/withdraw")
def withdraw_invitation(invitation_id):
    """Make an invitation's link stop working."""
    invitation = db.session.get(StaffInvitation, invitation_id) or abort(404)
    withdraw(invitation, actor=_me(), now=utcnow())
    db.session.commit()
    flash(gettext("The invitation is withdrawn; its link no longer works."), "success")
    return redirect(url_for(".index"))
