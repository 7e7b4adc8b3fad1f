"""Logs an operator can search: one JSON line per request and one per security event.

Each request gets an id (kept from a trusted proxy's X-Request-Id, else made here) that is returned
in the X-Request-Id header, so a citizen's "it failed at 10:42" can be matched to its line. What is
logged is chosen so that nothing personal reaches the logs: the route's pattern, never the path
(manage links carry tokens) nor the query string (searches, e-mail addresses); the staff member's
id, never a name or address; no form data. Security events (a failed sign-in, a refused form
token, a rate limit hit) add the client's address, which is what an operator needs to block an
attacker (docs/decisions.md).
"""
import json
import logging
import re
import time
import uuid

from flask import current_app, g, has_request_context, request

REQUESTS = logging.getLogger("portal.requests")
SECURITY = logging.getLogger("portal.security")
REQUEST_ID_HEADER = "X-Request-Id"
# An id from a trusted proxy is kept only if it looks like one: no spaces, quotes or control characters.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def request_id() -> str:
    """This request's id, made on first use if need be; outside a request, a fresh one each call."""
    if not has_request_context():
        return uuid.uuid4().hex
    if "request_id" not in g:
        incoming = request.headers.get(REQUEST_ID_HEADER, "") if current_app.config.get("TRUSTED_PROXIES") else ""
        g.request_id = incoming if _SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


def _route() -> str:
    # The URL rule ("/registrations/<token>"), not the path: paths may carry tokens and names.
    rule = request.url_rule
    return rule.rule if rule is not None else "(no route)"


def _staff_id() -> int | None:
    # Flask-Login keeps the user it loaded for this request in g; none was loaded on public pages.
    user = g.get("_login_user")
    return user.id if user is not None and user.is_authenticated else None


def _line(**fields) -> str:
    return json.dumps({key: value for key, value in fields.items() if value is not None},
                      ensure_ascii=False, separators=(",", ":"))


def security_event(event: str, **fields) -> None:
    """Log a security event (sign_in_failed, csrf_refused, rate_limited…) with the request's id and client."""
    SECURITY.warning(_line(event=event, request_id=request_id(), route=_route(), method=request.method,
                           client=request.remote_addr, **fields))


def _log_to_stderr() -> None:
    # gunicorn and systemd collect stderr; one handler on the "portal" parent serves both loggers.
    portal = logging.getLogger("portal")
    if not portal.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        portal.addHandler(handler)
        portal.setLevel(logging.INFO)


def register_request_log(app) -> None:
    """Give every request an id, return it in X-Request-Id, and log one line when the response is sent."""
    if not app.testing:
        _log_to_stderr()
    def start_request():
        request_id()
        g.request_started = time.perf_counter()

    # First of all before-request functions, so the rate limiter's refusals are timed and carry the id too.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    @app.after_request
    def log_request(response):
        started = getattr(g, "request_started", None)
        response.headers[REQUEST_ID_HEADER] = request_id()
        if response.status_code == 429:
            security_event("rate_limited")
        REQUESTS.info(_line(request_id=request_id(), method=request.method, route=_route(),
                            status=response.status_code, staff_id=_staff_id(),
                            ms=round((time.perf_counter() - started) * 1000, 1) if started else None))
        return response
