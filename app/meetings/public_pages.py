"""Helpers the public blueprints and templates share (meeting pages, calendar files, registration)."""
from flask import abort, url_for

from ..counties import COUNTIES
from ..extensions import db
from ..urls import external_url
from .models import Meeting

_COUNTY_NAMES = {code: (zh, en) for code, zh, en in COUNTIES}


def public_meeting_or_404(meeting_id: int) -> Meeting:
    """The meeting if the public may see it (drafts are 404)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not meeting.is_public:
        abort(404)
    return meeting


def county_name(code: str | None, english: bool = False) -> str:
    """A city's or county's name for people (宜蘭縣, Yilan County); "" for none."""
    names = _COUNTY_NAMES.get(code or "")
    return "" if names is None else names[1 if english else 0]


def feed_urls(endpoint: str, **args) -> tuple[str, str, str]:
    """A calendar file's path on this site, its address under the public address, and the same as a
    webcal:// subscription (item 9)."""
    given = {name: value for name, value in args.items() if value not in (None, "")}
    https = external_url(endpoint, **given)
    return url_for(endpoint, **given), https, "webcal://" + https.split("://", 1)[1]


def register_template_helpers(app):
    """county_name and feed_urls for the templates."""
    app.jinja_env.globals.update(county_name=county_name, feed_urls=feed_urls)
