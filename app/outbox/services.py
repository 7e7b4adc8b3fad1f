"""Queue mail in the caller's transaction: it is sent only if the change it reports is committed."""
from datetime import datetime

from ..extensions import db
from .models import OutboxMessage


def enqueue_mail(recipient: str, subject: str, body: str, *, topic: str, now: datetime, attachments=(),
                 application_id: int | None = None, meeting_id: int | None = None) -> OutboxMessage:
    """Add one message to the outbox; the caller's commit makes it durable, a rollback drops it."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, topic=topic, created_at=now,
                            next_attempt_at=now, attachments=list(attachments), application_id=application_id,
                            meeting_id=meeting_id)
    db.session.add(message)
    return message
