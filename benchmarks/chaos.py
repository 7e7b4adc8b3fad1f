"""Chaos, measured (issue 13 item 5): a burst of confirmations while a gunicorn worker is killed, and
while PostgreSQL restarts; every confirmation must end applied or refused with an answer the user
can retry, never half-applied, with no rule broken in the database.

    BENCH_POSTGRES_URL=postgresql+psycopg://portal@127.0.0.1:55432/portal_test \
        .venv/bin/python benchmarks/chaos.py [--applicants 500]

1. Creates a fresh database and one open committee meeting (3 cases, 10 speakers per case) with
   the portal's services, and starts the portal under gunicorn (4 workers × 4 threads, production
   settings) on loopback.
2. Every applicant applies (no chaos yet); their confirmation links are read from the outbox.
3. Worker kill: all confirmations are sent, 32 at a time; when a third have answered, one gunicorn
   worker is killed with SIGKILL (gunicorn starts another). Confirmations whose connection broke or
   that were answered 503 are repeated by their "user", as a person would press the button again.
4. The database is checked with the burst benchmark's rule check (caps, one speaker per
   organisation, stored places equal to the pure allocation, every confirmed applicant active,
   every refused one not).

It prints how many confirmations were cut off by the kill, how many were repeated and how they
ended, the time the burst took, and the rule violations found (0 is the goal). The PostgreSQL
restart part runs in the test suite (tests/multi/test_chaos.py) on a server of its own.
"""
import argparse
import os
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import registration_burst as burst  # noqa: E402
import servers  # noqa: E402
from seed import bench_database_url, recreate_database  # noqa: E402

CHAOS_OPTIONS = ("--workers", "4", "--worker-class", "gthread", "--threads", "4", "--keep-alive", "30",
                 "--backlog", "2048", "--log-level", "warning", "--graceful-timeout", "5")
RETRIES = 40
RETRY_PAUSE = 0.25


@dataclass
class Confirmation:
    """One applicant's confirmation under chaos: the answers they saw, in order, and how it ended."""

    email: str
    answers: list = field(default_factory=list)  # HTTP statuses, or "cut" for a broken connection
    result: str = ""  # confirmed | refused_at_confirm | error

    @property
    def repeated(self) -> int:
        return max(0, len(self.answers) - 1)


def portal_env(url: str, secret: str) -> dict:
    """The served portal's settings: production, rate limits off (one load generator stands for everyone)."""
    return {"DATABASE_URL": url, "PORTAL_ENV": "production", "SECRET_KEY": secret,
            "PUBLIC_BASE_URL": "https://participation.example.gov.tw", "RATELIMIT_ENABLED": "0",
            "SESSION_COOKIE_SECURE": "0", "DATABASE_PRE_PING": "0"}


def start_portal(url: str, secret: str, log_dir: Path, name: str = "chaos",
                 extra: dict | None = None) -> servers.Server:
    """gunicorn with 4 workers serving the portal on `url`."""
    return servers.Server(name, "wsgi:app", portal_env(url, secret) | (extra or {}), ROOT, log_dir,
                          options=CHAOS_OPTIONS)


def apply_all(server, meeting: dict, applicants: int, prefix: str, url: str) -> tuple[list[dict], dict]:
    """Every applicant applies (through the pages, 16 at a time); returns their forms and confirmation paths."""
    mailbox = burst.Mailbox(url)
    forms = [burst.applicant(1, n, meeting["cases"], prefix=prefix) for n in range(applicants)]

    def apply(form):
        browser, outcome = burst.Browser(server.port), burst.Outcome()
        try:
            register = f"/meetings/{meeting['id']}/register"
            status, page, _ = browser.send("GET", register)
            status, page, _ = browser.post_retrying(register, form | {"csrf_token": burst.csrf_token(page)}, outcome)
            return form["email"], (mailbox.confirm_path(form["email"]) if status == 302 else None)
        finally:
            browser.close()

    with ThreadPoolExecutor(16) as pool:
        links = dict(pool.map(apply, forms))
    return forms, links


def confirm(port: int, email: str, path: str) -> Confirmation:
    """GET the confirmation page and POST it; repeat while the connection breaks or the answer is 503."""
    done = Confirmation(email)
    for _ in range(RETRIES):
        browser = burst.Browser(port)
        try:
            status, page, _ = browser.send("GET", path)
            if status == 200:
                status, page, _ = browser.send("POST", path, {"csrf_token": burst.csrf_token(page)})
        except (OSError, ValueError, burst.http.client.HTTPException):
            status = "cut"
        finally:
            browser.close()
        done.answers.append(status)
        if status == 302:
            done.result = "confirmed"
            return done
        if status == 409 and burst.V5_REFUSAL in page:
            done.result = "refused_at_confirm"
            return done
        if status == 409 and b"already confirmed or closed" in page:
            done.result = "settled"  # an earlier try was applied (its answer was lost): the database says how
            return done
        if status not in ("cut", 503):
            done.result = "error"
            return done
        time.sleep(RETRY_PAUSE)
    done.result = "error"
    return done


def confirm_all(server, links: dict, *, concurrency: int, disrupt, when: float = 1 / 3) -> tuple[list, float]:
    """Send every confirmation; call `disrupt()` once `when` of them have answered. Returns outcomes, seconds."""
    answered, fired, lock = [0], threading.Event(), threading.Lock()
    total = len(links)

    def one(item):
        result = confirm(server.port, *item)
        with lock:
            answered[0] += 1
            due = answered[0] >= total * when and not fired.is_set()
            if due:
                fired.set()
        if due:
            disrupt()
        return result

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        outcomes = list(pool.map(one, [(email, path) for email, path in links.items() if path]))
    return outcomes, time.perf_counter() - started


def kill_one_worker(server) -> int:
    """SIGKILL one of gunicorn's workers (not the master, which starts a new one); its pid."""
    workers = server.pids()[1:]
    victim = workers[len(workers) // 2]
    os.kill(victim, signal.SIGKILL)
    return victim


def violations(url: str, meeting: dict, forms: list[dict], links: dict, outcomes: list[Confirmation]) -> list[str]:
    """The burst benchmark's rule check over the final state; refusals at applying count as refused."""
    results = {form["email"]: ("refused_at_apply" if links.get(form["email"]) is None else "") for form in forms}
    results.update({o.email: o.result for o in outcomes})
    settled = [o.email for o in outcomes if o.result == "settled"]
    if settled:
        with burst.psycopg.connect(burst.plain(url)) as conn:
            rows = conn.execute("SELECT email, status FROM applications WHERE meeting_id = %s AND email = ANY(%s)",
                                (meeting["id"], settled)).fetchall()
        results.update({email: "confirmed" if status == "active" else "refused_at_confirm" for email, status in rows})
    return burst.check_database(url, meeting["id"], results)


def summary(outcomes: list[Confirmation]) -> str:
    """How the confirmations ended and what their users saw on the way."""
    ends = Counter(o.result for o in outcomes)
    seen = Counter(answer for o in outcomes for answer in o.answers[:-1])
    return (f"{len(outcomes)} confirmations: {ends['confirmed']} confirmed, {ends['refused_at_confirm']} refused (V5), "
            f"{ends['settled']} found applied by their earlier try (its answer lost), {ends['error']} errors; "
            f"{sum(o.repeated > 0 for o in outcomes)} users had to press again "
            f"(answers before the last: {dict(seen) or 'none'})")


def main() -> int:
    """Run the worker-kill scenario and print its figures; exit 0 with no error and no violation."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applicants", type=int, default=500)
    args = parser.parse_args()
    base_url = os.environ.get("BENCH_POSTGRES_URL")
    if not base_url:
        raise SystemExit("Set BENCH_POSTGRES_URL (make bench does: scripts/test-postgres.sh prints one).")
    url = bench_database_url(base_url, "portal_chaos")
    recreate_database(url)
    [meeting] = burst.prepare(url, 1)
    with tempfile.TemporaryDirectory(prefix="portal-chaos-") as tmp:
        server = start_portal(url, os.urandom(32).hex(), Path(tmp))
        try:
            server.wait_ready("/healthz")
            forms, links = apply_all(server, meeting, args.applicants, "chaos", url)
            killed = []
            outcomes, seconds = confirm_all(server, links, concurrency=32,
                                            disrupt=lambda: killed.append(kill_one_worker(server)))
            found = violations(url, meeting, forms, links, outcomes)
        finally:
            server.stop()
    print(f"Worker kill: {args.applicants} applicants, gunicorn {' '.join(CHAOS_OPTIONS[:6])}; worker {killed} "
          f"killed with SIGKILL after a third of the confirmations answered; the burst took {seconds:.1f} s.")
    print(summary(outcomes))
    print(f"Rule violations in the database: {len(found)}" + "".join(f"\n    {v}" for v in found[:20]))
    return 0 if not found and not any(o.result == "error" for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
