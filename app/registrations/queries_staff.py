"""Read-side queries for the secretariat's desk: the filtered list, its summary counts, one
application's history, and who holds a place (for the sign-in sheet, V2)."""
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..audit import AuditEntry
from ..extensions import db
from ..outbox.models import OutboxMessage
from ..params import MAX_PAGE, whole_number
from ..rules import allocation as rules
from ..rules.names import normalise_phone
from ..rules.venue import comment_minutes_over_budget
from .models import KINDS, OBSERVE, SPEAK, STATUSES, UNCONFIRMED, Application, SpeakingRequest
from .placing import active_applications, queue_of

OUTCOMES = rules.SPEAKER_OUTCOMES + rules.OBSERVER_OUTCOMES
SEARCH_MAX = 100
PHONE_LIKE = re.compile(r"[\d\s()+\-#]+")  # searched by digits too: 0912-345-678 finds 0912345678


@dataclass
class DeskFilters:
    """The desk list's filters and search, as they appear in a shareable URL."""

    kind: str | None = None
    status: str | None = None
    outcome: str | None = None
    pool: str | None = None
    case: int | None = None
    claim: str | None = None  # "pending": only speakers whose party-concerned claim awaits a decision
    q: str = ""
    page: int = 1

    def as_args(self, **override) -> dict:
        """Query parameters for url_for, omitting what is unset (and page 1)."""
        values = {"kind": self.kind, "status": self.status, "outcome": self.outcome, "pool": self.pool,
                  "case": self.case, "claim": self.claim, "q": self.q, "page": self.page, **override}
        return {k: v for k, v in values.items() if v not in (None, "") and not (k == "page" and v == 1)}

    @property
    def active(self) -> bool:
        """Whether any filter or search narrows the list."""
        return bool(self.as_args(page=1))


def parse_desk_filters(args, meeting) -> DeskFilters:
    """Filters from query parameters; values that are not understood are ignored."""
    filters = DeskFilters()
    for name, allowed in (("kind", KINDS), ("status", STATUSES), ("outcome", OUTCOMES), ("pool", rules.POOLS),
                          ("claim", ("pending",))):
        if args.get(name) in allowed:
            setattr(filters, name, args.get(name))
    case = whole_number(args.get("case"))
    if case in {c.id for c in meeting.cases}:
        filters.case = case
    filters.q = (args.get("q") or "").strip()[:SEARCH_MAX]
    filters.page = whole_number(args.get("page"), limit=MAX_PAGE) or 1
    return filters


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(q: str):
    pattern = _like(q)
    matches = [column.ilike(pattern, escape="\\") for column in (
        Application.name, Application.organisation, Application.email, Application.phone,
        Application.check_in_code)]
    digits = normalise_phone(q) if PHONE_LIKE.fullmatch(unicodedata.normalize("NFKC", q)) else ""
    if len(digits) >= 3:
        matches.append(Application.phone_key.like(_like(digits), escape="\\"))
    return or_(*matches)


def desk_query(meeting, filters: DeskFilters):
    """The select for the meeting's applications matching the filters, oldest time of application first."""
    query = select(Application).where(Application.meeting_id == meeting.id)
    for name in ("kind", "status", "pool"):
        if getattr(filters, name):
            query = query.where(getattr(Application, name) == getattr(filters, name))
    request_match = [SpeakingRequest.application_id == Application.id]
    if filters.case:
        request_match.append(SpeakingRequest.case_key == filters.case)
    if filters.claim:
        request_match.append(SpeakingRequest.claim == rules.CLAIM_PENDING)
    if filters.outcome:
        request_match.append(SpeakingRequest.outcome == filters.outcome)
        query = query.where(or_(Application.outcome == filters.outcome, exists().where(and_(*request_match))))
    elif filters.case or filters.claim:
        query = query.where(exists().where(and_(*request_match)))
    if filters.q:
        query = query.where(_search(filters.q))
    return query.order_by(Application.confirmed_at.is_(None), Application.confirmed_at, Application.id)


def paginate_applications(query, page: int, per_page: int):
    """One page of applications (Flask-SQLAlchemy's Pagination), with their speaking requests and cases loaded."""
    return db.paginate(query.options(selectinload(Application.requests).joinedload(SpeakingRequest.case)),
                       page=page, per_page=per_page, error_out=False)


@dataclass
class PlacesLine:
    """Speaking places on one case in one pool (for other channels, per shared interest): how many
    are used, the cap, how many wait."""

    case_key: int
    title: str
    pool: str
    used: int
    cap: int
    waiting: int
    interest: str = ""


@dataclass
class DeskSummary:
    """The counts at the top of the desk: speaking places (V3, V4), gallery and overflow (V7), claims (V6)."""

    places: list[PlacesLine] = field(default_factory=list)
    gallery_used: int = 0
    gallery_seats: int = 0
    overflow: int = 0
    waitlist: int = 0
    pending_claims: int = 0
    unconfirmed: int = 0
    over_time: list[tuple[str, int, int]] = field(default_factory=list)  # V11: (case, minutes needed, budget)


def desk_summary(meeting) -> DeskSummary:
    """Counts recomputed from the active applications' stored places."""
    applications = active_applications(meeting.id)
    speaking, waiting, names = Counter(), Counter(), {}
    summary = DeskSummary(gallery_seats=meeting.gallery_seats)
    for application in applications:
        if application.kind == OBSERVE:
            summary.gallery_used += application.outcome == rules.GALLERY
            summary.overflow += application.outcome == rules.OVERFLOW
            continue
        for request in application.requests:
            key = queue_of(request.case_key, application.pool, application.interest_group)  # V3, V4
            names.setdefault(key[2], application.interest_group.strip())
            speaking[key] += request.outcome == rules.ALLOCATED
            waiting[key] += request.outcome == rules.WAITLISTED
            summary.pending_claims += request.claim == rules.CLAIM_PENDING
    summary.waitlist = sum(waiting.values())
    caps = {rules.ONLINE: meeting.speaker_cap, rules.OTHER: meeting.representative_cap}
    cases = [(c.id, c.title) for c in meeting.cases] or [(0, meeting.title)]
    for case_key, title in cases:
        other = sorted(k for k in set(speaking) | set(waiting) if k[:2] == (case_key, rules.OTHER))
        for key in [(case_key, rules.ONLINE, "")] + (other or [(case_key, rules.OTHER, "")]):
            summary.places.append(PlacesLine(case_key, title, key[1], speaking[key], caps[key[1]], waiting[key],
                                             names.get(key[2], "")))
    summary.over_time = comment_time_overruns(meeting, summary.places)
    summary.unconfirmed = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.meeting_id == meeting.id, Application.status == UNCONFIRMED)) or 0
    return summary


def comment_time_overruns(meeting, places: list[PlacesLine]) -> list[tuple[str, int, int]]:
    """Cases whose speakers with a place need more minutes than the case's public-comment budget (V11):
    (title, minutes needed, budget). The chair may extend it, with the members' consent, up to 60."""
    budgets = {c.id: c.comment_minutes for c in meeting.cases} or {0: meeting.comment_minutes_per_case}
    titles = {}
    speakers = Counter()
    for line in places:
        speakers[line.case_key] += line.used
        titles[line.case_key] = line.title
    overruns = [(titles[key], comment_minutes_over_budget(n, meeting.minutes_per_speaker, budgets[key]), budgets[key])
                for key, n in speakers.items() if key in budgets]
    return [(title, needed, budget) for title, needed, budget in overruns if needed]


def audit_history(application: Application) -> list[AuditEntry]:
    """The audit entries whose target is this application, oldest first."""
    return list(db.session.scalars(
        select(AuditEntry).options(joinedload(AuditEntry.actor))
        .where(AuditEntry.target_type == Application.__tablename__, AuditEntry.target_id == application.id)
        .order_by(AuditEntry.at, AuditEntry.id)))


def mail_history(application: Application) -> list[OutboxMessage]:
    """The e-mails queued about this application (proof of who was told what, and when), oldest first."""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.application_id == application.id)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)))


@dataclass
class SignInSection:
    """One part of the sign-in sheet: the speakers of one case, its waiting list, the gallery or the overflow room."""

    kind: str  # "speak", "waiting", "gallery" or "overflow"
    case_title: str
    rows: list  # (position, pool or "", application), in place order


@dataclass
class BlankSection:
    """Blank rows at the end of the sign-in sheet, for people not on the list (walk-ins, agencies, committee)."""

    kind: str  # "walk_in", "agency" or "committee"
    rows: list  # the organisation to print in each blank row ("" for none)


WAITING = "waiting"
WALK_IN_ROWS, SPARE_AGENCY_ROWS, COMMITTEE_ROWS = 10, 3, 5


def sign_in_sections(meeting) -> list[SignInSection]:
    """Everyone holding a place (V2): speakers per case in place order (online, then other channels),
    each case's waiting list for filling no-shows, then observers in the gallery and in the overflow
    room (V7). A section nobody is in is left out."""
    titles = {c.id: c.title for c in meeting.cases} or {0: meeting.title}
    by_case = {(key, outcome): [] for key in titles for outcome in (rules.ALLOCATED, rules.WAITLISTED)}
    observers = {rules.GALLERY: [], rules.OVERFLOW: []}
    for application in active_applications(meeting.id):
        if application.kind == SPEAK:
            for request in application.requests:
                if request.active and (request.case_key, request.outcome) in by_case:
                    by_case[request.case_key, request.outcome].append((request.position, application.pool, application))
        elif application.outcome in observers:
            observers[application.outcome].append((application.position, "", application))
    pool_order = {rules.ONLINE: 0, rules.OTHER: 1}
    speakers = [SignInSection(SPEAK if outcome == rules.ALLOCATED else WAITING, titles[key], sorted(
        by_case[key, outcome], key=lambda r: (pool_order[r[1]], queue_of(key, r[1], r[2].interest_group)[2], r[0])))
                for key in titles for outcome in (rules.ALLOCATED, rules.WAITLISTED)]
    sections = speakers + [SignInSection(outcome, "", sorted(rows, key=lambda r: r[0]))
                           for outcome, rows in observers.items()]
    return [section for section in sections if section.rows]


def blank_sections(meeting) -> list[BlankSection]:
    """Blank rows for walk-ins, for the agencies asked to attend (one per suggested seat, W3, or a few
    spare) and for committee members."""
    agencies = [" ".join(filter(None, (row.agency, row.unit))) for row in meeting.suggested_attendance
                for _ in range(row.seats)]
    return [BlankSection("walk_in", [""] * WALK_IN_ROWS),
            BlankSection("agency", agencies or [""] * SPARE_AGENCY_ROWS),
            BlankSection("committee", [""] * COMMITTEE_ROWS)]
