"""Deleting applicants' personal data once it is no longer needed, as the personal-data notice
promises: one year after the meeting, every application (whatever its status) and the e-mails
written about it are deleted."""
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from .. import audit
from ..audit import AuditEntry
from ..extensions import db
from ..meetings.models import Meeting
from ..outbox.models import OutboxMessage
from .models import Application

RETENTION = timedelta(days=365)


def purge_personal_data(*, now: datetime) -> int:
    """Delete the applications of meetings that ended more than a year before `now`, with their
    speaking requests and outbox messages; return how many applications were deleted."""
    expired = (select(Application.id).join(Meeting, Meeting.id == Application.meeting_id)
               .where(Meeting.ends_at < now - RETENTION))
    ids = list(db.session.scalars(expired))
    if not ids:
        return 0
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.application_id.in_(ids)))
    # The audit trail keeps who did what and when, not the reasons and notes written about the person.
    db.session.execute(update(AuditEntry).where(AuditEntry.target_type == "applications",
                                                AuditEntry.target_id.in_(ids)).values(details={}))
    meetings = db.session.scalars(select(Application.meeting_id).where(Application.id.in_(ids)).distinct()).all()
    db.session.execute(delete(Application).where(Application.id.in_(ids)))
    for meeting_id in meetings:
        audit.record(None, "registration.purged", db.session.get(Meeting, meeting_id), {}, now=now)
    return len(ids)
