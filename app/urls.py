"""Absolute links for places outside a page (e-mails, calendar files, QR codes), from PUBLIC_BASE_URL.

A link that leaves the site must never take its host from the request: a client chooses the Host
header, and a mail or a publicly cached .ics would carry the client's choice. So links are built
from the configured address (production refuses to start without one). Development and tests may
leave it unset: then the current request's host serves during a request, LOCAL_BASE_URL outside.
"""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from werkzeug.routing import MapAdapter

LOCAL_ENVIRONMENTS = ("development", "test")


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` (e.g. "meetings.show") with `values`, under the public address."""
    app = current_app._get_current_object()
    base = app.config.get("PUBLIC_BASE_URL")
    if not base and app.config["ENV_NAME"] in LOCAL_ENVIRONMENTS:
        if has_request_context():
            return url_for(endpoint, _external=True, **values)
        base = app.config["LOCAL_BASE_URL"]
    if not base:
        raise RuntimeError("PUBLIC_BASE_URL is not configured")  # check_config refuses this at start-up
    app.inject_url_defaults(endpoint, values)
    return _adapter(app, base).build(endpoint, values, force_external=True)


def _adapter(app, base: str) -> MapAdapter:
    """The app's URL map bound to `base` (scheme, host and optional path prefix), kept per address."""
    adapters = app.extensions.setdefault("public_url_adapters", {})
    adapter = adapters.get(base)
    if adapter is None:
        parts = urlsplit(base)
        adapter = adapters[base] = app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/",
                                                    url_scheme=parts.scheme)
    return adapter
