"""Staff sign-in (password, then a code when two-factor sign-in is on), sign-out, the password
change and the invitation link; every step that checks a secret is rate-limited."""
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, logout_user

from ..dbtypes import utcnow
from ..extensions import db, limiter
from ..formflow import form_status, refuse, submit
from ..rules import Problem
from ..violations import RuleViolation, message_for
from ..web import safe_next
from .forms import CodeForm, LoginForm, PasswordChangeForm, SetPasswordForm
from .invitations import InvitationUnusable, accept_invitation, find_invitation
from .models import User
from .services import authenticate, change_password, record_sign_in
from .sessions import current_session, end_session, sign_in
from .two_factor import accept_code
from .views_security import bp as security_bp
from .views_team import bp as team_bp

bp = Blueprint("accounts", __name__, url_prefix="/staff")
bp.register_blueprint(security_bp)
bp.register_blueprint(team_bp)

PENDING = "pending_sign_in"  # in the session between the password and the code: account, time, next page
PENDING_SECONDS = 300
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
            session.clear()  # the password alone signs nobody in
            session[PENDING] = {"user": user.id, "at": int(time.time()), "next": next_url}
            return redirect(url_for(".code"))
        form.password.errors.append(gettext("That e-mail and password do not match an active staff account."))
    return render_template("staff/login.html", form=form), (401 if form.errors else 200)


def _pending_user() -> tuple[User, str] | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int) \
            or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user") if isinstance(pending.get("user"), int) else 0)
    if user is None or not user.active or not user.has_two_factor:
        return None
    return user, safe_next(pending.get("next"), url_for("meetings_staff.dashboard"))


def _pending_account_key() -> str:
    # A second limit per account, so that guessing codes from many addresses is slowed down too.
    pending = session.get(PENDING)
    user = pending.get("user") if isinstance(pending, dict) else None
    return f"sign-in-code:{user}" if isinstance(user, int) else f"sign-in-code:{request.remote_addr}"


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
    user, next_url = pending
    form = CodeForm()
    if form.validate_on_submit():
        if accept_code(user, form.code.data, now=utcnow()):
            return _complete_sign_in(user, next_url)
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
