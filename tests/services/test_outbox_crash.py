"""No message is sent twice when a worker is killed mid-batch and two workers take over (PostgreSQL,
FOR UPDATE SKIP LOCKED and leases: app/outbox/claims.py), against a real SMTP server."""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.outbox import attachments
from app.outbox.claims import DEFAULT_LEASE
from app.outbox.models import PENDING, SENDING, SENT, UNCERTAIN, OutboxMessage
from app.outbox.services import enqueue_mail
from app.outbox.worker import send_due

ROOT = Path(__file__).resolve().parents[2]
WORKER = textwrap.dedent("""
    import sys
    from datetime import datetime
    from app import create_app
    from app.outbox.worker import send_due
    url, port, moment = sys.argv[1], int(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "127.0.0.1",
                      "MAIL_PORT": port, "MAIL_SUPPRESS_SEND": False})
    with app.app_context():
        send_due(now=moment, limit=1000)
""")


def test_a_worker_killed_mid_batch_never_causes_a_second_copy(app, make, db, smtp):
    if app.config["ENGINE_NAME"] != "postgresql":
        pytest.skip("several workers need PostgreSQL's row locks; SQLite runs one worker")
    app.config.update(smtp.config)
    now = make.now()
    for n in range(200):
        enqueue_mail(f"reader{n}@example.tw", f"通知 {n}", "內文", topic="notice.published", now=now)
    db.session.commit()
    smtp.delay = 0.005
    worker = subprocess.Popen([sys.executable, "-c", WORKER, app.config["SQLALCHEMY_DATABASE_URI"], str(smtp.port),
                               now.isoformat()], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        smtp.wait_for(40, timeout=60)
    finally:
        worker.send_signal(signal.SIGKILL)  # mid-batch, no clean-up
        worker.wait(timeout=10)
    time.sleep(0.2)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(OutboxMessage.status == SENDING)) > 0

    later, results = now + DEFAULT_LEASE + timedelta(seconds=1), []
    start = threading.Barrier(2)

    def restarted():
        with app.app_context():
            start.wait()
            results.append(send_due(now=later, limit=1000))

    threads = [threading.Thread(target=restarted) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    db.session.expire_all()
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    received = Counter(m["Message-ID"] for m in smtp.messages)
    assert max(received.values()) == 1, "a message arrived twice"
    assert set(counts) <= {SENT, UNCERTAIN} and counts.get(UNCERTAIN, 0) <= 1
    assert counts[SENT] + counts.get(UNCERTAIN, 0) == 200
    assert counts[SENT] <= len(received) <= counts[SENT] + counts.get(UNCERTAIN, 0)


@pytest.mark.parametrize("database_refuses_reconnection", [False, True], ids=["reconnects", "stays-down"])
def test_a_batch_broken_by_the_database_settles_its_own_claim_and_loses_no_mail(app, make, db, smtp, monkeypatch,
                                                                                 database_refuses_reconnection):
    """The third message's calendar needs the database, which goes away while it is built (its backend
    is terminated for real). The worker lives on: what it sent stays sent, the rest goes back to the
    queue at once or, while no connection can be made, at the start of its next round; nothing is left
    UNCERTAIN and every message arrives exactly once."""
    if app.config["ENGINE_NAME"] != "postgresql":
        pytest.skip("losing the connection mid-batch needs a database server to lose (PostgreSQL)")
    app.config.update(smtp.config)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    calls = []

    def calendar_needing_the_database(number):
        calls.append(number)
        if len(calls) == 1:
            if database_refuses_reconnection:
                with admin.connect() as conn:
                    conn.execute(text(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS false'))
            db.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return f"meeting {number}".encode()

    monkeypatch.setitem(attachments._builders, "test_needs_database", calendar_needing_the_database)
    now = make.now()
    rows = [enqueue_mail(f"reader{n}@example.tw", f"通知 {n}", "內文", topic="notice.published", now=now,
                         attachments=[attachments.later("test_needs_database", "m.ics", "text/calendar", number=n)]
                         if n == 2 else ()) for n in range(5)]
    db.session.commit()
    ids = [row.id for row in rows]

    try:
        with pytest.raises(OperationalError):
            send_due(now=now, limit=10)
        assert len(smtp.wait_for(2)) == 2  # the two before the broken one were sent
    finally:
        if database_refuses_reconnection:
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    db.session.remove()
    db.session.expire_all()
    if database_refuses_reconnection:  # nothing could be written yet: the claim is still this worker's
        assert [db.session.get(OutboxMessage, row_id).status for row_id in ids] == [SENT, SENDING, SENDING,
                                                                                     SENDING, SENDING]
    else:  # settled at once: sent, sent, and three back in the queue
        assert [db.session.get(OutboxMessage, row_id).status for row_id in ids] == [SENT, SENT, PENDING,
                                                                                     PENDING, PENDING]
    db.session.rollback()

    assert send_due(now=now, limit=10) == (3, 0)  # the same moment: no lease had to run out

    db.session.expire_all()
    assert [db.session.get(OutboxMessage, row_id).status for row_id in ids] == [SENT] * 5
    received = Counter(str(m["To"]) for m in smtp.wait_for(5))
    assert received == Counter(f"reader{n}@example.tw" for n in range(5))
    assert calls == [2, 2]
