"""Staff sign-in and sign-out (rate-limited)."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from ..dbtypes import utcnow
from ..extensions import db, limiter
from ..public import safe_next
from .forms import LoginForm
from .services import authenticate

bp = Blueprint("accounts", __name__, url_prefix="/staff")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("meetings_staff.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data, now=utcnow())
        if user is not None:
            db.session.commit()
            login_user(user)
            flash(gettext("Signed in as %(name)s.", name=user.name), "success")
            return redirect(safe_next(request.args.get("next"), url_for("meetings_staff.dashboard")))
        form.password.errors.append(gettext("That e-mail and password do not match an active staff account."))
    return render_template("staff/login.html", form=form), (401 if form.errors else 200)


@bp.post("/logout")
@login_required
def logout():
    """Sign out."""
    logout_user()
    flash(gettext("You have signed out."), "success")
    return redirect(url_for("public.index"))
