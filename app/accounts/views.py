"""Staff sign-in, sign-out and password change (rate-limited)."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from ..dbtypes import utcnow
from ..extensions import db, limiter
from ..formflow import form_status, submit
from ..web import safe_next
from .forms import LoginForm, PasswordChangeForm
from .services import authenticate, change_password

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


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def password():
    """Change one's own password (the current one is checked, so attempts are rate-limited like sign-in)."""
    form = PasswordChangeForm()
    done, refused = submit(form, lambda: change_password(current_user._get_current_object(),
                                                         current=form.current_password.data,
                                                         new=form.new_password.data, now=utcnow()),
                           gettext("Your password is changed."), lambda _: url_for("meetings_staff.dashboard"))
    return done or (render_template("staff/password.html", form=form), form_status(form, refused))
