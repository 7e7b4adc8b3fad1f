"""Fixtures and helpers for the staff-page tests: two counties with staff of every role.

The helpers are plain functions (imported with `from .conftest import …`) so that a test reads
as the request it makes and the rows it checks.
"""
import html as htmllib
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from argon2 import PasswordHasher
from flask import g
from jinja2 import BytecodeCache
from sqlalchemy import func, select

from app import create_app
from app.accounts.sessions import SESSION_KEY, start_session
from app.extensions import db as _db
from app.timefmt import to_local

SITE_NAME = "Land-use Planning Participation Portal"
PASSWORD = "correct horse battery staple"  # tests/factories.py's PASSWORD
# The same password hashed with argon2id at minimal cost: signing in through the real form then takes
# milliseconds instead of ~0.2 s. test_staff_login.py checks the cost of the app's own hashes.
FAST_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
FORM_TIME = "%Y-%m-%dT%H:%M"


def text_of(response) -> str:
    """The response body with HTML entities decoded, so English messages compare as written."""
    return htmllib.unescape(response.get_data(as_text=True))


def field_error(response, field_id: str) -> str | None:
    """The error text shown next to one form field (its `<p class="error" id="…-error">`), or None."""
    found = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>',
                      response.get_data(as_text=True), re.S)
    return htmllib.unescape(found.group(1)).strip() if found else None


def error_in_form(response, form_action: str, field_id: str) -> str | None:
    """The error next to `field_id` inside the form posting to `form_action` (the manage page has several forms)."""
    body = response.get_data(as_text=True)
    form = re.search(rf'<form method="post" action="{re.escape(form_action)}".*?</form>', body, re.S)
    assert form, f"no form posting to {form_action}"
    # The id may carry a prefix that tells the forms apart (postpone_reason, cancel_reason …).
    found = re.search(rf'<p class="error" id="(?:[\w-]*_)?{re.escape(field_id)}-error">(.*?)</p>', form.group(0), re.S)
    return htmllib.unescape(found.group(1)).strip() if found else None


def flashes(response) -> list[str]:
    """The flash messages on the page."""
    return [htmllib.unescape(m).strip() for m in
            re.findall(r'<p class="flash flash-\w+">(.*?)</p>', response.get_data(as_text=True), re.S)]


def count(model, *where) -> int:
    """How many rows of `model` match, read fresh from the database."""
    _db.session.expire_all()
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


def fresh(record):
    """The record re-read from the database (whatever a request committed or rolled back)."""
    _db.session.expire_all()
    return _db.session.get(type(record), record.id)


def local(moment: datetime) -> str:
    """A moment as the Taipei wall-clock text a datetime-local field posts."""
    return to_local(moment).strftime(FORM_TIME)


def on_the_minute(moment: datetime) -> datetime:
    """The moment without seconds: what a datetime-local field can express."""
    return moment.replace(second=0, microsecond=0)


def meeting_form(plan, organizer, *, start: datetime, hours: int = 3, **overrides) -> dict:
    """A complete, valid meeting form whose venue-rule settings are the organizer's profile."""
    data = {
        "plan_id": plan.id, "kind": "hearing", "phase": "", "title": "乙種公聽會", "summary": "",
        "starts_at": local(start), "ends_at": local(start + timedelta(hours=hours)),
        "venue_name": "縣府大樓 301 會議室", "venue_address": "縣府路 1 號", "directions": "", "overflow_room": "大禮堂",
        "livestream_url": "", "contact": "", "registration_opens_at": "", "registration_closes_at": "",
        "departure_reason": "",
        **{name: str(value) for name, value in organizer.profile.settings().as_dict().items()},
    }
    data.update({k: str(v) if isinstance(v, int) else v for k, v in overrides.items()})
    return data


def edit_form(meeting, **overrides) -> dict:
    """The edit form of a meeting as the page shows it (its current values and `sequence`)."""
    data = meeting_form(meeting.plan, meeting.organizer, start=meeting.starts_at,
                        title=meeting.title, kind=meeting.kind, phase=meeting.phase or "",
                        venue_name=meeting.venue_name, venue_address=meeting.venue_address,
                        overflow_room=meeting.overflow_room, sequence=str(meeting.sequence),
                        **{name: str(value) for name, value in meeting.settings().as_dict().items()})
    data["ends_at"] = local(meeting.ends_at)
    data.update({k: str(v) if isinstance(v, int) else v for k, v in overrides.items()})
    return data


def fast_sign_in(*users):
    """Give staff accounts FAST_HASH (same password), for tests that sign in through the form repeatedly."""
    for user in users:
        user.password_hash = FAST_HASH
    _db.session.commit()


def forget_signed_in_user():
    """Drop the user Flask-Login cached in `g` for the current app context."""
    g.pop("_login_user", None)


class _SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept for the whole test run: each test builds a new app, which would compile them again."""

    def __init__(self):
        self._store = {}

    def load_bytecode(self, bucket):
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket):
        self._store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = _SharedBytecodeCache()


def _prepare(app):
    """Per-request users (see own_user_per_request) and templates compiled once per test run."""
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    app.before_request_funcs.setdefault(None, []).insert(0, forget_signed_in_user)
    return app


@pytest.fixture
def own_user_per_request(app):
    """Make each request find its user from its own session cookie, as in production.

    The test client's requests share the test's app context, so Flask-Login's cached user in `g` would
    leak from one client (or one sign-in) to the next; drop it at the start of every request.
    """
    _prepare(app)


@pytest.fixture
def counties(make, own_user_per_request):
    """County A and county B, each with a plan, a draft and a published meeting; staff of every role."""
    a = make.organizer("county-a", name="甲縣政府", county_code="taichung")
    b = make.organizer("county-b", name="乙縣政府", county_code="yilan")
    plan_a, plan_b = make.plan(a, name="甲縣國土計畫"), make.plan(b, name="乙縣國土計畫")
    start = on_the_minute(make.now() + timedelta(days=20))
    w = SimpleNamespace(
        a=a, b=b, plan_a=plan_a, plan_b=plan_b, start=start,
        draft_a=make.meeting(a, plan_a, status="draft", title="甲縣草稿座談會", start=start),
        published_a=make.meeting(a, plan_a, title="甲縣公開公聽會", start=start + timedelta(days=1)),
        draft_b=make.meeting(b, plan_b, status="draft", title="乙縣草稿座談會", start=start),
        published_b=make.meeting(b, plan_b, title="乙縣公開公聽會", start=start + timedelta(days=2)),
        secretariat_a=make.staff("secretariat", a), planner_a=make.staff("planner", a),
        secretariat_b=make.staff("secretariat", b), admin=make.staff("admin"),
    )
    make.commit()
    return w


@pytest.fixture
def sign_in(client, own_user_per_request):
    """Sign a staff member in, with English pages; returns the client.

    The session is written directly, as Flask-Login would after the form: argon2id makes each real
    sign-in cost ~0.2 s on purpose. test_staff_login.py covers the form itself.
    """
    def sign_in(user):
        return client_as(None, user, client)
    return sign_in


def client_as(app, user, client=None):
    """A test client (of `app`, or `client` itself) signed in as `user`, with English pages (see sign_in)."""
    client = client or app.test_client()
    client.set_cookie("lang", "en")
    key = start_session(user, user_agent="pytest", now=datetime.now(timezone.utc))  # a live sign-in record
    _db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session[SESSION_KEY] = key
    return client


@pytest.fixture
def app_with(app):
    """Build another app on the same database with some settings changed (CSRF, rate limits, sizes)."""
    made = []

    def build(**config):
        other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                            "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], **config})
        made.append(other)
        other.jinja_env.bytecode_cache = TEMPLATE_CACHE
        if watch := app.extensions.get("read_only_watch"):  # a one_engine test (tests/conftest.py)
            watch.attach(other)
        return other

    yield build
    for other in made:
        with other.app_context():
            _db.session.remove()
            _db.engine.dispose()
