"""What one confirmation costs as a meeting fills: BENCH_CONFIRMATIONS (1,500) applications to one
hearing (two speakers for every observer, each of its own organisation; 10 speaking places) are
confirmed one after another, in-process, each as the confirmation request does it (a request
context, a fresh session, `confirm_application` under the meeting's lock, one commit), without HTTP.

    BENCH_POSTGRES_URL=postgresql+psycopg://portal@127.0.0.1:55432/portal_test \
        .venv/bin/python benchmarks/confirm_sequence.py      # database portal_confirm_sequence, recreated
    BENCH_DATABASE_URL=sqlite:///… .venv/bin/python benchmarks/confirm_sequence.py   # any database
    .venv/bin/python benchmarks/confirm_sequence.py          # SQLite in a temporary folder

It prints the cost of the 300th confirmation and of the last (the 1,500th): the median of the 10
confirmations ending there, in wall-clock milliseconds, with this process's CPU time beside it (on
a busy machine the wall clock also counts waiting for a core) and the SQL statements the last one
ran; then whether the goal (under 15 ms at the 1,500th, on PostgreSQL) is met. BENCH_APP_DIR runs
the portal of another work tree (say, a `git archive` of an earlier commit), for before/after.
Knobs: BENCH_CONFIRMATIONS (1500), BENCH_SEQUENCE_DATABASE (portal_confirm_sequence), BENCH_APP_DIR.
"""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = Path(os.environ.get("BENCH_APP_DIR", ROOT)).resolve()
sys.path.insert(0, str(APP_DIR))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.registrations import services  # noqa: E402
from app.registrations.models import Application  # noqa: E402
from tests import factories as make  # noqa: E402

COUNT = int(os.environ.get("BENCH_CONFIRMATIONS", 1500))
MARKS = (300, COUNT)  # the confirmations whose cost is reported
WINDOW = 10  # the cost at a mark: the median of the WINDOW confirmations ending there
GOAL_MS, GOAL_AT = 15.0, 1500


def database_url(folder: str) -> str:
    """BENCH_DATABASE_URL; else a fresh database on BENCH_POSTGRES_URL's server; else SQLite in `folder`."""
    sys.path.insert(1, str(ROOT / "benchmarks"))
    from seed import fresh_database_url
    return fresh_database_url(os.environ.get("BENCH_SEQUENCE_DATABASE", "portal_confirm_sequence"), folder)


def fill(app) -> list[int]:
    """One open hearing with COUNT submitted (unconfirmed) applications; their ids in order."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        meeting = make.open_meeting(make.organizer(speaker_cap=10))
        ids = [services.submit_application(meeting, make.application_data(
            "speak" if n % 3 else "observe", organisation=f"團體{n}"), now=make.now()).id for n in range(COUNT)]
        db.session.commit()
        db.session.remove()
    return ids


def confirm_all(app, ids: list[int]) -> tuple[list[float], list[float], int]:
    """Confirm every application in turn, as its own request; return wall and CPU seconds of each,
    and how many SQL statements the last one ran."""
    walls, cpus, statements = [], [], []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
        for application_id in ids:
            statements.clear()
            started, cpu = time.perf_counter(), time.process_time()
            with app.test_request_context("/registration/confirm/token", method="POST"):
                services.confirm_application(db.session.get(Application, application_id))
                db.session.commit()
                db.session.remove()
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        last = len(statements)
        db.drop_all()
    return walls, cpus, last


def at_mark(values: list[float], mark: int) -> float:
    """The median, in ms, of the WINDOW values ending with the mark-th."""
    return statistics.median(values[max(0, mark - WINDOW):mark]) * 1000


def main():
    with tempfile.TemporaryDirectory() as folder:
        url = database_url(folder)
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        ids = fill(app)
        walls, cpus, statements = confirm_all(app, ids)
    engine = make_url(url).get_backend_name()
    print(f"{COUNT} confirmations of one meeting ({engine}, portal from {APP_DIR}) in {sum(walls):.1f} s")
    for mark in sorted({m for m in MARKS if m <= COUNT}):
        print(f"  confirmation {mark:>5}: {at_mark(walls, mark):5.1f} ms (this process's CPU "
              f"{at_mark(cpus, mark):5.1f} ms), median of the {WINDOW} ending there")
    print(f"  the last one ran {statements} SQL statements")
    if COUNT >= GOAL_AT and engine == "postgresql":
        cost = at_mark(walls, GOAL_AT)
        print(f"Goal: under {GOAL_MS:.0f} ms at the {GOAL_AT:,}th confirmation: {cost:.1f} ms, "
              f"{'met' if cost < GOAL_MS else 'NOT met'}")
    else:
        print(f"(The goal, under {GOAL_MS:.0f} ms at the {GOAL_AT:,}th, is judged on PostgreSQL with "
              f"BENCH_CONFIRMATIONS >= {GOAL_AT}.)")


if __name__ == "__main__":
    main()
