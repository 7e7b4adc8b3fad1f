"""Public: apply to speak or observe, confirm the e-mail address, the applicant's own page."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from ..dbtypes import utcnow
from ..extensions import db, limiter
from ..formflow import form_status, refuse
from ..meetings.public_pages import public_meeting_or_404
from ..rules.periods import window_problems
from ..timefmt import roc_datetime
from ..violations import RuleViolation, message_for
from ..web import rate_limit
from . import links
from .availability import availability
from .forms_public import ApplicationForm, CancelForm, ConfirmForm
from .models import UNCONFIRMED
from .placing import holds_place
from .services import AlreadyUsed, cancel_application, confirm_application, submit_application
from .views_private import application_for, guard, manage_page

bp = Blueprint("registrations", __name__)
guard(bp)
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

def _refused(meeting, problems, status: int = 409):
    """The page that says why nothing was taken: its own heading and message per problem."""
    title = REFUSAL_TITLES.get(problems[0].code, _l("Your application could not be taken"))
    return render_template("registrations/refused.html", meeting=meeting, title=title,
                           messages=[message_for(p) for p in problems]), status


@bp.route("/meetings/<int:meeting_id>/register", methods=["GET", "POST"])
@limiter.limit(rate_limit, methods=["POST"])
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
@limiter.limit(rate_limit, methods=["POST"])
def confirm(token):
    """Confirm the e-mail address: GET shows a button, POST confirms (mail scanners only GET)."""
    application = application_for(token, links.CONFIRM)
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
    if holds_place(application):
        flash(gettext("Your application is confirmed. Its time of application is %(when)s.",
                      when=roc_datetime(application.confirmed_at)), "success")
    else:  # issue 9, item 1: a waiting applicant never reads "confirmed" alone
        flash(gettext("Your e-mail address is confirmed and your application counts from %(when)s. For now you "
                      "have no place; see below.", when=roc_datetime(application.confirmed_at)), "success")
    return redirect(url_for(".manage", token=links.make_token(application, links.MANAGE)))


@bp.get("/registration/<token>")
def manage(token):
    """The applicant's private page: status, place, reason, check-in code, changes, cancel."""
    return manage_page(application_for(token, links.MANAGE), token, CancelForm())


@bp.post("/registration/<token>/cancel")
@limiter.limit(rate_limit)
def cancel(token):
    """Cancel the application (W4: late cancellations allowed, with a reminder)."""
    application = application_for(token, links.MANAGE)
    form = CancelForm()
    if not form.validate_on_submit():
        return manage_page(application, token, form, 400)
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
