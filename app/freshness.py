"""Conditional GETs for the public pages: an ETag derived from the data a page shows, 304 when it
is unchanged, and a Cache-Control that lets a proxy or CDN in front of the portal absorb spikes.

Freshness follows from the data, never from a code path remembering to call something: a view
loads everything its page shows (a few explicit queries), passes it here with the render, and the
ETag is a hash of those values, of the visitor's language and address, and of the code that
turns them into HTML (templates, translations, Python). A 304 saves the template and the body.
"""
import hashlib
import io
import pickle
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Response, current_app, make_response, redirect, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.engine import Row

from .extensions import db

# Proxies may keep a public page 30 s and serve it 30 s more while they fetch a fresh one; a change
# therefore reaches every visitor within a minute. Browsers revalidate with the ETag (a 304).
PUBLIC_CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=30"
PERSONAL_CACHE_CONTROL = "private, no-cache"
UNCACHEABLE = "no-store"
_APP_DIR = Path(__file__).resolve().parent


@cache
def code_version() -> str:
    """A hash of the portal's templates, translations and Python code: a new release gets new ETags."""
    digest = hashlib.sha256()
    for path in sorted(_APP_DIR.rglob("*")):
        if path.suffix in (".html", ".mo", ".py", ".txt") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_APP_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def _column_keys(mapper) -> tuple[str, ...]:
    return tuple(attr.key for attr in mapper.column_attrs)


_SEQUENCES = (tuple, Row)
_SCALARS = frozenset((str, int, bool, float, type(None)))


def _plain(value):
    """The values a page shows, with each ORM object replaced by its class name and column values
    (read from its __dict__: it was just loaded, and what is there is what the template will
    show), each named tuple or result row by its class name and fields, and each datetime by its
    ISO 8601 form (exact to the microsecond, with its offset). Everything else (scalars) is hashed as
    it is. Pickling a Row would pickle its result's metadata too, forty times the cost."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list or kind is tuple:
        return tuple(_plain(v) for v in value)
    if kind is datetime:
        return value.isoformat()
    if kind is dict:
        return tuple((k, _plain(v)) for k, v in value.items())
    mapper = getattr(kind, "__mapper__", None)
    if mapper is not None:
        return (kind.__name__, *[v.isoformat() if type(v) is datetime else v
                                 for v in map(value.__dict__.get, _column_keys(mapper))])
    if isinstance(value, _SEQUENCES):  # a named tuple (a page's lines), a result row
        return (kind.__name__, *(_plain(v) for v in value))  # (a Row pickles with its whole result's metadata)
    return value


def _serialised(value) -> bytes:
    """`value` as bytes that differ whenever it does: pickled (twenty times faster than repr), with
    memoisation off so that equal values give equal bytes whatever objects they share."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    try:
        pickler.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return repr(value).encode()
    return buffer.getvalue()


def data_etag(*values) -> str:
    """A strong ETag for a page showing `values` to this visitor (language and address included)."""
    page = (code_version(), str(get_locale()), request.full_path, _plain(values))
    return hashlib.sha256(_serialised(page)).hexdigest()[:32]


def reads_outside_a_transaction() -> None:
    """Let this request's reads run without BEGIN and ROLLBACK (autocommit), as the bare baseline's do.

    A public page only reads, a statement at a time: under PostgreSQL's READ COMMITTED each
    statement sees its own snapshot whether or not a transaction surrounds them, so the page is the
    same, minus two round trips. SQLAlchemy's documented per-session isolation setting; the pool
    restores the connection's default when the request ends. Not when something (a signed-in
    user's session check) already began a transaction.
    """
    session = db.session()  # this request's Session (the scoped_session proxies no in_transaction)
    if not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def personal_request() -> bool:
    """Whether this visitor's page carries something of their own (signed in, a flashed message)."""
    return current_user.is_authenticated or "_flashes" in session


def conditional_page(values, render, *, cacheable: bool = True) -> Response:
    """The page rendered by `render()`, or a 304 when the visitor's copy shows the same `values`.

    Only anonymous pages without flashed messages are public and conditional; `cacheable=False`
    (a page showing a visitor's own mistake, say) is never stored by anyone.
    """
    if personal_request() or not cacheable:
        response = make_response(render())
        response.headers["Cache-Control"] = PERSONAL_CACHE_CONTROL if cacheable else UNCACHEABLE
        return response
    etag = data_etag(*values)
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = make_response(render())
    response.set_etag(etag)
    response.headers["Cache-Control"] = current_app.config.get("PUBLIC_CACHE_CONTROL", PUBLIC_CACHE_CONTROL)
    response.vary.add("Cookie")  # the language cookie chooses the page's language
    return response


def canonical_redirect(args: dict) -> Response | None:
    """A permanent redirect to this page's canonical address when the query string holds anything
    but `args` (unknown parameters, repeated ones, defaults spelled out), else None.

    A proxy then stores one page per meaning of the address, whatever parameters anyone appends
    (the order of the known ones aside: a handful of variants, not an unbounded number).
    """
    given = sorted(request.args.items(multi=True))
    if given == sorted((name, str(value)) for name, value in args.items()):
        return None
    expected = urlencode(args)
    # script_root: the portal may be mounted under a path (PUBLIC_BASE_URL may carry one).
    return redirect(request.script_root + request.path + (f"?{expected}" if expected else ""), 301)
