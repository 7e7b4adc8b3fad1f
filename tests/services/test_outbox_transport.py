"""The outbox worker's SMTP transport: a timeout on a silent server, safe headers, unsendable addresses."""
import socket
import threading
import time

import pytest

from app.outbox.models import FAILED, PENDING, SENT, OutboxMessage
from app.outbox.services import enqueue_mail
from app.outbox.worker import send_due


def queue(db, *, now, recipient="reader@example.tw", subject="通知", topic="test.notice"):
    row = enqueue_mail(recipient, subject, "內文。", topic=topic, now=now)
    db.session.commit()
    return row


@pytest.fixture
def silent_server():
    """A TCP server on the loopback that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_silent_smtp_server_fails_the_attempt_after_mail_timeout_and_it_is_retried(app, make, db, silent_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent_server, MAIL_SUPPRESS_SEND=False, MAIL_TIMEOUT=1)
    now = make.now()
    row = queue(db, now=now)
    started = time.monotonic()
    assert send_due(now=now) == (0, 1)
    assert time.monotonic() - started < 10
    db.session.refresh(row)
    assert row.status == PENDING and row.attempts == 1 and "timed out" in row.last_error


def test_a_subject_with_line_breaks_arrives_on_one_line(app, make, db, smtp):
    app.config.update(smtp.config)
    now = make.now()
    row = queue(db, now=now, subject="您的申請 — 國土計畫\r\nBcc: thief@example.tw\n公聽會", topic="test\nX-Evil: 1")
    assert send_due(now=now) == (1, 0)
    message, = smtp.wait_for(1)
    assert message["Subject"] == "您的申請 — 國土計畫 Bcc: thief@example.tw 公聽會"
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["X-Portal-Topic"] == "test X-Evil: 1"
    assert db.session.get(OutboxMessage, row.id).status == SENT


@pytest.mark.parametrize("recipient", ["林淑芬@example.tw", "reader@例子.台灣", "reader@example.tw\r\nBcc: x@example.tw"])
def test_an_address_that_would_need_smtputf8_fails_at_once_with_a_reason(app, make, db, smtp, recipient):
    app.config.update(smtp.config)
    now = make.now()
    bad = queue(db, now=now, recipient=recipient)
    good = queue(db, now=now)
    assert send_due(now=now) == (1, 1)
    db.session.refresh(bad)
    assert (bad.status, bad.attempts) == (FAILED, 1)
    assert bad.last_error.startswith("UnsendableAddress: the address") and "SMTPUTF8" in bad.last_error
    assert db.session.get(OutboxMessage, good.id).status == SENT
    assert len(smtp.wait_for(1)) == 1
