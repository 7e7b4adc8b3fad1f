"""The meeting's allocation lock: what a change to places, seats or cases holds (see app/locking.py)."""
from ..locking import lock_and_load
from .models import Meeting


def lock_meeting(meeting_id: int) -> Meeting:
    """Take the meeting's allocation lock for the rest of the transaction and return the meeting,
    freshly loaded from the database (one statement on PostgreSQL: the confirmation's hot path)."""
    return lock_and_load(Meeting, meeting_id)
