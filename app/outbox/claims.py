"""Claiming outbox rows for one worker under a lease, and recovering the rows of a worker that died.

A worker claims a batch in one short transaction (status SENDING, a random claim token, a lease);
on PostgreSQL the rows are picked with FOR UPDATE SKIP LOCKED, so two workers never claim one row,
and SQLite's single writer gives the same. Before each message goes to the SMTP server its
`attempt_started_at` is committed. A claim whose lease ran out belonged to a worker that stopped:
its rows never attempted go back to PENDING; the one being sent may already have been accepted by
the server, so it becomes UNCERTAIN and is never sent again (no one gets a message twice).

A worker that is still alive when its batch breaks (the database restarted under it, a commit whose
answer never came) knows more than the lease does: which rows it handed to the SMTP server and what
the server said. It settles its own claim (`settle`) at once, or, while the database is still
unreachable, as the first thing of its next round; only the row that was on the wire when the batch
broke is left to the lease. Without this, a row whose attempt was committed but whose message was
never sent (its attachment could not be built with the database gone) would be UNCERTAIN and lost.
"""
import secrets
import threading
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


# Back in the queue: a claimed row that was never handed to the SMTP server.
RELEASED = {"status": PENDING, "claim": "", "lease_until": None, "attempt_started_at": None}
_OUTCOME = ("status", "sent_at", "attempts", "last_error", "next_attempt_at", "attempt_started_at", "lease_until")
_unsettled: list[tuple[str, str, dict[int, dict]]] = []  # (database, claim, values by row id)
_unsettled_lock = threading.Lock()


def outcome_of(row: OutboxMessage) -> dict:
    """What the worker knows of a row it tried, as values to write (read from memory, not the database)."""
    return {name: getattr(row, name) for name in _OUTCOME}


def _database() -> str:
    return db.engine.url.render_as_string(hide_password=True)


def _write(claim: str, values: dict[int, dict]) -> None:
    mine = and_(OutboxMessage.claim == claim, OutboxMessage.status.in_((SENDING, UNCERTAIN)))
    released = [row_id for row_id, row_values in values.items() if row_values is RELEASED]
    if released:
        db.session.execute(update(OutboxMessage).where(mine, OutboxMessage.id.in_(released)).values(**RELEASED),
                           execution_options={"synchronize_session": False})
    for row_id, row_values in values.items():
        if row_values is not RELEASED:
            db.session.execute(update(OutboxMessage).where(mine, OutboxMessage.id == row_id).values(**row_values),
                               execution_options={"synchronize_session": False})
    db.session.commit()


def settle(claim: str, values: dict[int, dict]) -> bool:
    """Write what this worker knows of its broken batch (`values` by row id: an outcome, or RELEASED),
    only where the row is still its claim; remember it for the next round if the database is still
    unreachable. True if written now."""
    try:
        db.session.rollback()
        _write(claim, values)
        return True
    except Exception:  # noqa: BLE001  (the database is still gone: try again next round)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001
            pass
        db.session.remove()
        with _unsettled_lock:
            _unsettled.append((_database(), claim, values))
        return False


def settle_remembered() -> int:
    """Write the settlements of earlier broken batches on this database; return how many."""
    database = _database()
    with _unsettled_lock:
        mine = [entry for entry in _unsettled if entry[0] == database]
        _unsettled[:] = [entry for entry in _unsettled if entry[0] != database]
    for done, (_database_url, claim, values) in enumerate(mine):
        try:
            _write(claim, values)
        except Exception:
            db.session.rollback()
            with _unsettled_lock:
                _unsettled.extend(mine[done:])
            raise
    return len(mine)
