"""Fixtures: the app on each database engine (SQLite and a real PostgreSQL), client, auth, factories.

Engine tiers. Every test that takes `app` (or `client`, `db`, `make` …) runs once per engine in
TEST_ENGINES (default "sqlite postgresql"): that is the default, and forgetting a marker errs on the
safe side. A test (or a module, `pytestmark = pytest.mark.one_engine`) may opt out with
`@pytest.mark.one_engine` when it is engine-neutral: its requests only read. It then runs once, on
SQLite (or on the first engine of TEST_ENGINES when SQLite is not among them). Two guards keep the
marker honest:
- it is refused (collection error) in tests/services/ and tests/test_migrations.py, which test
  engine behaviour (locks, constraints, transactions, schema) by definition;
- a one_engine test fails when one of its requests is not GET/HEAD/OPTIONS, or when the database
  receives an INSERT, UPDATE or DELETE while a request is handled: views that write run on both
  engines. (What the test itself builds through the factories, outside a request, is set-up; CLI
  commands and direct service calls are not watched: the marker is meant for page tests.)
Reads that lean on engine behaviour (ILIKE search, integers beyond a column's range, ordering of
text) stay on both engines too: the guards cannot tell, so judge before marking.

The session fails when a tier that REQUIRE_ENGINES names ran no test (plus the browser tier `e2e` and
the two-instance tier `multi`: two gunicorn portals on PostgreSQL, Redis and the S3 store),
so a missing PostgreSQL cannot pass unnoticed; the summary prints "tiers passed: sqlite=…, …".
"""
import asyncio
import os
import socket
import subprocess
import threading
import time
import uuid
from collections import Counter
from email import policy as email_policy
from email.parser import BytesParser
from urllib.parse import urlsplit

import pytest
from flask import has_request_context
from flask import request as flask_request
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db as _db

from . import factories

ENGINES = os.environ.get("TEST_ENGINES", "sqlite postgresql").split()
# Where one engine runs the engine-neutral tests (marked one_engine): SQLite, the faster one.
ONE_ENGINE = "sqlite" if "sqlite" in ENGINES else ENGINES[0]
# Tests of engine behaviour: @pytest.mark.one_engine is refused there.
BOTH_ENGINES_ALWAYS = ("tests/services/", "tests/test_migrations.py")
_passed = Counter()


def _worker(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


def postgres_database(request, name: str) -> str:
    """A fresh PostgreSQL database for this worker; fails (never skips) without a server."""
    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        pytest.fail("TEST_POSTGRES_URL is not set: run the suite with `make test`, which starts PostgreSQL, "
                    "or set TEST_ENGINES=sqlite for a quick local run.")
    url = make_url(base)
    dbname = f"{url.database}_{name}_{_worker(request)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{dbname}"'))
    admin.dispose()
    return url.set(database=dbname).render_as_string(hide_password=False)


def sqlite_database(tmp_path_factory, name: str) -> str:
    """A fresh SQLite file for this worker."""
    return f"sqlite:///{tmp_path_factory.mktemp(name) / 'portal.sqlite3'}"


@pytest.fixture(scope="session")
def engine_urls(request, tmp_path_factory):
    """One schema-ready database per engine, created once per test worker."""
    urls = {}
    for engine in ENGINES:
        url = postgres_database(request, "views") if engine == "postgresql" else sqlite_database(tmp_path_factory, "db")
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            _db.create_all()
            _db.engine.dispose()
        urls[engine] = url
    return urls


def pytest_generate_tests(metafunc):
    """Parametrize `app` over the engines: all of TEST_ENGINES, or ONE_ENGINE for a one_engine test."""
    if "app" not in metafunc.fixturenames:
        return
    engines = ENGINES
    if metafunc.definition.get_closest_marker("one_engine"):
        where = metafunc.definition.nodeid
        if where.startswith(BOTH_ENGINES_ALWAYS):
            pytest.fail(f"{where}: @pytest.mark.one_engine is not allowed in {', '.join(BOTH_ENGINES_ALWAYS)}; "
                        "services and migrations test engine behaviour and run on every engine", pytrace=False)
        engines = [ONE_ENGINE]
    metafunc.parametrize("app", engines, indirect=True)


class ReadOnlyWatch:
    """Records what makes a test engine-dependent: a request that is not a read, or an SQL write during one."""

    def __init__(self, nodeid: str):
        self.nodeid = nodeid
        self.found = []

    def attach(self, app):
        """Watch the requests `app` handles and the statements its database engine runs."""
        def note_method():
            if flask_request.method not in ("GET", "HEAD", "OPTIONS"):
                self.found.append(f"{flask_request.method} {flask_request.path}")

        def note_write(conn, cursor, statement, parameters, context, executemany):
            verb = statement.lstrip().split(None, 1)[0].upper()
            if verb in ("INSERT", "UPDATE", "DELETE") and has_request_context():
                self.found.append(f"{verb} during {flask_request.method} {flask_request.path}")

        app.before_request_funcs.setdefault(None, []).insert(0, note_method)
        with app.app_context():
            event.listen(_db.engine, "before_cursor_execute", note_write)

    def check(self):
        """Fail the test if it wrote: it must run on every engine (drop its one_engine marker)."""
        if self.found:
            pytest.fail(f"{self.nodeid} is marked one_engine but writes through a request "
                        f"({'; '.join(dict.fromkeys(self.found))}): views that write run on every engine, "
                        "remove the marker (see tests/conftest.py)", pytrace=False)


@pytest.fixture
def app(request, engine_urls, tmp_path):
    """The application on one engine; every table is emptied after the test."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": engine_urls[request.param],
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    app.config["ENGINE_NAME"] = request.param
    watch = None
    if request.node.get_closest_marker("one_engine"):
        watch = ReadOnlyWatch(request.node.nodeid)
        watch.attach(app)
        app.extensions["read_only_watch"] = watch  # app_with (tests/views/conftest.py) watches its apps too
    with app.app_context():
        yield app
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()
    if watch:
        watch.check()


def _empty_tables():
    # DELETE, not TRUNCATE: on tables of a few rows it is several times faster on PostgreSQL, where
    # TRUNCATE replaces every table's files. Ids are not restarted; no test may rely on their values.
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def db(app):
    """The database session bound to the app."""
    return _db


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()


class AuthActions:
    """Sign a staff member in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, user_or_email, password=factories.PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self._client.post("/staff/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/staff/logout")


@pytest.fixture
def auth(client):
    """Log in as a staff member: auth.login(user)."""
    return AuthActions(client)


@pytest.fixture
def make(db):
    """The factories, bound to the current app's database."""
    return factories


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPSink:
    """A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives.

    `messages` holds parsed email.message.EmailMessage objects in arrival order; `delay` (seconds)
    slows each delivery down, to make concurrent senders overlap. Flask-Mail's settings are read
    by the outbox worker on every run, so a test points the app at the sink with
    `app.config.update(smtp.config)` at any time.
    """

    def __init__(self):
        self.messages = []
        self.delay = 0.0
        self._arrived = threading.Condition()
        self.port = free_port()
        self.config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False,
                       "MAIL_USE_SSL": False, "MAIL_USERNAME": None, "MAIL_PASSWORD": None,
                       "MAIL_SUPPRESS_SEND": False}

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = BytesParser(policy=email_policy.default).parsebytes(envelope.content)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 5) -> list:
        """Wait until at least `count` messages arrived; return them all (fails after `timeout`)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout):
                pytest.fail(f"expected {count} e-mail(s) within {timeout}s, got {len(self.messages)}")
            return list(self.messages)


@pytest.fixture
def smtp():
    """An aiosmtpd server on a free loopback port collecting the messages it receives."""
    from aiosmtpd.controller import Controller
    sink = SMTPSink()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed:
        for engine in ("sqlite", "postgresql"):
            if f"[{engine}" in report.nodeid or f"-{engine}]" in report.nodeid or f"-{engine}-" in report.nodeid:
                _passed[engine] += 1
        if "tests/e2e/" in report.nodeid:
            _passed["e2e"] += 1
        if "tests/multi/" in report.nodeid:
            _passed["multi"] += 1


def _required_tiers() -> list[str]:
    required = os.environ.get("REQUIRE_ENGINES", "").split()
    return required + ["e2e", "multi"] if required else []


def pytest_sessionfinish(session, exitstatus):
    # Only the controlling process sees every worker's reports.
    if hasattr(session.config, "workerinput"):
        return
    if exitstatus == 0 and any(_passed[tier] == 0 for tier in _required_tiers()):
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    summary = ", ".join(f"{tier}={_passed[tier]}" for tier in ("sqlite", "postgresql", "e2e", "multi"))
    terminalreporter.write_line(f"tiers passed: {summary}")
    missing = [tier for tier in _required_tiers() if _passed[tier] == 0]
    if missing:
        terminalreporter.write_line(f"FAILED: no test passed on tier(s) {', '.join(missing)}", red=True)


@pytest.fixture(scope="session")
def s3_server() -> dict:
    """The S3-compatible test server (SeaweedFS on loopback): TEST_S3_URL, or started by scripts/test-s3.sh."""
    url = os.environ.get("TEST_S3_URL")
    if not url:
        script = os.path.join(os.path.dirname(__file__), os.pardir, "scripts", "test-s3.sh")
        done = subprocess.run([script], capture_output=True, text=True, timeout=120)
        if done.returncode:
            pytest.fail(f"no S3 server for the tests: {done.stderr.strip()}")
        url = done.stdout.strip()
    parts = urlsplit(url)
    return {"S3_ENDPOINT_URL": f"http://{parts.hostname}:{parts.port}", "S3_ACCESS_KEY_ID": parts.username,
            "S3_SECRET_ACCESS_KEY": parts.password, "S3_REGION": "us-east-1"}


@pytest.fixture(scope="session")
def s3_client(s3_server):
    """A boto3 client of the test server, and its one bucket (SeaweedFS gives each bucket volumes of its own)."""
    import boto3
    client = boto3.client("s3", endpoint_url=s3_server["S3_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id=s3_server["S3_ACCESS_KEY_ID"],
                          aws_secret_access_key=s3_server["S3_SECRET_ACCESS_KEY"])
    if "portal-tests" not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
        try:
            client.create_bucket(Bucket="portal-tests")
        except client.exceptions.BucketAlreadyOwnedByYou:
            pass  # the other test worker made it first
    for _ in range(50):  # SeaweedFS makes a bucket's folder a moment after it answers: wait until it takes a write
        try:
            client.put_object(Bucket="portal-tests", Key="probe", Body=b"")
            break
        except client.exceptions.ClientError:
            time.sleep(0.1)
    return client


@pytest.fixture
def s3_bucket(s3_server, s3_client) -> dict:
    """An empty place in the test bucket for one test (a key prefix of its own, emptied afterwards):
    the app settings that select it."""
    prefix = f"{uuid.uuid4().hex}/"
    yield {**s3_server, "S3_BUCKET": "portal-tests", "S3_PREFIX": prefix}
    for item in s3_client.list_objects_v2(Bucket="portal-tests", Prefix=prefix).get("Contents", []):
        s3_client.delete_object(Bucket="portal-tests", Key=item["Key"])


@pytest.fixture(params=["folder", "s3"])
def store_kind(request, app):
    """Run a test on both file stores: the upload folder, and a fresh bucket of the S3 test server."""
    if request.param == "s3":
        app.config.update(request.getfixturevalue("s3_bucket"))
    return request.param
