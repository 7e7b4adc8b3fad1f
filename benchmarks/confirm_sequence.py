"""How long one confirmation takes as a meeting fills: 300 applications confirmed one after another,
in-process, each in its own transaction (the locked, allocating step without HTTP).

    .venv/bin/python benchmarks/confirm_sequence.py             # SQLite file in a temporary folder
    BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python benchmarks/confirm_sequence.py

Prints the total and the mean of the first and of the last 10 confirmations.
"""
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.registrations import services  # noqa: E402
from app.registrations.models import Application  # noqa: E402
from tests import factories as make  # noqa: E402

COUNT = int(os.environ.get("BENCH_CONFIRMATIONS", 300))


def main():
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/confirm.sqlite3")
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.drop_all()
            db.create_all()
            meeting = make.open_meeting(make.organizer(speaker_cap=10))
            ids = [services.submit_application(meeting, make.application_data(
                "speak" if n % 3 else "observe", organisation=f"團體{n}"), now=make.now()).id for n in range(COUNT)]
            db.session.commit()
            times = []
            for application_id in ids:
                started = time.perf_counter()
                services.confirm_application(db.session.get(Application, application_id))
                db.session.commit()
                times.append(time.perf_counter() - started)
            db.drop_all()
    print(f"{COUNT} confirmations in {sum(times):.2f} s; first 10: {sum(times[:10]) / 10 * 1000:.1f} ms each, "
          f"last 10: {sum(times[-10:]) / 10 * 1000:.1f} ms each")


if __name__ == "__main__":
    main()
