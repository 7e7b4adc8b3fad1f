"""Public: the applicant's own changes from the private page, and "resend my link" (issue 9, item 2).

A blueprint of its own ("applicant"), with the private-page headers and bad-link pages of the others
(views_private.guard).
"""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale, gettext

from ..dbtypes import utcnow
from ..extensions import db, limiter
from ..formflow import form_status, refuse
from ..violations import RuleViolation
from ..web import rate_limit
from . import changes, links
from .forms_changes import CasesForm, DetailsForm, ObserveForm, ResendForm
from .forms_public import CancelForm
from .views_private import application_for, guard, manage_page

bp = Blueprint("applicant", __name__)
guard(bp)

# The route each change form posts to, for its confirmation step.
ACTIONS = {"details_form": ".change_details", "cases_form": ".change_cases",
           "observe_form": ".switch_to_observing"}


def _change(token: str, form_name: str, form, action):
    """Run one change: saved (flash, back to the page), refused (beside its field on the page), or held
    back for the confirmation step that names the places it would cost."""
    application = application_for(token, links.MANAGE)
    if not form.validate_on_submit():
        return manage_page(application, token, CancelForm(formdata=None), 400, **{form_name: form})
    try:
        changed = action(application, form)
    except changes.PlaceAtRisk as risk:  # nothing of the trial run is kept
        db.session.rollback()
        return render_template("registrations/change_confirm.html", application=application, token=token,
                               form=form, action=url_for(ACTIONS[form_name], token=token), losses=risk.losses,
                               after=risk.after, meeting=application.meeting)
    except RuleViolation as violation:
        refuse(form, violation)
        return manage_page(application, token, CancelForm(formdata=None), 400, **{form_name: form})
    db.session.commit()
    flash(gettext("Your application is changed; we sent you an e-mail about it.") if changed is not False
          else gettext("Nothing was changed."), "success")
    return redirect(url_for("registrations.manage", token=token))


@bp.post("/registration/<token>/details")
@limiter.limit(rate_limit)
def change_details(token):
    """Correct the name or organisation (V5 checked again)."""
    form = DetailsForm()
    return _change(token, "details_form", form, lambda application, f: changes.change_details(
        application, {"name": f.name.data, "organisation": f.organisation.data}, now=utcnow(),
        accept_losses=bool(f.accept_losses.data)))


@bp.post("/registration/<token>/observe")
@limiter.limit(rate_limit)
def switch_to_observing(token):
    """Switch from speaking to observing, keeping the time of application."""
    return _change(token, "observe_form", ObserveForm(), lambda application, f: changes.switch_to_observing(
        application, now=utcnow(), accept_losses=bool(f.accept_losses.data)))


@bp.post("/registration/<token>/cases")
@limiter.limit(rate_limit)
def change_cases(token):
    """Add or drop cases."""
    application = application_for(token, links.MANAGE)
    return _change(token, "cases_form", CasesForm(application.meeting), lambda application, f: changes.change_cases(
        application, f.case_ids.data or [], now=utcnow(), accept_losses=bool(f.accept_losses.data)))


@bp.route("/resend-link", methods=["GET", "POST"])
@limiter.limit(rate_limit, methods=["POST"])
def resend():
    """Resend my link: the same answer whether or not the address has applications."""
    form = ResendForm()
    if form.validate_on_submit():
        changes.resend_links(form.email.data, now=utcnow(), locale=str(get_locale()))
        db.session.commit()
        return redirect(url_for(".resend_sent"))
    return render_template("registrations/resend.html", form=form), form_status(form)


@bp.get("/resend-link/sent")
def resend_sent():
    """The one answer to "resend my link"."""
    return render_template("registrations/resend_sent.html")
