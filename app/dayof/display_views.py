"""Public: the meeting's display for a projector, the preparation room, the overflow room or a live stream."""
from flask import Blueprint, abort, render_template

from ..dbtypes import utcnow
from ..extensions import db
from ..meetings.models import Meeting
from ..rules.publication import is_public
from .display import display_state, read_head, read_without_transaction
from .views_live import json_with_etag

bp = Blueprint("display", __name__)
POLL_MS = 900  # a change reaches every display within a second (docs/decisions.md)
REFRESH_SECONDS = 5  # without JavaScript the page reloads itself


def _public_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not meeting.is_public:
        abort(404)
    return meeting


@bp.get("/meetings/<int:meeting_id>/display")
def display(meeting_id):
    """The large, high-contrast display that follows the meeting by itself."""
    meeting = _public_meeting(meeting_id)
    state = display_state(meeting.id, utcnow())
    return render_template("dayof/display.html", meeting=meeting, live=state, poll_ms=POLL_MS,
                           refresh_seconds=REFRESH_SECONDS)


@bp.get("/meetings/<int:meeting_id>/display.json")
def display_json(meeting_id):
    """The display's state as JSON, with the server's time; 304 while unchanged."""
    read_without_transaction()
    head = read_head(meeting_id)  # one query: the hot path of every display
    if head is None or not is_public(head.status):
        abort(404)
    return json_with_etag(head, masked=True)
