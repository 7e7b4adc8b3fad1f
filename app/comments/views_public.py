"""Public: the written-opinion form (P4), the commenter's receipt page, the adoption-status table (P8)."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale

from ..dbtypes import utcnow
from ..extensions import db, limiter
from ..formflow import form_status, refuse
from ..plans.models import Plan
from ..rules.comments import OPEN, PUBLISHED
from ..violations import RuleViolation
from ..web import private_pages, rate_limit
from . import links
from .forms import OpinionForm
from .opinions import exhibition_today, submission_for_token, submit_opinion
from .presenting import public_row
from .queries import Filters, adoption_page, filter_choices
from .richtext import as_markup
from .wording import LABELS

bp = Blueprint("comments", __name__)
SENT_KEY = "opinion_receipt"


@bp.app_context_processor
def comment_labels():
    """The comments' labels for every template (decisions, sources, channels)."""
    return {"comment_labels": LABELS}


@bp.app_template_filter("comment_rich")
def comment_rich(stored: str):
    """A staff response's small rich text, sanitised again on the way out."""
    return as_markup(stored or "")


def _plan_or_404(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    return plan


@bp.route("/plans/<int:plan_id>/opinions", methods=["GET", "POST"])
@limiter.limit(rate_limit, methods=["POST"])
def opinion(plan_id):
    """The written-opinion form, open only while the plan is exhibited (P3, P4)."""
    plan, now = _plan_or_404(plan_id), utcnow()
    state = exhibition_today(plan, now)
    if state != OPEN:  # P4: say when it opens or that it has closed; take nothing
        return render_template("comments/opinion_closed.html", plan=plan, state=state), \
            409 if request.method == "POST" else 200
    form, refused = OpinionForm(), False
    if form.validate_on_submit():
        try:
            data = form.service_data() | {"consent": form.consent.data, "locale": str(get_locale())}
            submission = submit_opinion(plan, data, form.files.data or [], now=now)
        except RuleViolation as violation:
            refused = refuse(form, violation)
        else:
            db.session.commit()
            session[SENT_KEY] = links.make_token(submission)
            return redirect(url_for(".sent", plan_id=plan.id))
    return render_template("comments/opinion_form.html", plan=plan, form=form), form_status(form, refused)


@bp.get("/plans/<int:plan_id>/opinions/sent")
def sent(plan_id):
    """The receipt number and link, right after sending (also e-mailed when an address was given)."""
    plan = _plan_or_404(plan_id)
    token = session.get(SENT_KEY)
    submission = submission_for_token(token) if token else None
    if submission is None or submission.plan_id != plan.id:
        return redirect(url_for(".opinion", plan_id=plan.id))
    return _private(render_template("comments/opinion_sent.html", plan=plan, submission=submission, token=token))


@bp.errorhandler(links.ReceiptInvalid)
def receipt_invalid(error):
    """A forged or altered link: as if the page did not exist."""
    return render_template("errors/error.html", code=404, title="404", text=""), 404


@bp.get("/opinions/<token>")
def receipt(token):
    """The commenter follows their opinion: what they sent, how it was split, and each published answer."""
    submission = submission_for_token(token)
    return _private(render_template("comments/receipt.html", submission=submission, plan=submission.plan,
                                    comments=submission.comments, published=PUBLISHED))


def _private(body):
    return private_pages(current_app.make_response(body))


@bp.get("/plans/<int:plan_id>/adoption")
def adoption(plan_id):
    """陳情意見參採情形: every comment of the plan and its published answer, filtered and searched (P8)."""
    plan = _plan_or_404(plan_id)
    filters = Filters.from_args(request.args)
    rows, total = adoption_page(plan.id, filters)
    meetings, topics = filter_choices(plan.id)
    return render_template("comments/adoption.html", plan=plan, filters=filters, total=total,
                           rows=[public_row(c, r) for c, r in rows], meetings=meetings, topics=topics,
                           pages=max(1, -(-total // 50)))
