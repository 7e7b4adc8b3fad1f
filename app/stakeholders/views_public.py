"""Public subscription pages: subscribe (double opt-in), confirm, preferences, one-click unsubscribe, the
Atom feed, and an organisation's record of notices."""
import hmac

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy import select

from ..counties import COUNTIES
from ..dbtypes import utcnow
from ..extensions import csrf, db, limiter
from ..params import MAX_ID
from ..plans.models import Plan
from ..web import private_pages, rate_limit
from . import links, queries, subscriptions
from .forms_public import ButtonForm, ChoicesForm, SubscribeForm
from .models import Organisation
from .wording import STATUS_LABELS

bp = Blueprint("subscriptions", __name__, url_prefix="/subscribe")


@bp.after_request
def private_unless_feed(response):
    """Links here name an address: the applicant's pages' private headers (never stored, indexed or sent
    on as a Referer), except for the public Atom feed."""
    return response if request.endpoint == "subscriptions.feed" else private_pages(response)


def _plans():
    return db.session.scalars(select(Plan).order_by(Plan.name)).all()


def _choices(form) -> dict:
    plan_ids = {int(choice.value) for choice in form.plans.choices} if form.plans.choices else set()
    return subscriptions.clean_choices(form.counties.data or [], form.plans.data or [], form.kinds.data or [],
                                       plan_ids)


@bp.route("", methods=["GET", "POST"])
@limiter.limit(rate_limit, methods=["POST"])
def subscribe():
    """Choose counties, plans and kinds of meeting; a confirmation link is mailed (double opt-in)."""
    locale = str(get_locale())
    form = SubscribeForm().fill_choices(_plans(), locale)
    if form.validate_on_submit():
        subscriptions.request_subscription(form.email.data, _choices(form), locale=locale, now=utcnow())
        db.session.commit()
        return redirect(url_for(".sent"))
    return render_template("subscriptions/subscribe.html", form=form), 422 if form.errors else 200


@bp.get("/sent")
def sent():
    """The same page whether or not the address was known: it reveals nothing (P10)."""
    return render_template("subscriptions/sent.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(rate_limit, methods=["POST"])
def confirm(token):
    """GET shows what will be followed and a button; only the POST confirms (mail scanners open links)."""
    try:
        choices = links.read_confirm_token(token)
    except links.LinkInvalid:
        return render_template("subscriptions/link_problem.html"), 404
    form = ButtonForm()
    if form.validate_on_submit():
        subscriber = subscriptions.confirm_subscription(choices, now=utcnow())
        db.session.commit()
        return redirect(url_for(".preferences", token=links.address_token(subscriber.email, links.PREFERENCES),
                                confirmed=1))
    english = str(get_locale()).startswith("en")
    names = {code: en if english else zh for code, zh, en in COUNTIES}
    return render_template("subscriptions/confirm.html", form=form, choices=choices, plans=_plans(),
                           county_names=names)


@bp.route("/preferences/<token>", methods=["GET", "POST"])
@limiter.limit(rate_limit, methods=["POST"])
def preferences(token):
    """Change what a confirmed subscriber follows, from the signed link in every notice."""
    try:
        subscriber = subscriptions.subscriber_for(links.read_address_token(token, links.PREFERENCES))
    except links.LinkInvalid:
        subscriber = None
    if subscriber is None:
        return render_template("subscriptions/link_problem.html"), 404
    form = ChoicesForm(data=subscriptions.choices_of(subscriber) if request.method == "GET" else None)
    form.fill_choices(_plans(), str(get_locale()))
    if request.method == "GET":
        form.plans.data = [str(p) for p in form.plans.data or []]
    saved = False
    if form.validate_on_submit():
        subscriptions.update_preferences(subscriber, _choices(form), now=utcnow())
        db.session.commit()
        saved = True
    return render_template("subscriptions/preferences.html", form=form, saved=saved, token=token,
                           confirmed=request.args.get("confirmed") == "1",
                           unsubscribe_token=links.address_token(subscriber.email)), 422 if form.errors else 200


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token):
    """A GET never unsubscribes (RFC 8058: link checkers open it): it shows a button."""
    try:
        links.read_address_token(token)
    except links.LinkInvalid:
        return render_template("subscriptions/link_problem.html"), 404
    return render_template("subscriptions/unsubscribe.html", token=token, done=False)


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" with no session and no form token;
# the signed token in the address is what authorises it, and unsubscribing is all it can do.
@limiter.limit(rate_limit)
def unsubscribe(token):
    """One-click unsubscribe: from a mail program's button, or the page's own button."""
    try:
        email_key = links.read_address_token(token)
    except links.LinkInvalid:
        return render_template("subscriptions/link_problem.html"), 404
    subscriptions.unsubscribe(email_key, now=utcnow())
    db.session.commit()
    return render_template("subscriptions/unsubscribe.html", token=token, done=True)


@bp.get("/feed.atom")
def feed():
    """The notices as an Atom feed, with the subscription's filters (?county=…&kind=…&plan=…)."""
    filters = queries.feed_filters(request.args)
    entries = queries.feed_notices(filters)
    body = render_template("subscriptions/feed_atom.html", entries=entries, filters=filters,
                           updated=entries[0][0].created_at if entries else None)
    response = current_app.response_class(body, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/record/<token>")
def record(token):
    """An organisation's proof of notice: every notice the portal sent to its contacts (signed link, P10)."""
    try:
        organisation_id, nonce = links.read_record_token(token)
    except links.LinkInvalid:
        organisation_id, nonce = 0, ""
    organisation = db.session.get(Organisation, organisation_id) if 0 < organisation_id <= MAX_ID else None
    if organisation is None or not hmac.compare_digest(organisation.nonce.encode(), nonce.encode()):
        return render_template("subscriptions/link_problem.html"), 404
    return render_template("subscriptions/record.html", organisation=organisation,
                           rows=queries.organisation_record(organisation), statuses=STATUS_LABELS)
