"""A burst of applications to one meeting, through the real HTTP flow, against gunicorn on PostgreSQL,
side by side with a bare app that does the same four steps with the same SQL.

    BENCH_POSTGRES_URL=postgresql+psycopg://portal@127.0.0.1:55432/portal_test \
        .venv/bin/python benchmarks/registration_burst.py

1. (Re)creates the database `portal_burst` on that server, runs the Alembic migrations, and creates
   with the portal's own services one organizer (10 online speakers per case), a plan and published
   committee meetings with 3 cases and an open registration window: a fresh one for every run.
2. Starts two gunicorn servers with the same options (`--workers 4 --worker-class gthread
   --threads 4`): the portal (wsgi:app, PORTAL_ENV=production, RATELIMIT_ENABLED=0) and
   benchmarks/bare_registration_app.py, bare Flask and psycopg without ORM, form library or
   templates, doing the same four steps at the same paths with the same SQL statements: the
   meeting's lock (SELECT … FOR UPDATE), the recount from rows with the same pure allocation, and
   an outbox INSERT wherever the portal writes mail (its docstring lists the statements).
3. Per run, 500 applicants (60 % speakers on one or two cases, 40 % observers; organisations and
   villages shared and written in variant spellings) go through the flow a browser does,
   BENCH_BURST_CONCURRENCY at a time, each on its own keep-alive connection with its own cookies:
   GET the form (CSRF token), POST it, read the confirmation link from the outbox row the server
   wrote (the e-mail), GET the confirmation page (CSRF token), POST the confirmation (the locked,
   allocating step). A 503 "try again" (the meeting's lock not had in time) is repeated after
   0.2 s and counted. The same applicants, the same load generator and concurrency, for both
   servers: app and bare alternate in ABBA order over BENCH_BURST_ROUNDS rounds; a pair during
   which another program used more than 10 % of the CPU is repeated (twice at most, on fresh
   meetings).
4. After every run (both servers) it checks the database: per case no more than the cap allocated
   and one active speaker per organisation; observers at most per group and per village, the
   gallery no fuller than its seats; the stored places equal the pure allocation
   (app.rules.allocation) of the stored rows; every confirmed applicant active, every refused one
   not; check-in codes unique.

It prints latency (p50/p95) of the confirmation POST and of the whole apply+confirm, applications/s
of each server and their ratio against the goal (the portal at 40 % or more of the bare flow), HTTP
errors (any status the flow does not expect) and rule violations found in the database (zero is
the goal for both); exit status 0 when the ratio goal is met with no error and no violation.
Knobs: BENCH_BURST_DATABASE (portal_burst), BENCH_BURST_APPLICANTS (500), BENCH_BURST_ROUNDS (4),
BENCH_BURST_CONCURRENCY (32), BENCH_BURST_GUNICORN_OPTIONS, BENCH_QUIET_WAIT (60).
"""
import http.client
import os
import re
import resource
import secrets
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import servers  # noqa: E402
from run_all import QUIET, describe_machine, env_int, wait_for_quiet  # noqa: E402
from seed import bench_database_url, recreate_database  # noqa: E402
from servers import Server, machine_cpu, postgres_backend_pids, process_cpu_seconds  # noqa: E402

WORKER_OPTIONS = tuple(os.environ.get("BENCH_BURST_GUNICORN_OPTIONS",
                                      "--workers 4 --worker-class gthread --threads 4").split())
SPEAKER_CAP, CASES = 10, 3
BUSY_RETRIES, BUSY_PAUSE = 20, 0.2
V5_REFUSAL = b"already has a speaker"  # the English page for group_has_speaker (the lang cookie is en)
GOAL_RATIO = 0.40  # the portal's applications/s at least this share of the bare flow's
CSRF = re.compile(rb'name="csrf_token"[^>]*?value="([^"]+)"|value="([^"]+)"[^>]*?name="csrf_token"')
CONFIRM_LINK = re.compile(r"/registration/confirm/([A-Za-z0-9_.\-]+)")


def plain(url: str) -> str:
    """The URL psycopg takes (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- setup, through the portal's services ---------------------------------------------------------

def prepare(url: str, meetings: int) -> list[dict]:
    """Migrate the fresh database and create `meetings` open committee meetings of 3 cases each;
    return [{"id": …, "cases": [case ids]}]."""
    from flask_migrate import upgrade

    from app import create_app
    from app.dbtypes import utcnow
    from app.extensions import db
    from app.meetings import services
    from app.meetings.models import ReviewCase
    from app.plans.models import Organizer, Plan, RuleProfile
    from app.rules.venue import MINISTRY_DEFAULTS
    os.environ.setdefault("PORTAL_ENV", "development")  # the seeding app; the served one is set below
    portal = create_app({"SQLALCHEMY_DATABASE_URI": url, "MIGRATIONS_DIR": str(ROOT / "migrations")})
    created = []
    with portal.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        now = utcnow()
        organizer = Organizer(slug="burst", name="臺中市政府", name_en="Taichung City Government",
                              county_code="taichung")
        organizer.profile = RuleProfile(**(MINISTRY_DEFAULTS.as_dict() | {"speaker_cap": SPEAKER_CAP}), basis="")
        plan = Plan(organizer=organizer, name="臺中市國土計畫", name_en="", county_code="taichung", stage="planning",
                    summary="")
        db.session.add_all([organizer, plan])
        db.session.flush()
        for number in range(meetings):
            start = now + timedelta(days=10)
            data = services.profile_defaults(organizer) | dict(
                kind="committee", phase=None, title=f"國土計畫審議會第 {number + 1} 次會議", summary="",
                starts_at=start, ends_at=start + timedelta(hours=3), venue_name="市政大樓 201 會議室",
                venue_address="臺中市西屯區臺灣大道三段 99 號", directions="", overflow_room="大禮堂",
                livestream_url="", contact="", registration_opens_at=now - timedelta(days=1),
                registration_closes_at=start - timedelta(days=1))
            meeting = services.create_meeting(plan, organizer, data, actor=None, now=now)
            for n in range(CASES):
                meeting.cases.append(ReviewCase(title=f"第{n + 1}案", summary="", comment_minutes=30, position=n))
            services.publish_meeting(meeting, actor=None, now=now)
            db.session.flush()
            created.append({"id": meeting.id, "cases": [case.id for case in meeting.cases]})
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return created


# --- the applicants -------------------------------------------------------------------------------

def spelling(name: str, n: int) -> str:
    """One organisation or village name written the ways people type it: 臺/台, full width, spaces."""
    variants = (name, name.replace("臺", "台"), f" {name} ", name.replace("臺", "台") + "　",
                "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in name))
    return variants[n % len(variants)]


def applicant(round_number: int, n: int, cases: list[int], prefix: str = "burst") -> dict:
    """The form the n-th applicant posts: 60 % speakers (a third of them individuals), 40 % observers.

    Speakers come in blocks of four applicants who share a case and, when they name one, an
    organisation (variant spellings): they apply at nearly the same moment, so the one-speaker-per-
    group rule (V5) is decided by the lock at confirmation. Blocks 100 apart share organisations too,
    so some are refused on applying, when their group already has an active speaker.
    """
    speaks, block = n % 5 < 3, n // 4
    form = {"kind": "speak" if speaks else "observe", "name": f"申請人{round_number}-{n}",
            "email": f"{prefix}{round_number}-{n}@example.tw", "phone": "", "township": "", "village": "",
            "organisation": "", "party_statement": "", "consent": "y"}
    if speaks:
        chosen = [cases[block % CASES]] + ([cases[(block + 1) % CASES]] if n % 4 == 0 else [])
        form["case_ids"] = [str(c) for c in chosen]
        if n % 3:
            form["organisation"] = spelling(f"臺灣第{block % 100}社區發展協會", n)
    else:
        if n % 4:
            form["organisation"] = spelling(f"臺中第{n % 40}社區協會", n)
        form["township"], form["village"] = "西屯區", spelling(f"福{n % 25}里", n)
    return form


class Browser:
    """One applicant's browser: a keep-alive connection and its cookies (lang=en, the session)."""

    def __init__(self, port: int, fresh_connection_per_request: bool = False):
        self.port, self.fresh = port, fresh_connection_per_request
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {"lang": "en"}

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes, float]:
        """Status, body and seconds of one request."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.fresh:
            self.conn.close()
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, data, seconds

    def post_retrying(self, path: str, form: dict, outcome: "Outcome") -> tuple[int, bytes, float]:
        """POST, repeating a 503 "try again" (the meeting's lock not had in time) after a pause."""
        for _ in range(BUSY_RETRIES):
            status, body, seconds = self.send("POST", path, form)
            outcome.seconds += seconds
            if status != 503:
                return status, body, seconds
            outcome.busy += 1
            time.sleep(BUSY_PAUSE)
        return status, body, seconds

    def close(self):
        self.conn.close()


@dataclass
class Outcome:
    """What happened to one applicant."""

    result: str = ""  # confirmed | refused_at_apply | refused_at_confirm | error
    detail: str = ""
    seconds: float = 0.0  # the HTTP requests of the whole flow, retries included (not the mail lookup)
    confirm_seconds: float | None = None  # the confirmation POST that answered (not a 503)
    busy: int = 0
    steps: dict = field(default_factory=dict)


def csrf_token(page: bytes) -> str:
    """The CSRF token of the form on `page`."""
    match = CSRF.search(page)
    if not match:
        raise ValueError("no csrf_token on the page")
    return (match.group(1) or match.group(2)).decode()


class Mailbox:
    """Reads the confirmation link from the outbox, as the applicant reads the e-mail (one connection
    per load thread)."""

    def __init__(self, url: str):
        self.url, self.local = plain(url), threading.local()

    def confirm_path(self, email: str) -> str:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = psycopg.connect(self.url, autocommit=True)
        row = conn.execute("SELECT body FROM outbox_messages WHERE recipient = %s AND topic = %s"
                           " ORDER BY id DESC LIMIT 1", (email, "registration.confirm_email")).fetchone()
        if row is None:
            raise ValueError(f"no confirmation e-mail in the outbox for {email}")
        return f"/registration/confirm/{CONFIRM_LINK.search(row[0]).group(1)}"


def apply_and_confirm(port: int, meeting_id: int, form: dict, mailbox: Mailbox) -> Outcome:
    """One applicant's whole flow; never raises (a failure is an Outcome with result "error")."""
    outcome, browser = Outcome(), Browser(port)
    register = f"/meetings/{meeting_id}/register"
    try:
        status, page, seconds = browser.send("GET", register)
        outcome.seconds += seconds
        if status != 200:
            return _error(outcome, "GET form", status, page)
        status, page, _ = browser.post_retrying(register, form | {"csrf_token": csrf_token(page)}, outcome)
        if status == 400 and V5_REFUSAL in page and form["kind"] == "speak":
            outcome.result = "refused_at_apply"
            return outcome
        if status != 302:
            return _error(outcome, "POST form", status, page)
        confirm = mailbox.confirm_path(form["email"])
        status, page, seconds = browser.send("GET", confirm)
        outcome.seconds += seconds
        if status != 200:
            return _error(outcome, "GET confirm", status, page)
        status, page, seconds = browser.post_retrying(confirm, {"csrf_token": csrf_token(page)}, outcome)
        outcome.confirm_seconds = seconds
        if status == 409 and V5_REFUSAL in page and form["kind"] == "speak":
            outcome.result = "refused_at_confirm"
        elif status == 302:
            outcome.result = "confirmed"
        else:
            return _error(outcome, "POST confirm", status, page)
    except Exception as error:  # a dropped connection, a page without its form: an error, counted
        outcome.result, outcome.detail = "error", f"{type(error).__name__}: {error}"
    finally:
        browser.close()
    return outcome


def _error(outcome: Outcome, step: str, status: int, page: bytes) -> Outcome:
    title = re.search(rb"<title>(.*?)</title>", page, re.S)
    outcome.result = "error"
    outcome.detail = f"{step}: {status} {title.group(1).decode(errors='replace').strip() if title else page[:120]!r}"
    return outcome


# --- one run --------------------------------------------------------------------------------------

@dataclass
class Run:
    """One burst against one server."""

    name: str
    outcomes: list
    seconds: float
    shares: dict
    violations: list = field(default_factory=list)

    @property
    def throughput(self) -> float:
        """Applicants finished per second of wall-clock time."""
        return len(self.outcomes) / self.seconds

    @property
    def errors(self) -> list:
        return [o for o in self.outcomes if o.result == "error"]


def burst(server: Server, jobs, *, concurrency: int, database: str) -> tuple[list, float, dict]:
    """Run the callables `jobs` `concurrency` at a time; return outcomes, wall seconds, CPU shares."""
    busy0, total0 = machine_cpu()
    server0 = process_cpu_seconds(server.pids())
    backends0 = {pid: process_cpu_seconds([pid]) for pid in postgres_backend_pids(database)}
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        outcomes = list(pool.map(lambda job: job(), jobs))
    seconds = time.perf_counter() - started
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    busy1, total1 = machine_cpu()
    cores = total1 - total0
    shares = {"gunicorn": (process_cpu_seconds(server.pids()) - server0) / cores,
              "postgres": postgres_cpu_since(backends0, database) / cores,
              "loadgen": ((self1.ru_utime - self0.ru_utime) + (self1.ru_stime - self0.ru_stime)) / cores}
    shares["other"] = max(0.0, (busy1 - busy0) / cores - sum(shares.values()))
    return outcomes, seconds, shares


def postgres_cpu_since(start: dict, database: str) -> float:
    """CPU seconds the database's backends used since `start` ({pid: seconds}); a backend that ended
    meanwhile (a pool's overflow connection) counts as having used nothing more, never less."""
    now = {pid: process_cpu_seconds([pid]) for pid in postgres_backend_pids(database)}
    return sum(now.get(pid, before) - before for pid, before in start.items()) + sum(
        seconds for pid, seconds in now.items() if pid not in start)


def run_round(name: str, server, meeting, round_number, *, applicants, concurrency, url) -> Run:
    """One burst of `applicants` to one meeting on one server (`name`: app or bare), then the database check."""
    mailbox = Mailbox(url)
    forms = [applicant(round_number, n, meeting["cases"], prefix=f"{name}-burst") for n in range(applicants)]
    jobs = [lambda form=form: apply_and_confirm(server.port, meeting["id"], form, mailbox) for form in forms]
    outcomes, seconds, shares = burst(server, jobs, concurrency=concurrency, database=make_url(url).database)
    emails = {form["email"]: outcome.result for form, outcome in zip(forms, outcomes, strict=True)}
    return Run(name, outcomes, seconds, shares, violations=check_database(url, meeting["id"], emails))


# --- the database check ---------------------------------------------------------------------------

def check_database(url: str, meeting_id: int, results: dict) -> list[str]:
    """Every rule the allocation must keep, checked on the stored rows; returns the violations found."""
    from app.rules import allocation as rules
    problems = []
    with psycopg.connect(plain(url)) as conn:
        settings = conn.execute("SELECT speaker_cap, representative_cap, gallery_seats, observers_per_group,"
                                " observers_per_village FROM meetings WHERE id = %s", (meeting_id,)).fetchone()
        cap, representative_cap, seats, per_group, per_village = settings
        applications = conn.execute(
            "SELECT id, kind, status, email, org_key, village_key, confirmed_at, pool, outcome, position,"
            " check_in_code FROM applications WHERE meeting_id = %s", (meeting_id,)).fetchall()
        requests = conn.execute(
            "SELECT r.id, r.application_id, r.case_key, r.org_key, r.claim, r.outcome, r.position, r.reason"
            " FROM speaking_requests r WHERE r.meeting_id = %s AND r.active", (meeting_id,)).fetchall()
    by_id = {a[0]: a for a in applications}
    active = {a[0]: a for a in applications if a[2] == "active"}
    for a in applications:  # the HTTP answers and the rows agree
        expected = "active" if results.get(a[3]) == "confirmed" else "unconfirmed"
        if a[2] != expected:
            problems.append(f"application {a[0]} ({results.get(a[3])}) is {a[2]}")
    confirmed = sum(1 for r in results.values() if r == "confirmed")
    if len(active) != confirmed:
        problems.append(f"{len(active)} active applications, {confirmed} confirmations answered")
    codes = [a[10] for a in active.values()]
    if None in codes or len(set(codes)) != len(codes):
        problems.append("check-in codes missing or repeated")
    allocated = Counter(r[2] for r in requests if r[5] == "allocated")
    problems += [f"case {case}: {n} allocated > cap {cap}" for case, n in allocated.items() if n > cap]  # V3
    groups = Counter((r[2], r[3]) for r in requests if r[3])
    problems += [f"case {case}: {n} active speakers of {group}" for (case, group), n in groups.items() if n > 1]  # V5
    if any(r[1] not in active for r in requests):
        problems.append("an active speaking request belongs to an application that is not active")
    observers = [a for a in active.values() if a[1] == "observe"]
    seated = [a for a in observers if a[8] in ("gallery", "overflow")]
    for index, limit, what in ((4, per_group, "group"), (5, per_village, "village")):  # V7
        counts = Counter(a[index] for a in seated if a[index])
        problems += [f"{n} observers of {what} {key} > {limit}" for key, n in counts.items() if n > limit]
    if sum(1 for a in observers if a[8] == "gallery") > seats:
        problems.append("more observers in the gallery than it has seats")  # V7
    speaker_bids = [rules.SpeakerBid(key=r[0], case=r[2], at=by_id[r[1]][6], group=r[3], pool=by_id[r[1]][7],
                                     claim=r[4]) for r in requests]
    expected = rules.allocate_speakers(speaker_bids, speaker_cap=cap, representative_cap=representative_cap)
    stored = {r[0]: (r[5], r[6], r[7]) for r in requests}
    if stored != {k: (p.outcome, p.position, p.reason) for k, p in expected.items()}:
        problems.append("stored speaking places differ from the pure allocation of the stored rows")
    observer_bids = [rules.ObserverBid(key=a[0], at=a[6], group=a[4], village=a[5]) for a in observers]
    expected = rules.allocate_observers(observer_bids, gallery_seats=seats, per_group=per_group,
                                        per_village=per_village)
    if {a[0]: (a[8], a[9]) for a in observers} != {k: (p.outcome, p.position) for k, p in expected.items()}:
        problems.append("stored observer places differ from the pure allocation of the stored rows")
    return problems


# --- reporting ------------------------------------------------------------------------------------

def ms(values) -> str:
    """p50 / p95 in milliseconds."""
    values = sorted(values)
    if not values:
        return "-"
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"{statistics.median(values) * 1000:.0f} / {p95 * 1000:.0f}"


def describe(run: Run, number: int) -> str:
    """One line per run."""
    shares = ", ".join(f"{k} {v:3.0%}" for k, v in run.shares.items())
    results = Counter(o.result for o in run.outcomes)
    return (f"  round {number} {run.name:<4} {run.throughput:6.1f} applications/s  {len(run.outcomes)} in "
            f"{run.seconds:5.1f} s  confirm POST p50/p95 "
            f"{ms(o.confirm_seconds for o in run.outcomes if o.confirm_seconds)} ms  apply+confirm p50/p95 "
            f"{ms(o.seconds for o in run.outcomes if o.result != 'error')} ms  confirmed {results['confirmed']}, "
            f"refused V5 {results['refused_at_apply']}+{results['refused_at_confirm']}, 503 retried "
            f"{sum(o.busy for o in run.outcomes)}, errors {len(run.errors)}, violations {len(run.violations)}  "
            f"CPU: {shares}")


def report(runs: list[Run], everything: list[Run]) -> bool:
    """The summary of the kept `runs`; True when the ratio goal is met and no run at all (warm-ups
    and repeated noisy ones included, on either server) had an error or a rule violation."""
    rates = {name: statistics.median(r.throughput for r in runs if r.name == name) for name in ("app", "bare")}
    pairs = zip((r for r in runs if r.name == "app"), (r for r in runs if r.name == "bare"), strict=True)
    per_round = ", ".join(f"{a.throughput / b.throughput:.2f}" for a, b in pairs)
    ratio = rates["app"] / rates["bare"]
    print("\n| | median of rounds | apply+confirm p50 / p95 ms | confirmation POST p50 / p95 ms |")
    print("|---|---|---|---|")
    for name, label in (("app", "portal"), ("bare", "bare flow (same steps and SQL)")):
        outcomes = [o for r in runs if r.name == name for o in r.outcomes]
        print(f"| {label} | **{rates[name]:.1f} applications/s** | "
              f"{ms(o.seconds for o in outcomes if o.result != 'error')} | "
              f"{ms(o.confirm_seconds for o in outcomes if o.confirm_seconds)} |")
    met = ratio >= GOAL_RATIO
    print(f"| ratio portal ÷ bare | **{ratio:.2f}** (per round: {per_round}) | | |")
    print(f"\nGoal: the portal at {GOAL_RATIO:.0%} or more of the bare flow: {ratio:.0%}, "
          f"{'met' if met else 'NOT met'}")
    for name in ("app", "bare"):
        outcomes = [o for r in runs if r.name == name for o in r.outcomes]
        results = Counter(o.result for o in outcomes)
        print(f"{name}: {len(outcomes)} applicants: {results['confirmed']} confirmed, {results['refused_at_apply']} "
              f"refused on applying and {results['refused_at_confirm']} on confirming (V5: their organisation "
              f"already had a speaker on the case), {sum(o.busy for o in outcomes)} confirmations answered 503 "
              "and were repeated.")
    errors = [o for r in everything for o in r.errors]
    violations = [f"{r.name}: {v}" for r in everything for v in r.violations]
    print(f"HTTP errors (statuses the flow does not expect), in all {len(everything)} runs: {len(errors)}"
          + "".join(f"\n    {detail}: {n}" for detail, n in Counter(o.detail for o in errors).most_common(8)))
    print(f"Rule violations in the database, in all runs: {len(violations)}"
          + "".join(f"\n    {v}" for v in violations[:20]))
    return met and not errors and not violations


def main() -> int:
    """Set up, burst in ABBA rounds, report; exit 0 when the goal is met with no error and no rule violation."""
    base_url = os.environ.get("BENCH_POSTGRES_URL")
    if not base_url:
        raise SystemExit("Set BENCH_POSTGRES_URL (make bench does: scripts/test-postgres.sh prints one).")
    applicants, rounds = env_int("BENCH_BURST_APPLICANTS", 500), env_int("BENCH_BURST_ROUNDS", 4)
    concurrency = env_int("BENCH_BURST_CONCURRENCY", 32)
    url = bench_database_url(base_url, os.environ.get("BENCH_BURST_DATABASE", "portal_burst"))
    print("Registration burst benchmark")
    recreate_database(url)
    describe_machine(url)
    started = time.perf_counter()
    meetings = prepare(url, 6 * rounds + 2)  # a fresh meeting per run, repeated noisy pairs included
    print(f"Migrated {make_url(url).database} and created {len(meetings)} open meetings (3 cases, "
          f"{SPEAKER_CAP} speakers per case) in {time.perf_counter() - started:.1f} s")
    options = (*WORKER_OPTIONS, "--keep-alive", "30", "--backlog", "2048", "--log-level", "warning")
    secret = secrets.token_hex(32)
    portal_env = {"DATABASE_URL": url, "PORTAL_ENV": "production", "SECRET_KEY": secret,
                  "PUBLIC_BASE_URL": "https://participation.example.gov.tw",  # production requires it
                  "RATELIMIT_ENABLED": "0", "SESSION_COOKIE_SECURE": "0"}
    runs, every_run, started_servers, noisy_pairs = [], [], [], 0
    spare = iter(meetings)
    with tempfile.TemporaryDirectory(prefix="portal-burst-") as tmp:
        try:
            found = {}
            for name, module, env, folder in (
                    ("app", "wsgi:app", portal_env, ROOT),
                    ("bare", "bare_registration_app:app", {"BARE_DATABASE_URL": plain(url), "BARE_SECRET_KEY": secret},
                     ROOT / "benchmarks")):
                found[name] = Server(name, module, env, folder, Path(tmp), options=options)
                started_servers.append(found[name])
            for server in found.values():
                server.wait_ready(f"/meetings/{meetings[0]['id']}/register")
            print(f"Servers: gunicorn {' '.join(WORKER_OPTIONS)} for both; per run {applicants} applicants, "
                  f"{concurrency} at a time, {rounds} rounds in ABBA order")
            for name, server in found.items():
                warm = run_round(name, server, next(spare), 0, applicants=64, concurrency=concurrency, url=url)
                every_run.append(warm)  # its errors and violations count too
                print(f"Warm-up {name}: 64 applicants ({len(warm.errors)} errors, {len(warm.violations)} violations)")
            idle = wait_for_quiet(env_int("BENCH_QUIET_WAIT", 60))
            print(f"Background CPU use before loading: {idle:.0%} of the machine"
                  + ("  (WARNING: something else is running)" if idle > QUIET else ""))
            for number in range(1, rounds + 1):
                order = ("app", "bare") if number % 2 else ("bare", "app")
                for attempt in range(3):
                    pair = []
                    for name in order:
                        run = run_round(name, found[name], next(spare), number, applicants=applicants,
                                        concurrency=concurrency, url=url)
                        pair.append(run)
                        every_run.append(run)
                        print(describe(run, number) + ("  <- noisy" if run.shares["other"] > QUIET else ""),
                              flush=True)
                    noisy = any(run.shares["other"] > QUIET for run in pair)
                    if not noisy or attempt == 2:
                        break
                    print("  (another program used the CPU during this pair: waiting, then repeating it)")
                    wait_for_quiet(60)
                noisy_pairs += noisy
                runs += pair
        finally:
            for server in started_servers:
                server.stop()
    ok = report(runs, everything=every_run)
    if noisy_pairs:
        print(f"WARNING: {noisy_pairs} pair(s) of runs stayed noisy after two repeats (another program used the "
              "CPU); the ratio is side by side, the absolute figures are not clean.")
    return 0 if ok else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, servers.stop_on_signal)
    signal.signal(signal.SIGHUP, servers.stop_on_signal)
    sys.exit(main())
