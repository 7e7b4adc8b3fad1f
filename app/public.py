"""The home page and the language switch."""
from flask import Blueprint, current_app, redirect, render_template, request, url_for

from .dbtypes import utcnow
from .freshness import canonical_redirect, conditional_page, reads_outside_a_transaction
from .meetings.queries import MeetingFilters, public_meeting_page
from .web import LANG_COOKIE, safe_next

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    """Upcoming meetings, soonest first."""
    if moved := canonical_redirect({}):
        return moved
    reads_outside_a_transaction()
    now = utcnow()
    page = public_meeting_page(MeetingFilters(), now, per_page=10)
    shown = (page.items, page.total, [m.registration_at(now) for m in page.items],
             [(m.plan.id, m.plan.name, m.plan.name_en, m.plan.county_code) for m in page.items])  # each card's plan
    return conditional_page(shown,
                            lambda: render_template("public/index.html", page=page, now=now))


@bp.get("/language/<code>")
def set_language(code):
    """Remember the chosen language in a cookie and go back to the page."""
    response = redirect(safe_next(request.args.get("next"), url_for("public.index")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
