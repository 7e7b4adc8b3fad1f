"""A staff member's own sign-in security: their live sessions (ending the others) and two-factor sign-in."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from ..dbtypes import utcnow
from ..extensions import db, limiter
from ..formflow import form_status, submit
from . import totp
from .forms import CodeForm
from .models import StaffSession
from .sessions import current_session, end_session, end_sessions, expires_at, expiry_reason, live_sessions
from .two_factor import begin_setup, confirm_setup, turn_off

bp = Blueprint("security", __name__, url_prefix="/security")
bp.before_request(login_required(lambda: None))


def _me():
    return current_user._get_current_object()


@bp.get("/sessions")
def sessions():
    """Where this account is signed in; each other session can be ended."""
    now = utcnow()
    live = [record for record in live_sessions(_me()) if not expiry_reason(record, now)]
    config = current_app.config
    return render_template("staff/sessions.html", sessions=live, current=current_session(), expires_at=expires_at,
                           idle_hours=f"{config['STAFF_SESSION_IDLE_MINUTES'] / 60:g}",
                           max_days=f"{config['STAFF_SESSION_MAX_HOURS'] / 24:g}")


@bp.post("/sessions/<int:session_id>/end")
def end_one(session_id):
    """End another of one's own sessions (this one ends by signing out)."""
    record, here = db.session.get(StaffSession, session_id), current_session()
    if record is None or record.user_id != current_user.id or not record.is_live or (here and record.id == here.id):
        abort(404)
    end_session(record, reason="ended_by_user", actor=_me(), now=utcnow())
    db.session.commit()
    flash(gettext("That session has ended; its browser is signed out."), "success")
    return redirect(url_for(".sessions"))


@bp.post("/sessions/end-others")
def end_others():
    """End every session of this account except this one."""
    ended = end_sessions(_me(), reason="ended_by_user", actor=_me(), now=utcnow(), keep=current_session())
    db.session.commit()
    flash(gettext("Sessions ended: %(count)s.", count=ended), "success")
    return redirect(url_for(".sessions"))


def _setup_view(form):
    user = _me()
    secret = user.totp_pending_secret
    uri = totp.provisioning_uri(secret, user.email) if secret and not user.has_two_factor else None
    return render_template("staff/two_factor.html", form=form, user=user, uri=uri,
                           qr=totp.qr_svg(uri) if uri else None, key=totp.grouped(secret) if uri else None)


@bp.get("/two-factor")
def two_factor():
    """Two-factor sign-in: why, whether it is on, and setting it up (required for administrators)."""
    return _setup_view(CodeForm())


@bp.post("/two-factor/start")
def two_factor_start():
    """Make a new secret to scan (replacing one not yet confirmed)."""
    if current_user.has_two_factor:
        return redirect(url_for(".two_factor"))
    begin_setup(_me(), now=utcnow())
    db.session.commit()
    return redirect(url_for(".two_factor") + "#setup")


def _limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.post("/two-factor/confirm")
@limiter.limit(_limit)
def two_factor_confirm():
    """Turn two-factor sign-in on with a first code from the app."""
    form = CodeForm()
    done, refused = submit(form, lambda: confirm_setup(_me(), form.code.data, now=utcnow()),
                           gettext("Two-factor sign-in is on. From now on, signing in asks for a code from "
                                   "your authenticator app."), lambda _: url_for(".two_factor"))
    return done or (_setup_view(form), form_status(form, refused))


@bp.post("/two-factor/off")
@limiter.limit(_limit)
def two_factor_off():
    """Turn two-factor sign-in off with a current code (not for administrators)."""
    form = CodeForm()
    done, refused = submit(form, lambda: turn_off(_me(), form.code.data, now=utcnow()),
                           gettext("Two-factor sign-in is off."), lambda _: url_for(".two_factor"))
    return done or (_setup_view(form), form_status(form, refused))
