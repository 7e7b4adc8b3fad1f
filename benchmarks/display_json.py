"""display.json under a room's load: N public displays poll it once a second while a console acts every 2 s.

    BENCH_POSTGRES_URL=postgresql+psycopg://portal@127.0.0.1:55432/portal_test \
        .venv/bin/python benchmarks/display_json.py [--displays 300] [--seconds 20]

1. (Re)creates the database `<BENCH_DATABASE or portal_display_bench>` and seeds a hearing happening
   today with 12 speakers holding places; its course is at public comment, the first speaker talking.
2. Starts two gunicorn servers with the same options (benchmarks/servers.py): the portal (wsgi:app) and
   benchmarks/bare_display_app.py, a bare Flask route that reads the same rows and answers the same JSON.
3. Poll phase: N displays (one keep-alive connection each, start times spread over the second) GET
   display.json once a second with If-None-Match, as dayof-live.js does, while a console pauses or
   resumes the speaker every 2 seconds (through the services, as the console's view calls them).
   Prints p50/p95/max latency, the 200/304 split and the CPU the server and PostgreSQL used.
4. Rate phase: wrk (8 connections, 5 s each) on display.json without a validator (full JSON every time),
   on display.json revalidated (304), and on the bare route; prints requests/s and app/bare.
Goals: p95 under 50 ms in the poll phase; full display.json at least 60 % of the bare route's rate.
"""
import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from load import ensure_wrk, run_wrk, write_script  # noqa: E402
from servers import WORKER_OPTIONS, Server, postgres_backend_pids, process_cpu_seconds  # noqa: E402


def fresh_database(base_url: str, name: str) -> str:
    """Drop and create `name` on the server of `base_url`; return its SQLAlchemy URL."""
    url = make_url(base_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def seed(url: str) -> tuple[int, object]:
    """A hearing today with 12 placed speakers, its course at public comment and the first speaker started."""
    from app import create_app
    from app.dayof import course, queue
    from app.extensions import db
    from app.rules import meeting_course as mc
    from tests import factories
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        org = factories.organizer()
        meeting = factories.open_meeting(org, start=factories.now() + timedelta(hours=1), speaker_cap=10)
        before = factories.now() - timedelta(hours=23, minutes=30)
        for i in range(12):
            factories.application(meeting, at=before + timedelta(seconds=i), organisation=f"自救會{i}")
        actor = factories.staff("secretariat", org)
        db.session.commit()
        now = factories.now()
        for action in (mc.CALL_CASE, mc.OPEN_COMMENT):
            course.change_course(meeting.id, action, version=_version(meeting.id), now=now, actor=actor)
            db.session.commit()
        turn = queue.call_next(meeting.id, version=_version(meeting.id), now=now, actor=actor)
        db.session.commit()
        queue.act_on_turn(meeting.id, turn.id, mc.START, version=_version(meeting.id), now=now, actor=actor)
        db.session.commit()
        ids = (meeting.id, turn.id, actor.id)
        db.session.remove()
    return ids, app


def _version(meeting_id: int) -> int:
    """The course's version, as display.json reads it (its first query)."""
    from app.dayof.display import read_head
    return read_head(meeting_id).version or 0


def console(app, meeting_id: int, turn_id: int, actor_id: int, stop: threading.Event, every: float, done: list):
    """Pause and resume the speaker every `every` seconds, as a console does, until `stop` is set."""
    from app.accounts.models import User
    from app.dayof import queue
    from app.extensions import db
    from app.rules import meeting_course as mc
    from tests.factories import now
    with app.app_context():
        actor = db.session.get(User, actor_id)
        action = mc.PAUSE
        while not stop.wait(every):
            queue.act_on_turn(meeting_id, turn_id, action, version=_version(meeting_id), now=now(), actor=actor)
            db.session.commit()
            done.append(time.monotonic())
            action = mc.RESUME if action == mc.PAUSE else mc.PAUSE
        db.session.remove()


async def one_display(port: int, path: str, offset: float, until: float, latencies: list, statuses: dict):
    """A display: one keep-alive connection, a GET with If-None-Match once a second."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    loop, etag = asyncio.get_running_loop(), None
    await asyncio.sleep(offset)
    tick = loop.time()
    while loop.time() < until:
        header = f"If-None-Match: {etag}\r\n" if etag else ""
        started = time.perf_counter()
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\n".encode())
        status, headers = await _read_head(reader)
        length = int(headers.get("content-length", "0"))
        if length:
            await reader.readexactly(length)
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
        etag = headers.get("etag", etag)
        tick += 1.0
        await asyncio.sleep(max(0.0, tick - loop.time()))
    writer.close()


async def _read_head(reader) -> tuple[int, dict]:
    status = int((await reader.readline()).split()[1])
    headers = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


async def displays(port: int, path: str, count: int, seconds: float) -> tuple[list, dict]:
    """`count` displays polling for `seconds`; their latencies (s) and status counts."""
    latencies, statuses = [], {}
    until = asyncio.get_running_loop().time() + seconds
    await asyncio.gather(*(one_display(port, path, i / count, until, latencies, statuses) for i in range(count)))
    return latencies, statuses


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def poll_phase(app_server, app, ids, args, database) -> dict:
    """N displays poll while the console acts; latency and CPU figures."""
    meeting_id, turn_id, actor_id = ids
    path = f"/meetings/{meeting_id}/display.json"
    stop, done = threading.Event(), []
    actor = threading.Thread(target=console, args=(app, meeting_id, turn_id, actor_id, stop, 2.0, done))
    server0, pg_pids = process_cpu_seconds(app_server.pids()), postgres_backend_pids(database)
    pg0, started = process_cpu_seconds(pg_pids), time.monotonic()
    actor.start()
    try:
        latencies, statuses = asyncio.run(displays(app_server.port, path, args.displays, args.seconds))
    finally:
        stop.set()
        actor.join()
    wall = time.monotonic() - started
    server_cpu = (process_cpu_seconds(app_server.pids()) - server0) / wall
    pg_cpu = (process_cpu_seconds(set(pg_pids) | set(postgres_backend_pids(database))) - pg0) / wall
    ms = [v * 1000 for v in latencies]
    return {"requests": len(ms), "rps": len(ms) / wall, "p50": statistics.median(ms), "p95": percentile(ms, 0.95),
            "max": max(ms), "statuses": statuses, "server_cpu": server_cpu, "pg_cpu": pg_cpu,
            "console_actions": len(done)}


def rate_phase(servers, meeting_id: int, tmp: Path, seconds: int) -> dict:
    """Requests/s of full display.json, revalidated display.json and the bare route under wrk."""
    import urllib.request
    wrk, path = ensure_wrk(), f"/meetings/{meeting_id}/display.json"
    with urllib.request.urlopen(servers["app"].base_url + path) as response:
        etag = response.headers["ETag"]
    runs = {"app": (servers["app"], write_script(tmp, "full", [path])),
            "app 304": (servers["app"], write_script(tmp, "revalidate", [path], [etag])),
            "bare": (servers["bare"], write_script(tmp, "bare", [path]))}
    return {name: run_wrk(wrk, server.base_url, script, connections=8, seconds=seconds, server_pids=server.pids())
            for name, (server, script) in runs.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--displays", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate-seconds", type=int, default=5)
    args = parser.parse_args()
    base = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
    if not base:
        raise SystemExit("Set BENCH_POSTGRES_URL to a PostgreSQL server (postgresql+psycopg://…).")
    database = os.environ.get("BENCH_DATABASE", "portal_display_bench")
    url = fresh_database(base, database)
    ids, app = seed(url)
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with tempfile.TemporaryDirectory(prefix="display-bench-") as folder:
        tmp, servers = Path(folder), {}
        try:
            servers["app"] = Server("app", "wsgi:app", {"DATABASE_URL": url, "PORTAL_ENV": "development"}, ROOT, tmp)
            servers["bare"] = Server("bare", "bare_display_app:app", {"BARE_DATABASE_URL": plain},
                                     ROOT / "benchmarks", tmp)
            path = f"/meetings/{ids[0]}/display.json"
            for server in servers.values():
                server.wait_ready(path)
            print(f"gunicorn {' '.join(WORKER_OPTIONS)}; {args.displays} displays for {args.seconds:g} s")
            report(poll_phase(servers["app"], app, ids, args, database),
                   rate_phase(servers, ids[0], tmp, args.rate_seconds))
        finally:
            for server in servers.values():
                server.stop()


def report(poll: dict, rates: dict):
    """Print the figures and whether each goal was met."""
    print(f"poll: {poll['requests']} requests ({poll['rps']:.0f}/s), statuses {poll['statuses']}, "
          f"{poll['console_actions']} console actions")
    print(f"poll latency: p50 {poll['p50']:.1f} ms, p95 {poll['p95']:.1f} ms, max {poll['max']:.1f} ms")
    print(f"CPU during the poll: gunicorn {poll['server_cpu']:.0%} of a core, PostgreSQL {poll['pg_cpu']:.0%}")
    for name, result in rates.items():
        print(f"rate {name:8}: {result.rps:8.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
              f"errors {result.errors}, server {result.server_share:.0%} of the machine")
    ratio = rates["app"].rps / rates["bare"].rps
    print(f"display.json / bare: {ratio:.2f} (304: {rates['app 304'].rps / rates['bare'].rps:.2f})")
    print(f"goal p95 < 50 ms: {'met' if poll['p95'] < 50 else 'MISSED'}; "
          f"goal >= 0.60 of bare: {'met' if ratio >= 0.6 else 'MISSED'}")


if __name__ == "__main__":
    main()
