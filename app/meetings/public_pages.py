"""A helper the public blueprints share (meeting pages, calendar files, registration)."""
from flask import abort

from ..extensions import db
from .models import Meeting


def public_meeting_or_404(meeting_id: int) -> Meeting:
    """The meeting if the public may see it (drafts are 404)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not meeting.is_public:
        abort(404)
    return meeting
