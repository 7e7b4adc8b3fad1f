"""Queue mail in the caller's transaction: it is sent only if the change it reports is committed."""
from datetime import datetime

from ..extensions import db
from .models import FAILED, PENDING, UNCERTAIN, OutboxMessage


def enqueue_mail(recipient: str, subject: str, body: str, *, topic: str, now: datetime, attachments=(),
                 application_id: int | None = None, meeting_id: int | None = None) -> OutboxMessage:
    """Add one message to the outbox; the caller's commit makes it durable, a rollback drops it."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, topic=topic, created_at=now,
                            next_attempt_at=now, attachments=list(attachments), application_id=application_id,
                            meeting_id=meeting_id)
    db.session.add(message)
    return message


class NotResendable(ValueError):
    """Only a message that failed, or whose sending was interrupted, can be sent again by hand."""


def send_again(message: OutboxMessage, *, now: datetime) -> None:
    """Queue a failed or interrupted message again, due now (staff checked the address, or asked the
    recipient): the worker sends it with the same Message-ID, so a mail program that already has an
    interrupted copy may keep one. A failed bulk message to a suppressed address stays suppressed."""
    if message.status not in (FAILED, UNCERTAIN):
        raise NotResendable(message.status)
    message.status, message.next_attempt_at, message.claim = PENDING, now, ""
    message.lease_until = message.attempt_started_at = None
