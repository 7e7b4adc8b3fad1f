"""The meeting's allocation lock: what a change to places, seats or cases holds (see app/locking.py)."""
from ..extensions import db
from ..locking import lock_row
from .models import Meeting


def lock_meeting(meeting_id: int) -> Meeting:
    """Take the meeting's allocation lock for the rest of the transaction and return the meeting,
    freshly loaded from the database."""
    lock_row(Meeting.__tablename__, meeting_id)
    return db.session.get(Meeting, meeting_id, populate_existing=True)
