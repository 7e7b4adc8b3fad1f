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
from sqlalchemy import func, select

from app.outbox.claims import DEFAULT_LEASE
from app.outbox.models import SENDING, SENT, UNCERTAIN, OutboxMessage
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
