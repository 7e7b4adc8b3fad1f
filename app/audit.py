"""The audit log: who did what, when, to which record."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .dbtypes import UTCDateTime, utcnow
from .extensions import db


class AuditEntry(db.Model):
    """One state change, keyed by a dotted action such as `meeting.published`."""

    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organizers.id"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    actor = relationship("User")
    __table_args__ = (
        Index("ix_audit_entries_target", "target_type", "target_id"),
        Index("ix_audit_entries_organizer_at", "organizer_id", "at"),
    )


def record(actor, action: str, target, details: dict | None = None, *, now: datetime | None = None,
           organizer_id: int | None = None) -> AuditEntry:
    """Append an audit entry for `target` (any model with an id); the caller commits."""
    if organizer_id is None:
        organizer_id = getattr(target, "organizer_id", None)
    entry = AuditEntry(
        at=now or utcnow(),
        actor_id=getattr(actor, "id", None),
        organizer_id=organizer_id,
        action=action,
        target_type=type(target).__tablename__ if hasattr(type(target), "__tablename__") else type(target).__name__,
        target_id=getattr(target, "id", None),
        details=_jsonable(details or {}),
    )
    db.session.add(entry)
    return entry


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def readable_details(details: dict, prefix: str = "") -> list[tuple[str, str]]:
    """An entry's details as (name, value) pairs for people: nested records flattened as
    `before.title`, text kept as it is (not JSON-escaped), empty values left out."""
    pairs = []
    for name, value in (details or {}).items():
        label = f"{prefix}{name}"
        if isinstance(value, dict):
            pairs += readable_details(value, prefix=label + ".")
        elif value not in (None, "", [], {}):
            pairs.append((label, ", ".join(map(str, value)) if isinstance(value, list) else str(value)))
    return pairs
