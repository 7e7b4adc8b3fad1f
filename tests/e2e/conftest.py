"""End-to-end fixtures: the app on a real server (SQLite, CSRF on), one headless Chromium.

These fixtures deliberately avoid the names `app`, `client` and `db` of tests/conftest.py, which
are parametrized over database engines: an end-to-end test runs once, on SQLite.
Every e2e test is marked `xdist_group("e2e")`, so under `--dist loadgroup` they share one worker,
hence one server and one browser.
"""
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.demo import load_demo_data
from app.extensions import db as _db

CHROMIUM = "/usr/bin/chromium"
# The machine has no internet: without these flags Chromium waits on network lookups.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 10_000
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}


@dataclass
class LiveServer:
    """The served app: its base URL, the app (for reading the database) and the demo's ids."""

    url: str
    app: object
    ids: dict = field(default_factory=dict)

    def rows(self, statement) -> list:
        """Run a read-only select of columns (not ORM objects) against the served database."""
        with self.app.app_context():
            try:
                return [tuple(row) for row in _db.session.execute(statement)]
            finally:
                _db.session.remove()


def _demo_ids():
    """The ids of the demo records the page checks need, found by what makes them distinctive."""
    from app.materials.models import Material
    from app.meetings.models import Meeting
    from app.plans.models import Plan

    def meeting(**where):
        query = select(Meeting.id)
        for name, value in where.items():
            query = query.where(getattr(Meeting, name) == value)
        return _db.session.scalars(query.order_by(Meeting.id)).first()

    committee = _db.session.scalar(select(Meeting).where(Meeting.kind == "committee", Meeting.livestream_url != "",
                                                         Meeting.status == "published")
                                   .order_by(Meeting.starts_at.desc()))
    assert committee.agenda_items and committee.cases and committee.suggested_attendance
    with_minutes = _db.session.scalar(select(Material.meeting_id).where(Material.category == "minutes")
                                      .order_by(Material.id))
    return {
        "published": committee.id,
        "postponed": meeting(status="postponed"),
        "cancelled": meeting(status="cancelled"),
        "past_with_minutes": with_minutes,
        "draft": meeting(status="draft"),
        "yilan_plan": _db.session.scalar(select(Plan.id).where(Plan.county_code == "yilan")),
        "open_hearing": meeting(kind="hearing", title="宜蘭縣國土計畫（草案）公聽會（宜蘭市場）"),
        "not_yet_open": meeting(kind="symposium", title="全國國土計畫通盤檢討期初座談會"),
        "manage_token": _manage_token(),
    }


def _manage_token():
    """The private-page token of the demo's first confirmed application (a speaker with a place)."""
    from app.registrations.links import MANAGE, make_token
    from app.registrations.models import Application
    return make_token(_db.session.scalars(select(Application).order_by(Application.id)).first(), MANAGE)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app with the demo data, served by werkzeug on a free loopback port for the whole session."""
    root = tmp_path_factory.mktemp("e2e")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'portal.sqlite3'}",
                      "WTF_CSRF_ENABLED": True, "UPLOAD_FOLDER": str(root / "uploads")})
    with app.app_context():
        _db.create_all()
        load_demo_data(now=datetime.now(timezone.utc))
        _db.session.commit()
        ids = _demo_ids()
        _db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, ids=ids)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            _db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every e2e test."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_context(browser, live_server):
    """A factory of fresh browser contexts (separate cookies: a visitor, a staff member …) on the server."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, accept_downloads=True, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh desktop-sized context."""
    return new_context(viewport={"width": 1280, "height": 900}).new_page()


@pytest.fixture
def phone_page(new_context):
    """A page in a fresh phone-sized context (390×844, touch)."""
    return new_context(**PHONE).new_page()
