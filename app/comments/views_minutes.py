"""Public minutes (會議紀錄, P8): the newest version, every earlier one, and what each correction changed."""
from flask import Blueprint, abort, render_template, request
from markupsafe import Markup

from ..extensions import db
from ..materials.models import Material
from ..meetings.public_pages import public_meeting_or_404
from ..params import whole_number
from .minutes import changes, versions

bp = Blueprint("comments_minutes", __name__)


@bp.get("/meetings/<int:meeting_id>/minutes")
def show(meeting_id):
    """The minutes as published; `?version=n` for an earlier version."""
    meeting = public_meeting_or_404(meeting_id)
    history = versions(meeting.id)
    wanted = whole_number(request.args.get("version"))
    version = next((v for v in history if v.number == wanted), None) if wanted else (history[0] if history else None)
    if wanted and version is None:
        abort(404)
    signed = db.session.get(Material, version.signed_copy_id) if version and version.signed_copy_id else None
    # A version's reasoning was sanitised with bleach when it was published (minutes.build_content), and
    # versions are never rewritten: it is shown as it was stored, without a second pass per item.
    return render_template("comments/minutes.html", meeting=meeting, version=version, history=history,
                           signed=signed, rich=Markup)


@bp.get("/meetings/<int:meeting_id>/minutes/versions/<int:number>/changes")
def changed(meeting_id, number):
    """What a correction changed from the version before it."""
    meeting = public_meeting_or_404(meeting_id)
    history = {v.number: v for v in versions(meeting.id)}
    if number not in history or number - 1 not in history:
        abort(404)
    return render_template("comments/minutes_changes.html", meeting=meeting, newer=history[number],
                           older=history[number - 1], lines=changes(history[number - 1], history[number]))
