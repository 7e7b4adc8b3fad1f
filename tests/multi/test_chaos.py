"""Issue 13 item 5: a gunicorn worker killed, and PostgreSQL restarted, in the middle of a burst of
confirmations (4 workers): every confirmation ends applied or refused after the user retries what
was cut off or answered 503, nothing is half-applied (0 rule violations), the portal answers 503 with
Retry-After while the database is down and recovers by itself, and no e-mail is lost."""
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from ..conftest import postgres_database

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import chaos  # noqa: E402
import registration_burst as burst  # noqa: E402
from seed import recreate_database  # noqa: E402

APPLICANTS = 90


def _settled(outcomes):
    assert [o.answers for o in outcomes if o.result == "error"] == []
    before_last = Counter(answer for o in outcomes for answer in o.answers[:-1])
    assert set(before_last) <= {"cut", 503}, before_last  # what a retry may follow: a cut or "try again"
    return before_last


def test_killing_a_worker_mid_burst_leaves_every_confirmation_whole(request, tmp_path):
    url = postgres_database(request, "chaos_kill")
    [meeting] = burst.prepare(url, 1)
    server = chaos.start_portal(url, secrets.token_hex(32), tmp_path)
    try:
        server.wait_ready("/healthz")
        forms, links = chaos.apply_all(server, meeting, APPLICANTS, "kill", url)
        killed = []
        outcomes, _seconds = chaos.confirm_all(server, links, concurrency=16,
                                               disrupt=lambda: killed.append(chaos.kill_one_worker(server)))
        assert len(killed) == 1
        with pytest.raises(ProcessLookupError):
            os.kill(killed[0], 0)  # the worker is gone for good; gunicorn serves on with a new one
        server.wait_ready("/healthz")
    finally:
        server.stop()
    _settled(outcomes)
    assert sum(o.result in ("confirmed", "settled") for o in outcomes) >= APPLICANTS // 2
    assert chaos.violations(url, meeting, forms, links, outcomes) == []


@pytest.fixture
def own_postgres(tmp_path_factory):
    """A PostgreSQL server of this test's own (port 55442), since the test stops and starts it."""
    directory, port = "/tmp/landuse-portal-pg-chaos", "55442"
    env = {k: v for k, v in os.environ.items() if k != "TEST_POSTGRES_URL"}
    env.update(TEST_PG_PORT=port, TEST_PG_DIR=directory)
    done = subprocess.run([str(ROOT / "scripts" / "test-postgres.sh")], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip().rsplit("/", 1)[0] + "/portal_chaos"
    recreate_database(url)
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))[-1]
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def pg_ctl(*args):
        subprocess.run([*run_as, str(binaries), "-D", directory, "-w", "-t", "60", *args], check=True,
                       capture_output=True, timeout=90)

    # The options scripts/test-postgres.sh starts it with (a plain `pg_ctl start` would use the defaults).
    options = ["-l", f"{directory}/server.log", "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {directory} "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"]

    def stop():
        pg_ctl("stop", "-m", "fast")

    def start():
        pg_ctl("start", *options)

    yield url, stop, start
    if subprocess.run([*run_as, str(binaries), "-D", directory, "status"], capture_output=True).returncode:
        start()  # leave it running for the next test run


def _unsent(url: str) -> int:
    with psycopg.connect(burst.plain(url)) as conn:
        # Still to send: queued, or claimed by a worker. A row whose send the outage interrupted is marked
        # uncertain and not sent again; whether its mail arrived is checked against the sink below.
        return conn.execute("SELECT count(*) FROM outbox_messages WHERE status IN ('pending', 'sending')"
                            ).fetchone()[0]


def test_restarting_postgresql_mid_burst_answers_503_recovers_and_loses_no_mail(own_postgres, smtp, tmp_path):
    url, stop, start = own_postgres
    [meeting] = burst.prepare(url, 1)
    env = chaos.portal_env(url, secrets.token_hex(32)) | {
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port), "MAIL_USE_TLS": "0", "MAIL_TIMEOUT": "5",
        # A batch the outage interrupted stays claimed until its lease ends (5 minutes by default).
        "OUTBOX_LEASE_SECONDS": "10"}
    server = chaos.start_portal(url, env["SECRET_KEY"], tmp_path, extra=env)
    sender = subprocess.Popen([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "outbox", "send",
                               "--loop", "--interval", "0.5"], cwd=ROOT, env={**os.environ, **env},
                              stdout=subprocess.DEVNULL, stderr=open(tmp_path / "outbox.log", "wb"))  # noqa: SIM115
    during = {}

    def outage():
        stop()
        try:
            urllib.request.urlopen(urllib.request.Request(f"{server.base_url}/meetings/{meeting['id']}",
                                                          headers={"Cookie": "lang=en"}), timeout=10)
        except urllib.error.HTTPError as answer:
            during.update(status=answer.code, retry_after=answer.headers.get("Retry-After"),
                          page=answer.read().decode(errors="replace"))
        time.sleep(1)
        start()

    try:
        server.wait_ready("/healthz")
        forms, links = chaos.apply_all(server, meeting, APPLICANTS, "restart", url)
        outcomes, _seconds = chaos.confirm_all(server, links, concurrency=16, disrupt=outage)
        assert during["status"] == 503 and during["retry_after"] == "5"
        assert "cannot reach its database" in during["page"]
        deadline = time.monotonic() + 60
        while _unsent(url) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _unsent(url) == 0, (tmp_path / "outbox.log").read_text()[-2000:]
    finally:
        sender.terminate()
        sender.wait(10)
        server.stop()
    _settled(outcomes)
    assert chaos.violations(url, meeting, forms, links, outcomes) == []
    with psycopg.connect(burst.plain(url)) as conn:
        queued = Counter(conn.execute("SELECT recipient FROM outbox_messages").fetchall())
    received = Counter((str(message["To"]),) for message in smtp.messages)
    lost = {r: n - received[r] for r, n in queued.items() if received[r] < n}
    if lost:  # what the outbox says of the lost ones, for the failure message
        with psycopg.connect(burst.plain(url)) as conn:
            lost = conn.execute("SELECT recipient, status, attempts, last_error FROM outbox_messages "
                                "WHERE recipient = ANY(%s)", ([r for (r,) in lost],)).fetchall()
    assert lost == {}  # every queued message arrived at least once
    repeated = sum(received.values()) - sum(queued.values())
    print(f"PostgreSQL restart: {chaos.summary(outcomes)}; {sum(queued.values())} e-mails queued, "
          f"{sum(received.values())} received ({repeated} repeated)")  # the figures of docs/reliability.md (-s)
    assert repeated <= 4  # at most the messages in flight when the database went away
