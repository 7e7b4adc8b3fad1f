"""Comments and their answers: decisions, the exhibition window for written opinions, who may approve,
when minutes may be published, and response deadlines (P2–P6, P8, V14)."""
from dataclasses import dataclass
from datetime import date, timedelta

from . import Problem

# P5, P6: each comment is answered with whether and how it is adopted.
ADOPTED, PARTLY, NOT_ADOPTED, ELSEWHERE, OUT_OF_SCOPE = (
    "adopted", "partly", "not_adopted", "elsewhere", "out_of_scope")
DECISIONS = (ADOPTED, PARTLY, NOT_ADOPTED, ELSEWHERE, OUT_OF_SCOPE)

# A response is drafted by a planner, approved by someone else, then published (P2).
DRAFT, APPROVED, PUBLISHED = "draft", "approved", "published"
RESPONSE_STATUSES = (DRAFT, APPROVED, PUBLISHED)
ANSWERED = (APPROVED, PUBLISHED)

# Where a comment came from: a written opinion (P4), an oral comment at a meeting (P2, P5, P6),
# a written statement handed in at a meeting.
WRITTEN, ORAL, STATEMENT = "written", "oral", "statement"
SOURCES = (WRITTEN, ORAL, STATEMENT)
# How a written opinion arrived; online ones are typed into the portal.
ONLINE, PAPER, FAX, EMAIL, HANDED_IN = "online", "paper", "fax", "email", "handed_in"
CHANNELS = (ONLINE, PAPER, FAX, EMAIL, HANDED_IN)
# V14: an oral comment is minuted from the speaker's written version or a summary they agreed to.
WRITTEN_VERSION, CONSENTED_SUMMARY, STAFF_NOTE = "written_version", "consented_summary", "staff_note"
ORAL_FORMS = (WRITTEN_VERSION, CONSENTED_SUMMARY, STAFF_NOTE)

# Exhibition window states for the opinion form (P3, P4).
NO_EXHIBITION, NOT_YET, OPEN, CLOSED = "none", "not_yet", "open", "closed"

OPINION_MAX_CHARS = 20000
OPINION_MIN_CHARS = 2
DEFAULT_RESPONSE_DAYS = 30
RESPONSE_DAYS_BOUNDS = (1, 365)


def exhibition_state(today: date, starts_on: date | None, ends_on: date | None) -> str:
    """Whether written opinions are taken on `today` (Taipei date): P4 during the exhibition (P3) only."""
    if starts_on is None or ends_on is None:
        return NO_EXHIBITION
    if today < starts_on:
        return NOT_YET
    if today <= ends_on:
        return OPEN
    return CLOSED


def opinion_problems(*, name: str, organisation: str, address: str, text: str) -> list[Problem]:
    """What a written opinion lacks (P4: a name or an organisation's name, and an address; a text)."""
    problems = []
    if not (name.strip() or organisation.strip()):
        problems.append(Problem("name", "opinion_name_required"))
    if not address.strip():
        problems.append(Problem("address", "opinion_address_required"))
    length = len(text.strip())
    if length < OPINION_MIN_CHARS:
        problems.append(Problem("text", "opinion_text_required"))
    elif length > OPINION_MAX_CHARS:
        problems.append(Problem("text", "opinion_text_too_long", {"maximum": OPINION_MAX_CHARS, "length": length}))
    return problems


def approval_problems(drafter_id: int | None, approver_id: int, status: str) -> list[Problem]:
    """Why a response cannot be approved: only a draft, and never by the person who drafted it (P2)."""
    if status != DRAFT:
        return [Problem("status", "response_not_draft")]
    if drafter_id is not None and drafter_id == approver_id:
        return [Problem("status", "self_approval")]
    return []


@dataclass(frozen=True)
class Unanswered:
    """A comment of a meeting without an approved response, named in a refusal."""

    comment_id: int
    label: str


def minutes_refusal(unanswered: list[Unanswered]) -> list[Problem]:
    """P2, P5, P6: minutes are published only when every comment of the meeting has an approved response."""
    if not unanswered:
        return []
    return [Problem("form", "minutes_unanswered", {"count": len(unanswered),
                                                   "comments": ", ".join(u.label for u in unanswered)})]


def response_due(received_on: date, days: int) -> date:
    """The last day for an approved response: `days` after receipt."""
    return received_on + timedelta(days=days)


def is_overdue(received_on: date, days: int, today: date, answered: bool) -> bool:
    """Whether a comment still lacks an approved response after its deadline."""
    return not answered and today > response_due(received_on, days)


def response_days_problems(days: int | None) -> list[Problem]:
    """A response deadline must be a whole number of days within bounds."""
    low, high = RESPONSE_DAYS_BOUNDS
    if days is None or not low <= days <= high:
        return [Problem("response_days", "response_days_out_of_range", {"low": low, "high": high})]
    return []


def public_name(name: str, organisation: str, confidential: bool, masked) -> str:
    """How a commenter is shown in public lists (P8): an organisation by name, a person masked, a
    confidential commenter not at all (''); never an address or contact."""
    if confidential:
        return ""
    if organisation.strip():
        return organisation.strip()
    return masked(name)
