"""Sending the outbox: a worker claims a batch under a lease and sends it over one SMTP connection.

Each row's attempt is committed before the message goes to the server, so a worker killed mid-batch
never causes a second copy: the claims module turns its interrupted row into UNCERTAIN (at most
once) and gives the rest back. On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so
several workers never claim one row. A 4xx reply or a network error is retried with back-off; a
5xx reply fails the message and suppresses the address for later bulk mail (bulk.py).

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
from ..rules.names import normalise_email
from . import attachments, bulk, claims
from .models import BOUNCED, FAILED, PENDING, SENT, SUPPRESSED, OutboxMessage

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


def build_message(row: OutboxMessage, sender: str, memo: dict | None = None) -> Message:
    """The e-mail for one outbox row: its attachments decoded or built now (attachments.later), a
    Message-ID stable across attempts; a bulk row gets its recipient's footer and unsubscribe headers."""
    check_addresses(row.recipient, sender)
    headers = {"X-Portal-Topic": one_line(row.topic), "Auto-Submitted": "auto-generated"}
    body = row.body
    if row.bulk:
        footer, extra = bulk.personalise(row.recipient, row.audience)
        body = f"{body.rstrip()}\n\n{footer}" if footer else body
        headers |= {name: one_line(value) for name, value in extra.items()} | {"Precedence": "bulk"}
    message = Message(subject=one_line(row.subject), recipients=[row.recipient], body=body, sender=sender,
                      extra_headers=headers)
    domain = current_app.config["SITE_NAME_DOMAIN"]
    message.msgId = f"<outbox.{row.id}.{int(row.created_at.timestamp())}@{domain}>"
    for item in row.attachments or []:
        message.attach(item["filename"], item["content_type"], attachments.content(item, memo))
    return message


def smtp_code(error: Exception) -> int | None:
    """The SMTP reply code of a refusal: of the (only) refused recipient, or of the command refused."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return next(iter(error.recipients.values()))[0]
    return getattr(error, "smtp_code", None)


def _record_failure(row: OutboxMessage, error: Exception, *, now: datetime, permanent: bool = False):
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    row.attempt_started_at, row.lease_until = None, None
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = FAILED
    else:
        row.status, row.next_attempt_at = PENDING, now + retry_delay(row.attempts)


def _refused(row: OutboxMessage, error: Exception, *, now: datetime) -> bool:
    """A 5xx reply fails the message for good and suppresses the address for later bulk mail (True); a
    4xx or a network error is retried later (back-off)."""
    code = smtp_code(error)
    permanent = code is not None and 500 <= code < 600
    _record_failure(row, error, now=now, permanent=permanent)
    if permanent:
        bulk.suppress(row.recipient, BOUNCED, now=now, reply=row.last_error)
    return permanent


class _Batch:
    """What one round shares: the SMTP connection, the suppressed addresses among its rows (one query),
    and the attachments built once for all of them."""

    def __init__(self, postman, sender: str, rows):
        self.postman, self.sender, self.memo = postman, sender, {}
        self.suppressed = bulk.suppressed_among(row.recipient for row in rows if row.bulk)


def _prepare(batch: _Batch, row: OutboxMessage, *, now: datetime) -> Message | None:
    """The message for one claimed row, built before its attempt is committed (building may read the
    database: an attachment, a subscriber's footer); None if the row is settled without sending
    (suppressed, or a message that can never be built)."""
    if row.bulk and normalise_email(row.recipient) in batch.suppressed:
        row.status, row.lease_until = SUPPRESSED, None
        return None
    try:
        return build_message(row, batch.sender, batch.memo)
    except (BadHeaderError, binascii.Error, ValueError, KeyError) as error:
        _record_failure(row, error, now=now, permanent=True)  # a malformed message never improves
        return None


def _deliver(batch: _Batch, row: OutboxMessage, message: Message, *, now: datetime) -> bool:
    """Hand one message to the SMTP server; True if accepted, False if the attempt failed."""
    try:
        batch.postman.send(message)
    except (BadHeaderError, ValueError) as error:
        _record_failure(row, error, now=now, permanent=True)
        return False
    except (smtplib.SMTPException, OSError) as error:
        if _refused(row, error, now=now):
            batch.suppressed.add(normalise_email(row.recipient))
        return False
    row.status, row.sent_at, row.last_error, row.lease_until = SENT, now, "", None
    row.attempts += 1
    return True


def send_due(*, now: datetime, limit: int = 50) -> tuple[int, int]:
    """Send up to `limit` due pending messages, oldest first, over one SMTP connection; return (sent,
    failed attempts). Each row's attempt is committed before it is sent, and its outcome with the
    next row's attempt (claims.py), so a killed worker never causes a second copy. If the batch breaks
    while this worker lives (the database went away), it settles its own claim: what it sent is
    marked sent, what it never handed over goes back to the queue (claims.settle)."""
    settings = mail.init_mail(current_app.config, current_app.debug, current_app.testing)
    postman, sent, failed = _Postman(settings, current_app.config["MAIL_TIMEOUT"]), 0, 0
    claims.settle_remembered()
    claims.recover_expired(now)
    rows = claims.claim_due(now, limit)
    session = db.session()
    session.expire_on_commit = False  # the claimed rows stay loaded: no reload after each commit
    known, on_the_wire = {}, None  # outcomes held in memory; the row being handed to the SMTP server
    try:
        batch = _Batch(postman, settings.default_sender, rows)
        for row in rows:
            message = _prepare(batch, row, now=now)
            if message is not None:
                row.attempt_started_at = now
                db.session.commit()  # also commits the previous rows' outcomes
                on_the_wire = row.id
                outcome = _deliver(batch, row, message, now=now)
                on_the_wire = None
                sent, failed = sent + outcome, failed + (not outcome)
            else:
                failed += row.status == FAILED
            known[row.id] = claims.outcome_of(row)
        db.session.commit()
    except BaseException:
        if rows:
            claims.settle(rows[0].claim, {row.id: known.get(row.id, claims.RELEASED)
                                          for row in rows if row.id != on_the_wire})
        raise
    finally:
        session.expire_on_commit = True
        postman.close()
    return sent, failed


def counts_by_status() -> dict[str, int]:
    """How many messages are pending, sent and failed."""
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    counts = {PENDING: 0, SENT: 0, FAILED: 0} | dict(rows.all())
    return {status: n for status, n in counts.items() if n or status in (PENDING, SENT, FAILED)}
