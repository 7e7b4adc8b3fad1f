"""Public: apply to speak or observe, confirm the e-mail address, the applicant's own page."""
from flask import Blueprint, abort

bp = Blueprint("registrations", __name__)


@bp.route("/meetings/<int:meeting_id>/register", methods=["GET", "POST"])
def apply(meeting_id):
    """The application form (W1: only while the window is open)."""
    abort(404)


@bp.route("/registration/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """Confirm the e-mail address: GET shows a button, POST confirms (mail scanners only GET)."""
    abort(404)


@bp.get("/registration/<token>")
def manage(token):
    """The applicant's private page: status, place, reason, check-in code, cancel."""
    abort(404)


@bp.post("/registration/<token>/cancel")
def cancel(token):
    """Cancel the application (W4: late cancellations allowed, with a reminder)."""
    abort(404)
