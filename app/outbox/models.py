"""Messages waiting to be sent, sent, or given up on."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime, utcnow
from ..extensions import db

PENDING, SENT, FAILED = "pending", "sent", "failed"
# SENDING: claimed by a worker under a lease; SUPPRESSED: a bulk message to an address that bounced or
# unsubscribed, never sent; UNCERTAIN: its worker stopped while the SMTP server may already have taken
# it, so it is not sent again (docs/decisions.md, "Notices").
SENDING, SUPPRESSED, UNCERTAIN = "sending", "suppressed", "uncertain"
STATUSES = (PENDING, SENDING, SENT, FAILED, SUPPRESSED, UNCERTAIN)
BOUNCED, UNSUBSCRIBED = "bounced", "unsubscribed"


class OutboxMessage(db.Model):
    """One e-mail, with its attachments, queued by a service and sent by `flask outbox send`."""

    __tablename__ = "outbox_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    topic: Mapped[str] = mapped_column(String(60))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"),
                                                       index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A bulk message (a notice) carries List-Unsubscribe headers and skips suppressed addresses.
    bulk: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="SET NULL"), index=True)
    audience: Mapped[str] = mapped_column(String(12), default="")
    claim: Mapped[str] = mapped_column(String(40), default="")
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempt_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)


class SuppressedAddress(db.Model):
    """An address that bulk notices skip: it bounced permanently (5xx) or its owner unsubscribed.
    Confirming the address again (a new subscription) lifts it; mail about one's own application is
    still sent."""

    __tablename__ = "suppressed_addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    reason: Mapped[str] = mapped_column(String(12))
    reply: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
