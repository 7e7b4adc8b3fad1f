"""Who may do what, for which organizer: roles are least-privilege and organizer-scoped."""
from flask import abort
from flask_login import current_user

# What each role may change. Every staff role may read its own organizer's drafts.
PERMISSIONS = {
    "meeting.manage": {"admin", "secretariat"},
    "plan.manage": {"admin", "planner"},
    "material.manage": {"admin", "secretariat", "planner"},
    "profile.manage": {"admin", "secretariat"},
    "staff.manage": {"admin"},
    "registration.manage": {"admin", "secretariat"},  # the desk: applications, claims, caps, suspensions
    "comment.manage": {"admin", "secretariat", "planner"},  # the comment log, opinions on paper, minutes
    "response.draft": {"admin", "planner"},  # P2: a planner drafts the answer to a comment
    "response.approve": {"admin", "secretariat", "planner"},  # P2: someone else approves it
}


def in_scope(user, organizer_id: int | None) -> bool:
    """Whether the user acts for this organizer (admins act for all)."""
    return bool(user and user.is_authenticated and (user.is_admin or user.organizer_id == organizer_id))


def may(user, permission: str, organizer_id: int | None = None) -> bool:
    """Whether the user's role grants `permission` for the organizer."""
    if not (user and user.is_authenticated) or user.role not in PERMISSIONS[permission]:
        return False
    return organizer_id is None or in_scope(user, organizer_id)


def scoped_or_404(record):
    """The record if the current user's organizer owns it; 404 otherwise, since drafts are private."""
    if record is None or not in_scope(current_user, record.organizer_id):
        abort(404)
    return record


def require(permission: str, organizer_id: int | None = None):
    """Abort with 403 unless the current user has `permission` for the organizer."""
    if not may(current_user, permission, organizer_id):
        abort(403)
