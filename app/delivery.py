"""How responses travel (issue 9, item 16–17): static files under versioned addresses kept a year,
text compressed with gzip for clients that accept it, and /favicon.ico.

Static files: every url_for('static', filename=…) carries `v=<hash of the file's bytes>`; a request
whose `v` is the file's current hash is answered "immutable, max-age one year" (a new release
changes the hash, hence the address), any other request "no-cache". Compression is done here,
not left to a proxy, so that every deployment, the development server included, sends less
(docs/decisions.md, "Compression in the app"); a proxy that compresses on its own sees the
Content-Encoding and leaves the body alone.
"""
import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_from_directory, url_for
from flask_babel import get_locale
from markupsafe import Markup

bp = Blueprint("delivery", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = frozenset(("text/html", "text/css", "text/plain", "text/calendar", "text/csv", "image/svg+xml",
                          "application/javascript", "application/json", "image/x-icon"))
MIN_COMPRESS_BYTES = 1024  # below a packet, gzip's header and the CPU are not worth it
LEVEL = 6


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_version(filename: str) -> str | None:
    """The first 12 hex digits of the static file's SHA-256, or None if there is no such file."""
    path = Path(current_app.static_folder, filename)
    try:
        stat = path.stat()
    except (OSError, ValueError):
        return None
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _gzipped_file(path: str, mtime_ns: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=LEVEL, mtime=0)


@bp.get("/favicon.ico")
def favicon():
    """The site's icon where browsers look for it (a 404 otherwise on every first visit)."""
    response = send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)
    return response


def _accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def _weaken(response) -> None:
    """A compressed body is another representation: its validator becomes weak (W/), which a
    conditional GET still matches (If-None-Match compares weakly, RFC 9110, 13.1.2)."""
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)


def _compress_static(response) -> None:
    path = Path(current_app.static_folder, request.view_args.get("filename", ""))
    try:
        body = _gzipped_file(str(path), path.stat().st_mtime_ns)
    except OSError:
        return
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"


def _compress(response):
    if response.status_code == 304 and _accepts_gzip():
        _weaken(response)
        response.vary.add("Accept-Encoding")
        return response
    if (response.status_code != 200 or response.mimetype not in COMPRESSIBLE
            or "Content-Encoding" in response.headers):
        return response
    response.vary.add("Accept-Encoding")
    if not _accepts_gzip():
        return response
    if response.direct_passthrough:
        if request.endpoint == "static":
            _compress_static(response)
            _weaken(response)
        return response
    body = response.get_data()
    if len(body) < MIN_COMPRESS_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    _weaken(response)
    return response


def link(endpoint: str, **values) -> str:
    """url_for for the links every page repeats (the header, the footer, the stylesheet), built once per
    process: the same few addresses cost a fifth of a small page's CPU when built at each render.
    Not cached in debug mode, where a static file's version changes while the server runs."""
    if current_app.debug:
        return url_for(endpoint, **values)
    links = current_app.extensions.setdefault("page_links", {})
    key = (request.script_root, endpoint, *sorted(values.items()))
    try:
        return links[key]
    except KeyError:
        links[key] = address = url_for(endpoint, **values)
        return address


def site_footer() -> Markup:
    """The footer's fixed part (operator, contacts, policy links), rendered once per language and
    address prefix: it is the same on every page, and a dozen translations a render otherwise."""
    footers = current_app.extensions.setdefault("site_footer", {})
    key = (str(get_locale()), request.script_root)
    if current_app.debug or key not in footers:
        footers[key] = Markup(render_template("public/_footer.html"))
    return footers[key]


def register_delivery(app):
    """Versioned static addresses, their cache headers, compression and the favicon route."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(link=link, site_footer=site_footer)

    @app.url_defaults
    def version_static(endpoint, values):
        if endpoint == "static" and "v" not in values and (version := static_version(values.get("filename", ""))):
            values["v"] = version

    @app.after_request
    def deliver(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            version = request.args.get("v")
            fresh = version is not None and version == static_version(request.view_args.get("filename", ""))
            response.headers["Cache-Control"] = IMMUTABLE if fresh else REVALIDATE
        if app.config.get("COMPRESS_RESPONSES", True):
            return _compress(response)
        return response
