"""The outbox worker against a real SMTP server (aiosmtpd), on both engines."""
import threading
from datetime import timedelta

import icalendar
import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.calendar import build_calendar
from app.outbox import attachments
from app.outbox.attachments import inline
from app.outbox.models import FAILED, PENDING, SENT, OutboxMessage
from app.outbox.services import enqueue_mail
from app.outbox.worker import MAX_ATTEMPTS, retry_delay, send_due

from ..conftest import free_port


@pytest.fixture(autouse=True)
def mail_to_sink(app, smtp):
    """Every test here sends to the aiosmtpd server of the `smtp` fixture."""
    app.config.update(smtp.config)


def queue(db, n=1, *, now, **fields):
    rows = [enqueue_mail(fields.get("recipient", f"reader{i}@example.tw"), fields.get("subject", f"通知 {i}"),
                         fields.get("body", f"第 {i} 封信。"), topic=fields.get("topic", "test.notice"), now=now,
                         attachments=fields.get("attachments", ()))
            for i in range(n)]
    db.session.commit()
    return rows


def body_of(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def attachments_of(message) -> dict:
    return {part.get_filename(): part.get_payload(decode=True) for part in message.iter_attachments()}


def test_queued_message_arrives_with_subject_body_recipient_and_calendar(make, db, smtp):
    meeting = make.open_meeting()
    with force_locale("en"):
        ics = build_calendar(meeting.title, [meeting], lambda m: "https://example.tw/meetings/1")
    now = make.now()
    row, = queue(db, now=now, recipient="ming@example.tw",
                 subject="報名已收到 — 公聽會", body="您好，\n這是內文。\n",
                 topic="registration.received", attachments=[inline("meeting.ics", "text/calendar", ics)])

    assert send_due(now=now) == (1, 0)

    message, = smtp.wait_for(1)
    assert message["To"] == "ming@example.tw"
    assert message["Subject"] == "報名已收到 — 公聽會"
    assert message["X-Portal-Topic"] == "registration.received"
    assert message["Message-ID"].startswith(f"<outbox.{row.id}.")
    assert body_of(message) == "您好，\n這是內文。\n"
    calendar = icalendar.Calendar.from_ical(attachments_of(message)["meeting.ics"])
    event, = calendar.walk("VEVENT")
    assert str(event["UID"]) == meeting.uid
    db.session.refresh(row)
    assert (row.status, row.sent_at, row.attempts, row.last_error) == (SENT, now, 1, "")


def test_message_stays_pending_while_server_is_down_then_arrives_exactly_once(app, make, db, smtp):
    now = make.now()
    row, = queue(db, now=now)
    app.config["MAIL_PORT"] = free_port()  # nothing listens there

    assert send_due(now=now) == (0, 1)

    db.session.refresh(row)
    assert (row.status, row.attempts) == (PENDING, 1)
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    assert row.next_attempt_at == now + timedelta(minutes=1)

    app.config["MAIL_PORT"] = smtp.port  # the server is back
    assert send_due(now=now + timedelta(seconds=30)) == (0, 0)  # not due yet
    assert send_due(now=now + timedelta(minutes=1)) == (1, 0)
    assert send_due(now=now + timedelta(hours=2)) == (0, 0)
    assert len(smtp.wait_for(1)) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts) == (SENT, 2)


def test_message_is_given_up_after_max_attempts(app, make, db, smtp):
    now = make.now()
    row, = queue(db, now=now)
    app.config["MAIL_PORT"] = free_port()
    moment = now
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert send_due(now=moment) == (0, 1)
        db.session.refresh(row)
        assert row.attempts == attempt
        moment = row.next_attempt_at

    assert row.status == FAILED and row.last_error
    app.config["MAIL_PORT"] = smtp.port
    assert send_due(now=moment + timedelta(days=1)) == (0, 0)
    assert smtp.messages == []


@pytest.mark.parametrize("attempts, minutes", [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (10, 60), (50, 60)])
def test_retry_delay_doubles_up_to_an_hour(attempts, minutes):
    assert retry_delay(attempts) == timedelta(minutes=minutes)


def test_rolled_back_change_leaves_no_mail(make, db, smtp):
    meeting = make.open_meeting()
    make.commit()
    make.application(meeting, confirm=False)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    db.session.rollback()

    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert send_due(now=make.now()) == (0, 0)
    assert smtp.messages == []


def test_messages_go_oldest_first_and_limit_bounds_a_round(make, db, smtp):
    now = make.now()
    rows = queue(db, 3, now=now)

    assert send_due(now=now, limit=2) == (2, 0)
    assert [m["Subject"] for m in smtp.wait_for(2)] == ["通知 0", "通知 1"]
    assert db.session.get(OutboxMessage, rows[2].id).status == PENDING
    assert send_due(now=now, limit=2) == (1, 0)


def test_malformed_message_fails_at_once_without_blocking_the_rest(make, db, smtp):
    now = make.now()
    bad, = queue(db, now=now, recipient="reader@example.tw\nBcc: thief@example.tw")
    good, = queue(db, now=now)

    assert send_due(now=now) == (1, 1)

    db.session.refresh(bad)
    assert (bad.status, bad.attempts) == (FAILED, 1) and "UnsendableAddress" in bad.last_error
    assert db.session.get(OutboxMessage, good.id).status == SENT
    assert len(smtp.wait_for(1)) == 1


def test_attachment_recorded_as_what_to_build_is_built_by_its_builder_when_sent(make, db, smtp, monkeypatch):
    built = []

    def note(number, locale):
        built.append(number)
        return f"第 {number} 號 ({locale})".encode()

    monkeypatch.setitem(attachments._builders, "test_note", note)
    now = make.now()
    row, = queue(db, now=now, attachments=[
        attachments.later("test_note", "note.txt", "text/plain; charset=utf-8", number=7, locale="en"),
        inline("inline.txt", "text/plain", b"stored with the message")])
    assert built == []  # queuing records the recipe, not the bytes
    assert row.attachments[0] == {"filename": "note.txt", "content_type": "text/plain; charset=utf-8",
                                  "build": "test_note", "arguments": {"number": 7, "locale": "en"}}

    assert send_due(now=now) == (1, 0)

    message, = smtp.wait_for(1)
    assert built == [7]
    assert attachments_of(message) == {"note.txt": "第 7 號 (en)".encode(), "inline.txt": b"stored with the message"}


@pytest.mark.parametrize("recipe, error", [
    (attachments.later("no_such_kind", "x.bin", "application/octet-stream"), "no_such_kind"),
    (attachments.later("check_in_qr", "x.png", "image/png", colour="red"), "colour"),
])
def test_attachment_that_cannot_be_built_fails_the_message_at_once(make, db, smtp, recipe, error):
    now = make.now()
    orphan, = queue(db, now=now, attachments=[recipe])
    good, = queue(db, now=now)

    assert send_due(now=now) == (1, 1)

    db.session.refresh(orphan)
    assert (orphan.status, orphan.attempts) == (FAILED, 1)
    assert error in orphan.last_error
    assert db.session.get(OutboxMessage, good.id).status == SENT


def test_two_workers_never_send_one_message_twice(app, make, db, smtp):
    if app.config["ENGINE_NAME"] != "postgresql":
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) are PostgreSQL's; SQLite runs one worker")
    now = make.now()
    queue(db, 20, now=now)
    smtp.delay = 0.02  # keep both workers busy at the same time
    start, results = threading.Barrier(2), []

    def worker():
        with app.app_context():
            start.wait()
            results.append(send_due(now=now))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == 2 and sum(sent for sent, _ in results) == 20
    received = smtp.wait_for(20)
    assert len({m["Message-ID"] for m in received}) == len(received) == 20
    assert db.session.scalar(select(func.count()).where(OutboxMessage.status == SENT)) == 20


def test_outbox_commands_send_and_count(runner, make, db, smtp):
    queue(db, 2, now=make.now() - timedelta(minutes=1))
    assert "2 pending, 0 sent, 0 failed" in runner.invoke(args=["outbox", "status"]).output

    result = runner.invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "2 sent, 0 failed" in result.output
    assert "0 pending, 2 sent, 0 failed" in runner.invoke(args=["outbox", "status"]).output
    assert len(smtp.wait_for(2)) == 2
