"""Claiming outbox rows for one worker under a lease, and recovering the rows of a worker that died.

A worker claims a batch in one short transaction (status SENDING, a random claim token, a lease);
on PostgreSQL the rows are picked with FOR UPDATE SKIP LOCKED, so two workers never claim one row,
and SQLite's single writer gives the same. Before each message goes to the SMTP server its
`attempt_started_at` is committed. A claim whose lease ran out belonged to a worker that stopped:
its rows never attempted go back to PENDING; the one being sent may already have been accepted by
the server, so it becomes UNCERTAIN and is never sent again (no one gets a message twice).
"""
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, select, update

from ..extensions import db
from .models import PENDING, SENDING, UNCERTAIN, OutboxMessage

DEFAULT_LEASE = timedelta(minutes=5)


def lease_length() -> timedelta:
    """How long a claim lasts (OUTBOX_LEASE_SECONDS): longer than any batch takes to send."""
    seconds = current_app.config.get("OUTBOX_LEASE_SECONDS")
    return timedelta(seconds=seconds) if seconds else DEFAULT_LEASE


def recover_expired(now: datetime) -> int:
    """Release the rows of workers whose lease ran out; return how many became UNCERTAIN."""
    expired = and_(OutboxMessage.status == SENDING, OutboxMessage.lease_until < now)
    db.session.execute(update(OutboxMessage).where(expired, OutboxMessage.attempt_started_at.is_(None))
                       .values(status=PENDING, claim="", lease_until=None))
    uncertain = db.session.execute(
        update(OutboxMessage).where(expired, OutboxMessage.attempt_started_at.is_not(None))
        .values(status=UNCERTAIN, lease_until=None,
                last_error="The worker stopped while sending this message; the server may have accepted it, "
                           "so it is not sent again.")).rowcount
    db.session.commit()
    return uncertain


def claim_due(now: datetime, limit: int) -> list[OutboxMessage]:
    """Claim up to `limit` due pending rows, oldest first, and commit the claim; return them."""
    due = (select(OutboxMessage.id).where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
           .order_by(OutboxMessage.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(due))
    if not ids:
        db.session.rollback()
        return []
    token = secrets.token_hex(16)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                       .values(status=SENDING, claim=token, lease_until=now + lease_length(),
                               attempt_started_at=None), execution_options={"synchronize_session": False})
    db.session.commit()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.claim == token,
                                                               OutboxMessage.status == SENDING)
                                   .order_by(OutboxMessage.id)))


def release(rows) -> None:
    """Give back claimed rows that were never attempted (the worker is stopping early)."""
    ids = [row.id for row in rows if row.status == SENDING and row.attempt_started_at is None]
    if ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                           .values(status=PENDING, claim="", lease_until=None),
                           execution_options={"synchronize_session": False})
        db.session.commit()
