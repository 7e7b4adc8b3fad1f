"""The live state as JSON for displays and consoles, answered 304 while the state's version is unchanged.

Displays poll it (docs/decisions.md: polling with ETag/304 works behind any number of workers and
needs no process memory). The body carries the server's time, so a screen corrects its clock's skew.
"""
from flask import Response, jsonify, request

from ..dbtypes import utcnow
from .display import display_state


def etag_for(meeting_id: int, version: int, masked: bool) -> str:
    """The state's tag: the meeting, its course's version and whether names are masked."""
    return f"{meeting_id}-{version}-{'m' if masked else 'f'}"


def json_with_etag(head, *, masked: bool):
    """display.json: 304 if the caller's ETag is the current version's, else the whole state.

    `head` is display.read_head's row: the meeting with its course's version (None before anyone acted)."""
    tag = etag_for(head.id, head.version or 0, masked)
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
    else:
        state = display_state(head.id, utcnow(), masked=masked, head=head)
        tag = etag_for(head.id, state["version"], masked)  # the version the body was read at
        response = jsonify(state)
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = "no-cache"
    if masked:  # public data: a live-stream overlay on another site may read it (and revalidate with the ETag)
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag"
    return response
