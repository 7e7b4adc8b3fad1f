"""Request helpers every blueprint may use: the visitor's language, safe redirect targets, the public
forms' rate limit and the headers of pages reached by a private link.

A neutral module, so that no blueprint imports another's private names and setup.py imports no view.
"""
from urllib.parse import urlsplit

from flask import current_app, request

LANG_COOKIE = "lang"


def select_locale() -> str:
    """The language the visitor chose (cookie), else Traditional Chinese."""
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def safe_next(target: str | None, fallback: str) -> str:
    """A redirect target on this host only (no open redirects), else `fallback`.

    Refused: another scheme or host, `//host`, and any control character or backslash, which
    browsers drop or read as `/` (`/\\evil.example`, `/<TAB>/evil.example`) and which a Location
    header cannot carry (a CR/LF was a 500).
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if any(ord(char) < 0x20 or ord(char) == 0x7F or char == "\\" for char in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def rate_limit() -> str:
    """The rate limit of the public forms' POSTs (Flask-Limiter): applications, opinions, subscriptions."""
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def private_pages(response):
    """A page that carries a person's data or a private link: never stored by caches, never indexed,
    and its address (a token) never sent on to another site as a Referer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
