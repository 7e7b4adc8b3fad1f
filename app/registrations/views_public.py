"""Public: apply to speak or observe, confirm the e-mail address, the applicant's own page."""
import hmac

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from ..dbtypes import utcnow
from ..extensions import db, limiter
from ..formflow import form_status, refuse
from ..meetings.public_pages import public_meeting_or_404
from ..params import MAX_ID
from ..rules.periods import cancellation_notice_by, window_problems
from ..timefmt import roc_datetime
from ..violations import RuleViolation, message_for
from . import links
from .availability import availability
from .forms_public import ApplicationForm, CancelForm, ConfirmForm
from .models import ACTIVE, UNCONFIRMED, Application
from .placing import holds_place
from .services import AlreadyUsed, cancel_application, confirm_application, is_late_cancellation, submit_application
from .wording import place_lines

bp = Blueprint("registrations", __name__)
SENT_KEY = "registration_sent"  # the address the last application went to, for the "check your e-mail" page

# The heading of the page that refuses an application or a confirmation, per problem (W1, V5, V15).
REFUSAL_TITLES = {
    "meeting_cancelled": _l("This meeting is cancelled"),
    "meeting_not_public": _l("This meeting is not open to the public"),
    "no_online_registration": _l("No online registration for this meeting"),
    "registration_not_open": _l("Registration has not opened yet"),
    "registration_closed": _l("Registration has closed"),
    "suspended": _l("Please contact the secretariat"),
    "already_applied": _l("You have already applied"),
    "group_has_speaker": _l("Your organisation already has a speaker"),
}

# What the pages for a link that cannot be used say: (heading, text).
LINK_PROBLEMS = {
    "invalid": (_l("This link is not valid"),
                _l("The link is incomplete, was altered, or has been replaced by a newer one. Open the link "
                   "exactly as it appears in your most recent e-mail from the portal.")),
    "expired": (_l("This link has expired"),
                _l("Confirmation links work for %(days)s days. Nothing was saved from the old application; "
                   "please apply again from the meeting's page while registration is open.")),
    "used": (_l("This application is already confirmed or closed"),
             _l("This confirmation link has already been used, or the application was cancelled or not "
                "accepted. Nothing was changed. To see your application, use the link in the e-mail that "
                "acknowledged it.")),
}


def _rate_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


@bp.after_request
def private_pages(response):
    """The pages carry a person's data or private link: never stored by caches, nor indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.errorhandler(links.LinkInvalid)
def link_invalid(error):
    """A forged, altered or revoked link, or one naming no application: as if the page did not exist."""
    return _link_problem("invalid", 404)


@bp.errorhandler(links.LinkExpired)
def link_expired(error):
    """A genuine confirmation link, too old: apply again."""
    return _link_problem("expired", 410)


@bp.errorhandler(AlreadyUsed)
def link_used(error):
    """A confirmation link used a second time; the page does not reveal the management link."""
    return _link_problem("used", 409)


def _link_problem(kind: str, status: int):
    db.session.rollback()
    title, text = LINK_PROBLEMS[kind]
    text = str(text) % {"days": links.CONFIRM_MAX_AGE // 86400} if kind == "expired" else text
    return render_template("registrations/link_problem.html", title=title, text=text, kind=kind), status


def _refused(meeting, problems, status: int = 409):
    """The page that says why nothing was taken: its own heading and message per problem."""
    title = REFUSAL_TITLES.get(problems[0].code, _l("Your application could not be taken"))
    return render_template("registrations/refused.html", meeting=meeting, title=title,
                           messages=[message_for(p) for p in problems]), status


def _application_for(token: str, purpose: str) -> Application:
    """The application a private link names; LinkInvalid unless it exists and the nonce still matches."""
    application_id, nonce = links.read_token(token, purpose)
    application = db.session.get(Application, application_id) if 1 <= application_id <= MAX_ID else None
    if application is None or not hmac.compare_digest(application.nonce.encode(), nonce.encode()):
        raise links.LinkInvalid()
    return application


@bp.route("/meetings/<int:meeting_id>/register", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def apply(meeting_id):
    """The application form (W1: only while the window is open)."""
    meeting, now = public_meeting_or_404(meeting_id), utcnow()
    problems = window_problems(meeting, now)
    if problems:  # W1: before it opens, after the deadline, cancelled: say so and take nothing
        return _refused(meeting, problems, 409 if request.method == "POST" else 200)
    form, refused = ApplicationForm(meeting), False
    if form.validate_on_submit():
        try:
            submit_application(meeting, form.service_data(str(get_locale())), now=now)
        except RuleViolation as violation:
            refused = refuse(form, violation)
        else:
            db.session.commit()
            session[SENT_KEY] = {"meeting": meeting.id, "email": form.email.data}  # as typed: no other's
            return redirect(url_for(".sent", meeting_id=meeting.id))
    return render_template("registrations/apply.html", meeting=meeting, form=form,
                           places=availability(meeting)), form_status(form, refused)


@bp.get("/meetings/<int:meeting_id>/register/sent")
def sent(meeting_id):
    """Check your e-mail: the application counts only once the address is confirmed (V6)."""
    meeting = public_meeting_or_404(meeting_id)
    last = session.get(SENT_KEY) or {}
    email = last.get("email") if last.get("meeting") == meeting.id else None
    return render_template("registrations/sent.html", meeting=meeting, email=email,
                           days=links.CONFIRM_MAX_AGE // 86400)


@bp.route("/registration/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def confirm(token):
    """Confirm the e-mail address: GET shows a button, POST confirms (mail scanners only GET)."""
    application = _application_for(token, links.CONFIRM)
    if application.status != UNCONFIRMED:
        raise AlreadyUsed()
    meeting, now, form = application.meeting, utcnow(), ConfirmForm()
    problems = window_problems(meeting, now)
    if problems:  # W1: the deadline passed or the meeting was cancelled before confirmation
        return _refused(meeting, problems)
    if not form.validate_on_submit():
        return render_template("registrations/confirm.html", application=application, meeting=meeting,
                               form=form, token=token), form_status(form)
    try:
        application = confirm_application(application)  # its time of application is read under the lock
    except RuleViolation as violation:  # V5, V15: nothing is kept
        db.session.rollback()
        return _refused(meeting, violation.problems)
    db.session.commit()
    flash(gettext("Your application is confirmed. Its time of application is %(when)s.",
                  when=roc_datetime(application.confirmed_at)), "success")
    return redirect(url_for(".manage", token=links.make_token(application, links.MANAGE)))


@bp.get("/registration/<token>")
def manage(token):
    """The applicant's private page: status, place, reason, check-in code, cancel."""
    return _manage_page(_application_for(token, links.MANAGE), token, CancelForm())


def _manage_page(application, token: str, form, status: int = 200):
    meeting, now = application.meeting, utcnow()
    return render_template(
        "registrations/manage.html", application=application, meeting=meeting, token=token, form=form,
        lines=place_lines(application) if application.status == ACTIVE else [],
        qr=links.check_in_qr_svg(application.check_in_code) if application.status == ACTIVE else None,
        seated=application.status == ACTIVE and holds_place(application),
        cancellable=application.is_open and now < meeting.ends_at,
        late=is_late_cancellation(meeting, now), cancel_by=cancellation_notice_by(meeting.starts_at)), status


@bp.post("/registration/<token>/cancel")
@limiter.limit(_rate_limit)
def cancel(token):
    """Cancel the application (W4: late cancellations allowed, with a reminder)."""
    application = _application_for(token, links.MANAGE)
    form = CancelForm()
    if not form.validate_on_submit():
        return _manage_page(application, token, form, 400)
    try:
        late = cancel_application(application, now=utcnow())
    except RuleViolation as violation:  # cancelled twice, or the meeting is over
        refuse(None, violation)
        return redirect(url_for(".manage", token=token))
    db.session.commit()
    flash(gettext("Your application is cancelled."), "success")
    if late:  # W4
        flash(gettext("Please cancel at least 3 days before a meeting next time, so that your place can go "
                      "to someone else in good time."), "info")
    return redirect(url_for(".manage", token=token))


@bp.get("/privacy/registration")
def privacy():
    """The personal-data notice applicants agree to."""
    return render_template("registrations/privacy.html")
