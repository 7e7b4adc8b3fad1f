"""Issue 13 item 2: two portal processes (gunicorn, separate instance folders) on one PostgreSQL, one Redis
and one S3-compatible store behave as one portal: a file uploaded through one is served by the other, a
rate limit counts across both, and a registration burst split across both keeps every rule."""
import http.client
import os
import re
import secrets
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from app import create_app
from app.accounts.models import User
from app.accounts.services import create_staff
from app.dbtypes import utcnow
from app.extensions import db
from app.plans.models import Organizer

from ..conftest import postgres_database

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import registration_burst as burst  # noqa: E402
from servers import Server  # noqa: E402

PASSWORD = "a long enough passphrase for the clerk"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(scope="module")
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        import subprocess
        done = subprocess.run([str(ROOT / "scripts" / "test-redis.sh")], capture_output=True, text=True, timeout=60)
        if done.returncode:
            pytest.fail(f"no Redis for the tests: {done.stderr.strip()}")
        url = done.stdout.strip()
    return url


@pytest.fixture(scope="module")
def cluster(request, tmp_path_factory, redis_url, s3_server, s3_client):
    """Portals A and B: the same database, Redis and bucket (a prefix of their own), their own instance folders."""
    url = postgres_database(request, "multi")
    [meeting] = burst.prepare(url, 1)
    os.environ.setdefault("PORTAL_ENV", "development")
    seeding = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with seeding.app_context():
        organizer = db.session.scalars(db.select(Organizer).where(Organizer.slug == "burst")).one()
        create_staff(email="clerk@burst.gov.tw", name="林書記", role="secretariat", organizer=organizer,
                     password=PASSWORD, actor=None, now=utcnow())
        db.session.commit()
        db.engine.dispose()
    redis.Redis.from_url(redis_url).flushdb()
    logs = tmp_path_factory.mktemp("logs")
    shared = {"PORTAL_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": url,
              "PUBLIC_BASE_URL": "https://participation.example.gov.tw", "SESSION_COOKIE_SECURE": "0",
              "RATELIMIT_STORAGE_URI": redis_url, "LOGIN_RATE_LIMIT": "4 per minute",
              "REGISTRATION_RATE_LIMIT": "1000 per minute", **s3_server,
              "S3_BUCKET": "portal-tests", "S3_PREFIX": f"multi-{secrets.token_hex(6)}/"}
    servers, folders = [], {}
    try:
        for name in ("a", "b"):
            folders[name] = tmp_path_factory.mktemp(f"instance-{name}")
            servers.append(Server(name, "wsgi:app", shared | {"INSTANCE_PATH": str(folders[name])}, ROOT, logs))
        for server in servers:
            server.wait_ready("/healthz")
        yield {"a": servers[0], "b": servers[1], "meeting": meeting, "url": url, "redis": redis_url,
               "folders": folders}
    finally:
        for server in servers:
            server.stop()


class Client:
    """A browser of one portal: cookies kept (the staff session), CSRF tokens read from the forms."""

    def __init__(self, server):
        self.port, self.cookies = server.port, {"lang": "en"}

    def send(self, method, path, body=None, content_type=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        conn.close()
        return response.status, data, response.headers

    def token(self, path):
        return CSRF.search(self.send("GET", path)[1].decode()).group(1)

    def post_form(self, path, fields):
        form = urllib.parse.urlencode({**fields, "csrf_token": self.token(path)})
        return self.send("POST", path, form, "application/x-www-form-urlencoded")

    def post_file(self, path, fields, filename, data):
        boundary = secrets.token_hex(12)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in {**fields, "csrf_token": self.token(path)}.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                     f"Content-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.send("POST", path, body, f"multipart/form-data; boundary={boundary}")


def test_a_rate_limit_hit_on_one_counts_on_the_other(cluster):
    redis.Redis.from_url(cluster["redis"]).flushdb()
    statuses = []
    for server in ("a", "b", "a", "b", "a"):
        clerk = Client(cluster[server])
        statuses.append(clerk.post_form("/staff/login", {"email": "clerk@burst.gov.tw", "password": "wrong"})[0])
    assert statuses == [401, 401, 401, 401, 429]  # four per minute in all, wherever they landed
    redis.Redis.from_url(cluster["redis"]).flushdb()


def test_a_file_uploaded_through_one_is_served_by_the_other(cluster):
    clerk = Client(cluster["a"])
    status, _body, headers = clerk.post_form("/staff/login", {"email": "clerk@burst.gov.tw", "password": PASSWORD})
    assert status == 302, _body[:300]
    meeting = cluster["meeting"]["id"]
    status, body, headers = clerk.post_file(f"/staff/meetings/{meeting}/materials",
                                            {"title": "第一次公聽會簡報", "category": "briefing", "link_url": ""},
                                            "簡報.pdf", PDF)
    assert status == 302, body[:500]
    page = Client(cluster["b"]).send("GET", f"/meetings/{meeting}")[1].decode()
    link = re.search(r'href="(/materials/\d+/[^"]+)"', page).group(1)
    status, data, headers = Client(cluster["b"]).send("GET", link)
    assert status == 200 and data == PDF
    assert headers["X-Content-Type-Options"] == "nosniff"
    # Nothing landed on either host's disk: the file is in the shared store only.
    for folder in cluster["folders"].values():
        assert [p for p in folder.rglob("*") if p.is_file()] == []


def test_a_registration_burst_split_across_both_keeps_every_rule(cluster):
    meeting, mailbox = cluster["meeting"], burst.Mailbox(cluster["url"])
    forms = [burst.applicant(1, n, meeting["cases"], prefix="multi") for n in range(60)]
    ports = [cluster["a"].port, cluster["b"].port]
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda pair: burst.apply_and_confirm(ports[pair[0] % 2], meeting["id"], pair[1],
                                                                       mailbox), enumerate(forms)))
    errors = [o.detail for o in outcomes if o.result == "error"]
    assert errors == []
    assert sum(o.result == "confirmed" for o in outcomes) >= 30
    results = {form["email"]: outcome.result for form, outcome in zip(forms, outcomes, strict=True)}
    assert burst.check_database(cluster["url"], meeting["id"], results) == []


def test_the_display_reads_the_same_on_both_instances(cluster):
    """The day-of display keeps no state in a process: both portals show the same speaker, version and end."""
    import json

    from app.dayof import course, queue
    from app.dayof.state import course_of
    from app.rules import meeting_course as mc
    meeting = cluster["meeting"]["id"]
    mailbox = burst.Mailbox(cluster["url"])
    for n in range(3):  # speakers on the first case, through the pages, whatever ran before this test
        form = burst.applicant(2, n, cluster["meeting"]["cases"], prefix="display")
        assert burst.apply_and_confirm(cluster["a"].port, meeting, form, mailbox).result != "error"
    seeding = create_app({"SQLALCHEMY_DATABASE_URI": cluster["url"]})
    with seeding.app_context():
        clerk = db.session.scalars(db.select(User).where(User.email == "clerk@burst.gov.tw")).one()
        for action in (mc.CALL_CASE, mc.OPEN_COMMENT):
            course.change_course(meeting, action, version=course_of(meeting).version if course_of(meeting) else 0,
                                 now=utcnow(), actor=clerk)
            db.session.commit()
        first = queue.queue_of(meeting, cluster["meeting"]["cases"][0])[0]
        queue.act_on_turn(meeting, first.id, mc.START, version=course_of(meeting).version, now=utcnow(), actor=clerk)
        db.session.commit()
        db.engine.dispose()
    shown = [json.loads(Client(cluster[name]).send("GET", f"/meetings/{meeting}/display.json")[1])
             for name in ("a", "b")]
    assert shown[0]["version"] == shown[1]["version"] > 0
    assert shown[0]["speaker"]["name"] == shown[1]["speaker"]["name"]
    assert abs(shown[0]["speaker"]["ends_at"] - shown[1]["speaker"]["ends_at"]) < 0.01  # from the stored start
    assert abs(shown[0]["server_time"] - shown[1]["server_time"]) < 1
