"""Staff sign-in (password, then a code when two-factor sign-in is on), sign-out, the password
change and the invitation link; every step that checks a secret is rate-limited."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, logout_user

from ..dbtypes import utcnow
from ..extensions import db, limiter
from ..formflow import form_status, refuse, submit
from ..requestlog import security_event
from ..rules import Problem
from ..violations import RuleViolation, message_for
from ..web import safe_next
from .forms import CodeForm, LoginForm, PasswordChangeForm, SetPasswordForm
from .invitations import InvitationUnusable, accept_invitation, find_invitation
from .models import StaffSession, User
from .services import authenticate, change_password, record_sign_in
from .sessions import current_session, drop_pending, end_session, pending_session, sign_in, start_pending
from .two_factor import accept_code
from .views_security import bp as security_bp
from .views_team import bp as team_bp

bp = Blueprint("accounts", __name__, url_prefix="/staff")
bp.register_blueprint(security_bp)
bp.register_blueprint(team_bp)

PENDING = "pending_sign_in"  # in the session between the password and the code: a pending row's key, next page
# What an administrator without two-factor sign-in may still open: the set-up itself and the way out.
OPEN_BEFORE_TWO_FACTOR = {"accounts.logout", "accounts.security.two_factor", "accounts.security.two_factor_start",
                          "accounts.security.two_factor_confirm", "static", "public.set_language"}


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.before_app_request
def admins_set_up_two_factor_first():
    """Administrators must use two-factor sign-in: until they have set it up, every page leads there."""
    if "_user_id" not in session or request.endpoint in OPEN_BEFORE_TWO_FACTOR:
        return None
    if current_user.is_authenticated and current_user.is_admin and not current_user.has_two_factor:
        return redirect(url_for("accounts.security.two_factor"))
    return None


def _complete_sign_in(user: User, next_url: str):
    now = utcnow()
    record_sign_in(user, now=now)
    sign_in(user, now=now)  # a new session: nothing of the signed-out one (its CSRF secret) carries over
    db.session.commit()
    flash(gettext("Signed in as %(name)s.", name=user.name), "success")
    return redirect(next_url)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Sign in with e-mail and password (then a code, for accounts with two-factor sign-in)."""
    if current_user.is_authenticated:
        return redirect(url_for("meetings_staff.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            next_url = safe_next(request.args.get("next"), url_for("meetings_staff.dashboard"))
            if not user.has_two_factor:
                return _complete_sign_in(user, next_url)
            session.clear()  # the password alone signs nobody in: a pending row on the server, 5 minutes
            session[PENDING] = {"key": start_pending(user, now=utcnow()), "next": next_url}
            db.session.commit()
            return redirect(url_for(".code"))
        security_event("sign_in_failed", step="password")
        form.password.errors.append(gettext("That e-mail and password do not match an active staff account."))
    return render_template("staff/login.html", form=form), (401 if form.errors else 200)


def _pending_user() -> tuple[StaffSession, str] | None:
    pending = session.get(PENDING)
    record = pending_session(pending.get("key"), now=utcnow()) if isinstance(pending, dict) else None
    if record is None or not record.user.active or not record.user.has_two_factor:
        return None
    return record, safe_next(pending.get("next"), url_for("meetings_staff.dashboard"))


def _pending_account_key() -> str:
    # A second limit per account, so that guessing codes from many addresses is slowed down too.
    pending = _pending_user()
    return f"sign-in-code:{pending[0].user_id}" if pending else f"sign-in-code:{request.remote_addr}"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_pending_account_key)
def code():
    """Sign-in's second step: the code from the authenticator app (±30 s; each code works once)."""
    pending = _pending_user()
    if pending is None:
        session.pop(PENDING, None)
        flash(gettext("Your sign-in has expired; enter your e-mail and password again."), "info")
        return redirect(url_for(".login"))
    record, next_url = pending
    user, form = record.user, CodeForm()
    if form.validate_on_submit():
        if accept_code(user, form.code.data, now=utcnow()):
            drop_pending(record)
            return _complete_sign_in(user, next_url)
        security_event("sign_in_failed", step="code", staff_id=user.id)
        form.code.errors.append(message_for(Problem("code", "totp_code_wrong")))
    return render_template("staff/login_code.html", form=form), (401 if form.errors else 200)


@bp.post("/logout")
@login_required
def logout():
    """Sign out: this session's record ends, so a copy of its cookie signs nobody in."""
    record = current_session()
    if record is not None:
        end_session(record, reason="signed_out", actor=current_user._get_current_object(), now=utcnow())
        db.session.commit()
    logout_user()
    session.clear()
    flash(gettext("You have signed out."), "success")
    return redirect(url_for("public.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"])
def password():
    """Change one's own password (the current one is checked, so attempts are rate-limited like sign-in);
    the account's other sessions end."""
    form = PasswordChangeForm()
    done, refused = submit(form, lambda: change_password(current_user._get_current_object(),
                                                         current=form.current_password.data,
                                                         new=form.new_password.data, now=utcnow(),
                                                         keep=current_session()),
                           gettext("Your password is changed. Your account's other sessions have ended."),
                           lambda _: url_for("meetings_staff.dashboard"))
    return done or (render_template("staff/password.html", form=form), form_status(form, refused))


@bp.route("/invitation/<token>", methods=["GET", "POST"], endpoint="accept_invitation")
@limiter.limit(_login_limit, methods=["POST"])
def accept_invitation_page(token):
    """The invitation link: set a password, which creates the account (the link then stops working)."""
    try:
        invitation = find_invitation(token, now=utcnow())
    except InvitationUnusable as unusable:
        return render_template("staff/invitation_unusable.html", expired=unusable.expired), 410
    form = SetPasswordForm()
    refused = False
    if form.validate_on_submit():
        try:
            user = accept_invitation(invitation, password=form.password.data, now=utcnow())
        except RuleViolation as violation:
            refused = refuse(form, violation)
        except InvitationUnusable:
            db.session.rollback()
            return render_template("staff/invitation_unusable.html", expired=False), 410
        else:
            db.session.commit()
            flash(gettext("Your password is set. Sign in with your e-mail address %(email)s and the new password.",
                          email=user.email), "success")
            return redirect(url_for(".login"))
    return render_template("staff/invitation.html", form=form, invitation=invitation), form_status(form, refused)
