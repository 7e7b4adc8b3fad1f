"""The portal's performance benchmark (`make bench`); docs/benchmarks.md explains the figures.

    BENCH_POSTGRES_URL=postgresql+psycopg://portal@127.0.0.1:55432/portal_test .venv/bin/python benchmarks/run_all.py

1. (Re)creates the database `portal_bench` on that server and seeds 2,000 published meetings
   with their agenda, cases, attendance, materials, history and allocated speakers.
2. Starts two gunicorn servers on 127.0.0.1 with the same options: the portal (wsgi:app) and
   benchmarks/bare_app.py (bare Flask routes running every query the pages need, answering plain
   text), and checks that both return the same meetings for every URL that will be loaded.
3. Times GET /calendar.ics (2,000 meetings) several times (goal: median under 300 ms).
4. Loads, on both servers with wrk, the same concurrency and duration, alternating app/bare (ABBA
   order) round after round:
   - "list" and "meeting": plain GETs of 8 filtered list URLs and 100 meeting pages in turn. The
     portal keeps no rendered page, so every request is a first visit: a full load and render
     (goal: app >= 0.50 of bare);
   - "list 304" and "meeting 304": the same URLs revalidated with the ETag the app gave them
     (If-None-Match), as a browser or proxy holding the page does: the app loads the data and
     answers 304; the bare route, which knows no validators, does its full work (reported, no goal).
   and prints requests/second, the app/bare ratios, latency and CPU shares, then each goal met or not.
5. Runs benchmarks/registration_burst.py (500 applications to one meeting; its own docstring),
   then benchmarks/confirm_sequence.py with BENCH_CONFIRMATIONS=1500, unless BENCH_BURST=0
   (BENCH_CONFIRMATIONS_RUN=0 skips only the confirmation sequence).

Environment knobs: BENCH_DATABASE (portal_bench), BENCH_ROUNDS (5), BENCH_SECONDS (8),
BENCH_CONNECTIONS (8), BENCH_CALENDAR_RUNS (7), BENCH_BURST (1: then run the registration burst),
BENCH_COMMENTS (1: run benchmarks/minutes.py and benchmarks/adoption.py, issue 11),
BENCH_NOISY_REPEATS (2: repeats of a pair of runs disturbed by another program), BENCH_QUIET_WAIT
(120: seconds to wait for other CPU users to finish), BENCH_GUNICORN_OPTIONS (worker options),
BENCH_APP_DIR (serve the portal from another work tree). Every server started is stopped, even on
error.
"""
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
# BENCH_APP_DIR serves the portal from another work tree (say, a branch with an optimisation),
# against the same seed and the same bare baseline.
APP_DIR = Path(os.environ.get("BENCH_APP_DIR", ROOT)).resolve()
sys.path.insert(0, str(APP_DIR))

from load import ensure_wrk, run_wrk, write_script  # noqa: E402
from seed import bench_database_url, recreate_database, seed  # noqa: E402
from servers import WORKER_OPTIONS, Server, machine_cpu, postgres_backend_pids, stop_on_signal  # noqa: E402

TARGET_RATIO, CALENDAR_LIMIT_S = 0.50, 0.300  # issue 8: uncached pages, and the calendar's median
QUIET = 0.10  # background CPU share above which the machine is not quiet enough to measure
LIST_PATHS = 8  # distinct filtered list URLs loaded in turn
MEETING_PATHS = 100  # distinct meeting pages loaded in turn


def env_int(name: str, default: int) -> int:
    """An integer setting from the environment."""
    return int(os.environ.get(name, default))


def get(url: str) -> tuple[int, bytes, float]:
    """Status, body and wall-clock seconds of one GET (a fresh connection each time)."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
        return response.status, body, time.perf_counter() - started


def etags_for(app_server: Server, paths: list[str]) -> list[str]:
    """The ETag the app gives each path; fails unless revalidating with it answers 304."""
    etags = []
    for path in paths:
        base = urlsplit(app_server.base_url)
        conn = HTTPConnection(base.hostname, base.port, timeout=60)
        conn.request("GET", path)
        first = conn.getresponse()
        first.read()
        etag = first.getheader("ETag")
        conn.request("GET", path, headers={"If-None-Match": etag or ""})
        again = conn.getresponse()
        again.read()
        conn.close()
        if first.status != 200 or not etag or again.status != 304:
            raise RuntimeError(f"{path}: {first.status} with ETag {etag}, then {again.status} (expected 200, 304)")
        etags.append(etag)
    return etags


def choose_paths(app_module) -> tuple[list[str], list[str]]:
    """Filtered list URLs whose first page is full (20 upcoming meetings), and meeting pages."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.meetings.models import Meeting
    from app.plans.models import Plan
    with app_module.app_context():
        counts = db.session.execute(
            select(Plan.county_code, Meeting.kind, func.count()).join(Plan, Plan.id == Meeting.plan_id)
            .where(Meeting.status == "published", Meeting.ends_at >= datetime.now(timezone.utc),
                   Plan.county_code.is_not(None))
            .group_by(Plan.county_code, Meeting.kind).order_by(Plan.county_code, Meeting.kind)).all()
        ids = db.session.scalars(select(Meeting.id).order_by(Meeting.id)).all()
        db.session.remove()
    full = [f"/meetings?county={county}&kind={kind}" for county, kind, n in counts if n >= 25]
    if len(full) < LIST_PATHS:
        raise RuntimeError(f"only {len(full)} county/kind filters have a full first page; the seed is too thin")
    step = len(ids) // MEETING_PATHS
    return full[::max(1, len(full) // LIST_PATHS)][:LIST_PATHS], [f"/meetings/{i}" for i in ids[::step][:MEETING_PATHS]]


def check_same_rows(app_server: Server, bare_server: Server, list_paths, meeting_paths) -> None:
    """Both servers return the same meetings, in the same order, for every URL to be loaded."""
    for path in list_paths:
        _, html, _ = get(app_server.base_url + path)
        _, text, _ = get(bare_server.base_url + path)
        app_ids = [int(i) for i in re.findall(rb'href="/meetings/(\d+)"', html)]
        lines = text.decode().splitlines()
        bare_ids = [int(line.split("\t")[0]) for line in lines[1:1 + 20]]
        if app_ids != bare_ids or len(app_ids) != 20:
            raise RuntimeError(f"{path}: the app lists {app_ids}, the bare route {bare_ids}")
    for path in meeting_paths[:10]:
        _, html, _ = get(app_server.base_url + path)
        _, text, _ = get(bare_server.base_url + path)
        title = text.decode().splitlines()[0].split("\t")[6]
        if title.encode() not in html:
            raise RuntimeError(f"{path}: the app's page does not show the title the bare route returns ({title})")


def time_calendar(app_server: Server, runs: int) -> list[float]:
    """Seconds for each of `runs` sequential GET /calendar.ics (the first ones hit cold workers)."""
    times = []
    for _ in range(runs):
        status, body, seconds = get(app_server.base_url + "/calendar.ics")
        events = body.count(b"BEGIN:VEVENT")
        if status != 200 or events != 2000:
            raise RuntimeError(f"/calendar.ics answered {status} with {events} events, expected 200 with 2000")
        times.append(seconds)
    print(f"  /calendar.ics: {len(body):,} bytes, {events} events")
    return times


def load_side_by_side(wrk, servers, scripts, *, rounds, seconds, connections, database):
    """Alternate app and bare (ABBA) for each page, round after round; return every kept run.

    A pair of runs during which another program used more than QUIET of the CPU is repeated
    (twice at most, after waiting for the machine to calm down), so that noise from outside
    cannot favour one server.
    """
    results = {(page, s.name): [] for page in scripts for s in servers}
    noisy_pairs = 0
    for script in scripts.values():  # warm-up: connections, prepared statements, Jinja caches
        for server in servers:
            run_wrk(wrk, server.base_url, script, connections=connections, seconds=3, server_pids=server.pids())
    for number in range(rounds):
        for page, script in scripts.items():
            order = servers if number % 2 == 0 else servers[::-1]
            repeats = env_int("BENCH_NOISY_REPEATS", 2)
            for attempt in range(repeats + 1):
                pair = [(server, run_wrk(wrk, server.base_url, script, connections=connections, seconds=seconds,
                                         server_pids=server.pids(),
                                         postgres_pids=lambda: postgres_backend_pids(database)))
                        for server in order]
                for server, result in pair:
                    if result.errors:
                        raise RuntimeError(f"{server.name} {page}: {result.errors} failed requests")
                    print(f"  round {number + 1} {page:11} {server.name:4} {result.rps:8.1f} req/s  "
                          f"p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms  "
                          f"CPU: gunicorn {result.server_share:4.0%}, postgres {result.postgres_share:4.0%}, "
                          f"wrk {result.wrk_share:4.0%}, other {result.other_share:4.0%}"
                          + ("  <- noisy" if result.other_share > QUIET else ""), flush=True)
                noisy = any(result.other_share > QUIET for _, result in pair)
                if not noisy or attempt == repeats:
                    break
                print("  (another program used the CPU during this pair: waiting, then repeating it)")
                wait_for_quiet(60)
            noisy_pairs += noisy
            for server, result in pair:
                results[(page, server.name)].append(result)
    return results, noisy_pairs


def report(results, calendar_times, pages) -> bool:
    """Print the summary table and each goal met or not; return whether every goal is met."""
    ok, goals = True, []
    print("\n| page | app req/s (median) | bare req/s (median) | ratio of medians | per-round ratios "
          "| app p50 / p99 ms | goal |")
    print("|---|---|---|---|---|---|---|")
    for page in pages:
        app_runs, bare_runs = results[(page, "app")], results[(page, "bare")]
        app_rps = statistics.median(r.rps for r in app_runs)
        bare_rps = statistics.median(r.rps for r in bare_runs)
        ratio = app_rps / bare_rps
        per_round = ", ".join(f"{a.rps / b.rps:.2f}" for a, b in zip(app_runs, bare_runs, strict=True))
        timing = (f"{statistics.median(r.p50_ms for r in app_runs):.1f} / "
                  f"{statistics.median(r.p99_ms for r in app_runs):.1f}")
        if page.endswith("304"):  # repeat visits: reported beside the bare route, no goal
            print(f"| {page} | {app_rps:.0f} | {bare_rps:.0f} | **{ratio:.2f}** | {per_round} | {timing} | none |")
            continue
        met = ratio >= TARGET_RATIO
        ok &= met
        goals.append(f"{page} page uncached at >= {TARGET_RATIO:.0%} of its bare route: {ratio:.2f} "
                     f"({app_rps:.0f} vs {bare_rps:.0f} req/s) -> {'met' if met else 'NOT met'}")
        print(f"| {page} | {app_rps:.0f} | {bare_rps:.0f} | **{ratio:.2f}** | {per_round} | {timing} "
              f"| >= {TARGET_RATIO:.2f} {'met' if met else 'NOT met'} |")
    cal_median, cal_max = statistics.median(calendar_times), max(calendar_times)
    met = cal_median < CALENDAR_LIMIT_S
    ok &= met
    print(f"\n/calendar.ics with 2,000 meetings, {len(calendar_times)} runs: median {cal_median * 1000:.0f} ms, "
          f"max {cal_max * 1000:.0f} ms (first {calendar_times[0] * 1000:.0f} ms)")
    print("  each run (ms): " + ", ".join(f"{t * 1000:.0f}" for t in calendar_times))
    goals.append(f"/calendar.ics with 2,000 meetings under {CALENDAR_LIMIT_S * 1000:.0f} ms: median "
                 f"{cal_median * 1000:.0f} ms -> {'met' if met else 'NOT met'}")
    print("\nGoals (issue 8):")
    for goal in goals:
        print(f"  - {goal}")
    return ok


def background_load(seconds: float = 3) -> float:
    """The share of the machine's CPU that something else uses while we are idle."""
    busy0, total0 = machine_cpu()
    time.sleep(seconds)
    busy1, total1 = machine_cpu()
    return (busy1 - busy0) / (total1 - total0)


def wait_for_quiet(max_wait: int) -> float:
    """Wait (up to `max_wait` seconds) until nothing else uses the CPU; return the last background share."""
    deadline = time.monotonic() + max_wait
    idle = background_load()
    while idle > QUIET and time.monotonic() < deadline:
        print(f"  something else uses {idle:.0%} of the CPU; waiting for it to finish ...", flush=True)
        idle = background_load(5)
    return idle


def describe_machine(url: str) -> None:
    """Cores, memory, CPU model, Python and PostgreSQL versions, for docs/benchmarks.md."""
    import psycopg
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo).group(1)
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    print(f"Machine: {os.cpu_count()} cores ({model}), {memory_kb / 1024 / 1024:.1f} GiB RAM, "
          f"Python {platform.python_version()}, PostgreSQL {pg}, {platform.platform()}")


def main() -> int:
    """Run everything; exit 0 when every goal is met, 1 when one is not."""
    base_url = os.environ.get("BENCH_POSTGRES_URL")
    if not base_url:
        raise SystemExit("Set BENCH_POSTGRES_URL (make bench does: scripts/test-postgres.sh prints one).")
    rounds, seconds = env_int("BENCH_ROUNDS", 5), env_int("BENCH_SECONDS", 8)
    connections, calendar_runs = env_int("BENCH_CONNECTIONS", 8), env_int("BENCH_CALENDAR_RUNS", 7)
    url = bench_database_url(base_url, os.environ.get("BENCH_DATABASE", "portal_bench"))
    wrk = ensure_wrk()
    describe_machine(url)
    print(f"wrk: {subprocess.run([wrk, '-v'], capture_output=True, text=True).stdout.splitlines()[0]}")

    from app import create_app
    recreate_database(url)
    os.environ.setdefault("PORTAL_ENV", "development")  # the seeding app; the served one is set below
    portal = create_app({"SQLALCHEMY_DATABASE_URI": url})
    started = time.perf_counter()
    counts = seed(portal, datetime.now(timezone.utc))
    print(f"Seeded {counts['published']} published meetings in {time.perf_counter() - started:.1f} s: " +
          ", ".join(f"{n} {name}" for name, n in counts.items() if name != "published"))
    list_paths, meeting_paths = choose_paths(portal)

    plain_url = url.replace("postgresql+psycopg://", "postgresql://")
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        servers = []
        try:
            servers.append(Server("app", "wsgi:app", {"DATABASE_URL": url, "PORTAL_ENV": "development"},
                                  APP_DIR, Path(tmp)))
            servers.append(Server("bare", "bare_app:app", {"BARE_DATABASE_URL": plain_url},
                                  ROOT / "benchmarks", Path(tmp)))
            for server in servers:
                server.wait_ready(list_paths[0])
            print(f"Servers: app on {servers[0].base_url}, bare on {servers[1].base_url} "
                  f"(gunicorn {' '.join(WORKER_OPTIONS)}); wrk 1 thread, {connections} connections")
            idle = wait_for_quiet(env_int("BENCH_QUIET_WAIT", 120))
            print(f"Background CPU use before loading: {idle:.0%} of the machine"
                  + ("  (WARNING: something else is running; the ratios stay comparable, the absolute"
                     " figures do not)" if idle > QUIET else ""))
            check_same_rows(*servers, list_paths, meeting_paths)
            print(f"Both servers return the same meetings for the {len(list_paths)} list URLs loaded.")
            print("Timing /calendar.ics ...")
            calendar_times = time_calendar(servers[0], calendar_runs)
            list_etags, meeting_etags = etags_for(servers[0], list_paths), etags_for(servers[0], meeting_paths)
            print("Every URL loaded answers 304 when revalidated with its ETag.")
            scripts = {"list": write_script(Path(tmp), "list", list_paths),
                       "meeting": write_script(Path(tmp), "meeting", meeting_paths),
                       "list 304": write_script(Path(tmp), "list 304", list_paths, list_etags),
                       "meeting 304": write_script(Path(tmp), "meeting 304", meeting_paths, meeting_etags)}
            print(f"Loading side by side: {rounds} rounds x {seconds} s per server and page, ABBA order ...")
            results, noisy_pairs = load_side_by_side(wrk, servers, scripts, rounds=rounds, seconds=seconds,
                                        connections=connections, database=make_url(url).database)
        finally:
            for server in servers:
                server.stop()
    ok = report(results, calendar_times, scripts)
    if noisy_pairs:
        print(f"\nWARNING: {noisy_pairs} pair(s) of runs stayed noisy after two repeats (another program used the "
              "CPU); the ratios are still side by side, but rerun on a quiet machine for clean absolute figures.")
    for script in ("minutes.py", "adoption.py") if env_int("BENCH_COMMENTS", 1) else ():  # issue 11, each vs bare
        print("\n" + "=" * 100, flush=True)
        ok = subprocess.run([sys.executable, script], cwd=ROOT / "benchmarks").returncode == 0 and ok
    if not env_int("BENCH_BURST", 1):
        return 0 if ok else 1
    print("\n" + "=" * 100, flush=True)
    burst = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "registration_burst.py")]).returncode
    if not env_int("BENCH_CONFIRMATIONS_RUN", 1):
        return 0 if ok and burst == 0 else 1
    print("\n" + "=" * 100, flush=True)
    confirm = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "confirm_sequence.py")],
                             env={"BENCH_CONFIRMATIONS": "1500", **os.environ}).returncode
    return 0 if ok and burst == 0 and confirm == 0 else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)
    sys.exit(main())
