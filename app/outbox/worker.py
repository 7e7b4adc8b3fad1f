"""Sending the outbox: due messages go out one at a time, each marked in its own transaction.

A message is marked sent only after the SMTP server accepted it, so a crash in between sends it
again (at least once, never lost); its Message-ID stays the same on every attempt, so mail
programs can tell a repeat. On PostgreSQL each message is taken with FOR UPDATE SKIP LOCKED, so
several workers never send one message twice. SQLite has no row locks: run one worker there.

The SMTP settings are read from the app's config on every call (not only at `mail.init_app`),
so a changed MAIL_SERVER or MAIL_PORT — a test's server, a reloaded config — applies at once.
A message that can never be sent (a non-ASCII address, which would need SMTPUTF8) fails at once
with a reason; a subject is always written on one line, so no text can add a header.
"""
import binascii
import smtplib
import unicodedata
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from flask_mail import BadHeaderError, Connection, Message
from sqlalchemy import func, select

from ..extensions import db, mail
from . import attachments
from .models import FAILED, PENDING, SENT, OutboxMessage

MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 1, 2, 4, … minutes, at most an hour."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16), LONGEST_RETRY)


class UnsendableAddress(ValueError):
    """An address the worker cannot hand to an SMTP server; retrying never helps."""


class TimedConnection(Connection):
    """Flask-Mail's Connection, opening its SMTP session with a timeout (MAIL_TIMEOUT seconds).

    Flask-Mail 0.10 has no timeout setting (pallets-eco/flask-mail#114 is open), and a silent server
    would hang the worker for minutes. `Connection.configure_host` is its public hook that opens the
    session; this subclass overrides it, and everything else (sending, signals) stays Flask-Mail's.
    """

    def __init__(self, mail, timeout: float):
        super().__init__(mail)
        self.timeout = timeout

    def configure_host(self):
        """An SMTP (or SMTP over TLS) session, connected, secured and signed in, with the timeout set."""
        factory = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = factory(self.mail.server, self.mail.port, timeout=self.timeout)
        host.set_debuglevel(int(self.mail.debug))
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


class _Postman:
    """One SMTP connection per batch, opened on first use and dropped after an error."""

    def __init__(self, settings, timeout: float):
        self.settings, self.timeout, self.connection = settings, timeout, None

    def send(self, message: Message):
        if self.connection is None:
            self.connection = TimedConnection(self.settings, self.timeout).__enter__()
        try:
            self.connection.send(message)
        except BaseException:
            self.drop()
            raise

    def drop(self):
        connection, self.connection = self.connection, None
        if connection is not None and connection.host is not None:
            connection.host.close()

    def close(self):
        if self.connection is not None and self.connection.host is not None:
            try:
                self.connection.host.quit()
            except (smtplib.SMTPException, OSError):
                pass
        self.drop()


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


def one_line(text: str) -> str:
    """`text` for a header: every line break or other control character becomes a space."""
    return " ".join("".join(" " if _is_control(c) else c for c in text).split())


def check_addresses(*addresses):
    """Raise UnsendableAddress for an address (display names aside) that is not plain ASCII on one line."""
    for entry in addresses:
        address = entry[1] if isinstance(entry, tuple) else parseaddr(entry)[1] or entry
        if not address.isascii() or any(_is_control(c) for c in str(entry)):
            raise UnsendableAddress(f"the address {address!r} is not plain ASCII on one line; sending to it "
                                    "would need SMTPUTF8, which this portal does not use")


def build_message(row: OutboxMessage, sender: str) -> Message:
    """The e-mail for one outbox row: its attachments decoded or built now (attachments.later), a
    Message-ID stable across attempts."""
    check_addresses(row.recipient, sender)
    message = Message(subject=one_line(row.subject), recipients=[row.recipient], body=row.body, sender=sender,
                      extra_headers={"X-Portal-Topic": one_line(row.topic), "Auto-Submitted": "auto-generated"})
    domain = current_app.config["SITE_NAME_DOMAIN"]
    message.msgId = f"<outbox.{row.id}.{int(row.created_at.timestamp())}@{domain}>"
    for item in row.attachments or []:
        message.attach(item["filename"], item["content_type"], attachments.content(item))
    return message


def _next_due(now: datetime) -> OutboxMessage | None:
    query = (select(OutboxMessage).where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.id).limit(1))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalars(query).first()


def _record_failure(row: OutboxMessage, error: Exception, *, now: datetime, permanent: bool = False):
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = FAILED
    else:
        row.next_attempt_at = now + retry_delay(row.attempts)


def send_due(*, now: datetime, limit: int = 50) -> tuple[int, int]:
    """Send up to `limit` due pending messages, oldest first; return (sent, failed attempts)."""
    settings = mail.init_mail(current_app.config, current_app.debug, current_app.testing)
    postman, sent, failed = _Postman(settings, current_app.config["MAIL_TIMEOUT"]), 0, 0
    try:
        for _ in range(limit):
            row = _next_due(now)
            if row is None:
                break
            try:
                postman.send(build_message(row, settings.default_sender))
            except (BadHeaderError, binascii.Error, ValueError, KeyError) as error:
                _record_failure(row, error, now=now, permanent=True)  # a malformed message never improves
                failed += 1
            except (smtplib.SMTPException, OSError) as error:
                _record_failure(row, error, now=now)
                failed += 1
            else:
                row.status, row.sent_at, row.last_error = SENT, now, ""
                row.attempts += 1
                sent += 1
            db.session.commit()
    finally:
        db.session.rollback()  # release the lock of a message left unfinished by an unexpected error
        postman.close()
    return sent, failed


def counts_by_status() -> dict[str, int]:
    """How many messages are pending, sent and failed."""
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {PENDING: 0, SENT: 0, FAILED: 0} | dict(rows.all())
