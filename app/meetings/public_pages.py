"""Helpers the public blueprints and templates share (meeting pages, calendar files, registration)."""
from functools import lru_cache

from flask import abort, current_app, request, url_for
from markupsafe import Markup, escape

from ..counties import COUNTIES
from ..extensions import db
from ..i18n import catalogue, locale_code
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
    """county_name, feed_urls, places_html and subscribe_html for the templates."""
    app.jinja_env.globals.update(county_name=county_name, feed_urls=feed_urls, places_html=places_html,
                                 subscribe=subscribe_html)


# Places left and calendar subscriptions in HTML, built in Python and kept per language: a list page
# shows twenty cards, and their few dozen translated phrases cost more in Jinja macros than the page's
# queries (issue 9, items 3 and 9; benchmarks/profile_pages.py).

def places_html(places, titles=(), overflow: str = "") -> Markup:
    """The places left as a list, in plain words: 尚餘 2 個發言名額, 發言名額已滿，候補 3 人, 旁聽席尚餘 5 席."""
    return _places_html(places, tuple(titles), overflow or "", locale_code())


@lru_cache(maxsize=4096)
def _places_html(places, titles: tuple, overflow: str, code: str | None) -> Markup:
    ugettext = catalogue(code).ugettext  # (the name pybabel extracts)
    lines = []
    for n, queue in enumerate(places.cases):
        words = _queue_words(queue, ugettext)
        if titles:
            words = ugettext("%(case)s: %(places)s") % {"case": escape(titles[n]), "places": words}
        elif queue.number and len(places.cases) > 1:
            words = ugettext("Case %(number)s: %(places)s") % {"number": queue.number, "places": words}
        lines.append(words)
    if places.seats_left:
        lines.append(ugettext("Gallery seats left: %(num)s") % {"num": places.seats_left})
    elif overflow:
        lines.append(ugettext("Gallery full; further observers are seated in %(room)s") % {"room": escape(overflow)})
    else:
        lines.append(ugettext("Gallery full"))
    return Markup('<ul class="places">' + "".join(f"<li>{line}</li>" for line in lines) + "</ul>")


def _queue_words(queue, ugettext) -> str:
    if queue.left and queue.waiting:
        return ugettext("Speaking places left: %(num)s; on the waiting list: %(waiting)s") % {
            "num": queue.left, "waiting": queue.waiting}
    if queue.left:
        return ugettext("Speaking places left: %(num)s") % {"num": queue.left}
    if queue.waiting:
        return ugettext("Speaking places full; on the waiting list: %(num)s") % {"num": queue.waiting}
    return ugettext("Speaking places full")


SUBSCRIBE_CACHE_SIZE = 512  # subscription blocks kept per worker (one per page, filter and language)


def subscribe_html(endpoint: str, label: str, element_id: str, args: dict | None = None) -> Markup:
    """A calendar file as a webcal:// subscription, a download and an address to copy, with one line of help."""
    given = tuple(sorted((name, value) for name, value in (args or {}).items() if value not in (None, "")))
    cache = current_app.extensions.setdefault("subscribe_html", {})
    if len(cache) >= SUBSCRIBE_CACHE_SIZE:  # a visitor's search words are part of the key: never let it grow
        cache.clear()
    key = (endpoint, str(label), element_id, given, locale_code(), request.script_root)
    if key not in cache:
        path, https, webcal = feed_urls(endpoint, **dict(given))
        ugettext = catalogue(key[4]).ugettext  # (the name pybabel extracts)
        help_line = ugettext("Google Calendar: Other calendars, +, From URL. Outlook: Add calendar, "
                             "Subscribe from web. Apple Calendar: File, New Calendar Subscription.")
        download, copy = ugettext("Download the .ics file"), ugettext("Copy the address, or how to add it")
        paste = ugettext("Paste this address into your calendar:")
        cache[key] = Markup(
            '<div class="subscribe">'
            f'<p><a class="button" href="{escape(webcal)}">{escape(label)}</a> '
            f'<a href="{escape(path)}" download>{escape(download)}</a></p>'
            f'<details><summary>{escape(copy)}</summary>'
            f'<p><label for="{element_id}">{escape(paste)}</label>'
            f'<input id="{element_id}" class="copy-url" type="url" readonly value="{escape(https)}"></p>'
            f'<p class="help">{escape(help_line)}</p></details></div>')
    return cache[key]

