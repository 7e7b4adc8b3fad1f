"""Which publication status a meeting may move to, and who may see it (P8, W5)."""
from . import Problem

DRAFT, PUBLISHED, POSTPONED, CANCELLED = "draft", "published", "postponed", "cancelled"
STATUSES = (DRAFT, PUBLISHED, POSTPONED, CANCELLED)
PUBLIC_STATUSES = (PUBLISHED, POSTPONED, CANCELLED)  # P8: all but drafts are published
PUBLISH, POSTPONE, CANCEL = "publish", "postpone", "cancel"  # what staff may do to a meeting's status

# W5: a published meeting may be postponed (again and again) or cancelled; cancelling ends it.
TRANSITIONS = {
    (DRAFT, PUBLISH): PUBLISHED,
    (PUBLISHED, POSTPONE): POSTPONED,
    (POSTPONED, POSTPONE): POSTPONED,
    (PUBLISHED, CANCEL): CANCELLED,
    (POSTPONED, CANCEL): CANCELLED,
}
REASON_REQUIRED = {POSTPONE, CANCEL}  # W5: the public is told why


def next_status(current: str, action: str, reason: str | None = None) -> tuple[str | None, list[Problem]]:
    """The status `action` leads to from `current`, or the problems that forbid it."""
    target = TRANSITIONS.get((current, action))
    if target is None:
        return None, [Problem("status", "transition_not_allowed", {"status": current, "action": action})]
    if action in REASON_REQUIRED and not (reason or "").strip():
        return None, [Problem("reason", "reason_required")]
    return target, []


def is_public(status: str) -> bool:
    """Whether a meeting in this status is shown to the public."""
    return status in PUBLIC_STATUSES


# P8 (with W1, W2, V11): what a meeting notice should carry before it is published. Publishing with
# gaps is allowed (a hearing's materials may follow), but staff confirm it first.
AGENDA, CASES, MATERIALS, REGISTRATION_WINDOW = "agenda", "cases", "materials", "registration_window"
CHECKLIST = (AGENDA, CASES, MATERIALS, REGISTRATION_WINDOW)


def publication_gaps(*, agenda_items: int, cases: int, materials: int, has_registration_window: bool) -> list[str]:
    """What a meeting still lacks before publication (P8; W2 agenda, V11 cases, W1 window), in checklist order."""
    present = {AGENDA: agenda_items > 0, CASES: cases > 0, MATERIALS: materials > 0,
               REGISTRATION_WINDOW: has_registration_window}
    return [item for item in CHECKLIST if not present[item]]

