"""A notice to 10,000 recipients: how long queuing takes, and how fast the outbox delivers it beside a
minimal script sending the same messages over one SMTP connection, in the same run.

    BENCH_POSTGRES_URL=postgresql+psycopg://portal@127.0.0.1:55432/portal_test .venv/bin/python benchmarks/notices.py
    .venv/bin/python benchmarks/notices.py        # SQLite in a temporary folder

1. Seeds BENCH_NOTICE_RECIPIENTS (10,000) confirmed subscribers following one county, and a draft meeting.
2. Publishes it as the staff page does (publish_meeting, one commit): the notice is written and its
   10,000 outbox rows are queued with one INSERT … SELECT. Goal: under 5 s.
3. Starts an SMTP sink (aiosmtpd, in its own process, counting messages) and delivers the outbox
   with the worker (`send_due`, batches of 500 over one connection each, every row claimed, its
   attempt and outcome committed, footer and unsubscribe headers signed, the .ics attached).
4. Sends the same messages (same bodies with their footers, headers and .ics; the text prepared
   beforehand, each message built with the standard library's EmailMessage as it is sent) with a
   minimal smtplib loop over one connection to the same sink. Prints both rates and the ratio.
   Goal: worker >= 50 % of the loop's rate.
Knobs: BENCH_NOTICE_RECIPIENTS (10000), BENCH_NOTICE_DATABASE (portal_bench_notices), BENCH_DATABASE_URL.
"""
import os
import secrets
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.meetings import services  # noqa: E402
from app.outbox import attachments  # noqa: E402
from app.outbox.models import PENDING, OutboxMessage  # noqa: E402
from app.outbox.worker import build_message, send_due  # noqa: E402
from app.stakeholders.models import Follow, Subscriber  # noqa: E402
from tests import factories as make  # noqa: E402

COUNT = int(os.environ.get("BENCH_NOTICE_RECIPIENTS", 10000))
QUEUE_GOAL_S, RATE_GOAL = 5.0, 0.50
SINK = """
import asyncio, sys
from aiosmtpd.controller import Controller
class Count:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
controller = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
"""


def database_url(folder: str) -> str:
    """BENCH_DATABASE_URL; else a fresh database on BENCH_POSTGRES_URL's server; else SQLite in `folder`."""
    sys.path.insert(1, str(ROOT / "benchmarks"))
    from seed import fresh_database_url
    return fresh_database_url(os.environ.get("BENCH_NOTICE_DATABASE", "portal_bench_notices"), folder)


def seed():
    """COUNT active subscribers following the county of a draft meeting; the meeting."""
    organizer = make.organizer(county_code="taichung")
    meeting = make.meeting(organizer, status="draft")
    db.session.commit()
    db.session.execute(insert(Subscriber), [
        {"email": f"reader{n}@example.tw", "email_key": f"reader{n}@example.tw", "locale": "zh_Hant_TW",
         "state": "active", "nonce": secrets.token_urlsafe(12)} for n in range(COUNT)])
    ids = db.session.scalars(select(Subscriber.id)).all()
    db.session.execute(insert(Follow), [{"subscriber_id": i, "kind": "county", "value": "taichung"} for i in ids])
    db.session.commit()
    return meeting


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def deliver_with_worker(app) -> float:
    """Seconds the outbox worker takes to send every pending message."""
    started = time.perf_counter()
    while send_due(now=make.now() + timedelta(minutes=1), limit=500) != (0, 0):
        pass
    return time.perf_counter() - started


def deliver_minimal(app, port: int) -> float:
    """Seconds a minimal loop takes to build the same messages (same body with its footer, headers and
    .ics) with the standard library and send them over one smtplib connection."""
    sender = app.config["MAIL_DEFAULT_SENDER"]
    contents = []
    for row in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
        built = build_message(row, sender)
        headers = {k: v for k, v in built.extra_headers.items()}
        item = row.attachments[0]
        contents.append((row.recipient, built.subject, built.body, headers, item["filename"],
                         attachments.content(item)))
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for recipient, subject, body, headers, filename, ics in contents:
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = sender, recipient, subject
            for name, value in headers.items():
                message[name] = value
            message.set_content(body)
            message.add_attachment(ics, maintype="text", subtype="calendar", filename=filename)
            connection.send_message(message)
    return time.perf_counter() - started


def main():
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        sink = subprocess.Popen([sys.executable, "-c", SINK, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True)
        try:
            sink.stdout.readline()
            app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url(folder),
                              "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_SUPPRESS_SEND": False})
            with app.app_context(), app.test_request_context():
                db.create_all()
                meeting = seed()
                started = time.perf_counter()
                services.publish_meeting(meeting, actor=None, now=make.now())
                db.session.commit()
                queued_s = time.perf_counter() - started
                queued = db.session.scalar(select(func.count()).where(OutboxMessage.status == PENDING))
                worker_s = deliver_with_worker(app)
                minimal_s = deliver_minimal(app, port)
                db.engine.dispose()
        finally:
            sink.stdin.close()
            sink.terminate()
            sink.wait(timeout=10)
    worker_rate, minimal_rate = queued / worker_s, queued / minimal_s
    print(f"engine: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, recipients: {queued}")
    print(f"queued a notice to {queued} recipients in {queued_s:.2f} s (goal < {QUEUE_GOAL_S:.0f} s): "
          f"{'met' if queued_s < QUEUE_GOAL_S else 'NOT met'}")
    print(f"outbox worker: {worker_rate:.0f} messages/s; minimal smtplib loop: {minimal_rate:.0f} messages/s; "
          f"ratio {worker_rate / minimal_rate:.2f} (goal >= {RATE_GOAL:.2f}): "
          f"{'met' if worker_rate / minimal_rate >= RATE_GOAL else 'NOT met'}")


if __name__ == "__main__":
    main()
