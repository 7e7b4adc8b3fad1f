"""The sign-in desk's workflows (V2): find a person, sign them in with a badge, undo it, record a
walk-in, and pass over an absent speaker. They flush, never commit; each change is audited.

Walk-ins and passing over change who holds a place, so they run under the meeting's allocation lock
(meetings.locks.lock_meeting) and end by re-running the allocation from the rows, as every other change does.
"""
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from .. import audit
from ..extensions import db
from ..meetings.locks import lock_meeting
from ..registrations import desk
from ..registrations.models import ACTIVE, CANCELLED, REJECTED, UNCONFIRMED, Application, SpeakingRequest
from ..registrations.placing import place_summary, queue_of
from ..registrations.services import reallocate_and_notify
from ..rules import allocation as rules
from ..rules.names import clean_text, normalise_name, normalise_phone
from ..rules.signin import badge_problems, looks_like_code, next_badge, next_present, normalise_badge, normalise_code
from ..timefmt import to_local
from ..violations import RuleViolation, constraint_name
from .signin_models import BADGE_INDEX, ONE_SIGN_IN_INDEX, SignIn

SEARCH_LIMIT = 30
WALK_IN_CHANNEL = "onsite"  # V4: an application made at the desk is one of the other channels


def live_sign_ins(meeting_id: int) -> dict[int, SignIn]:
    """The meeting's standing sign-ins, by application id."""
    rows = db.session.scalars(select(SignIn).where(SignIn.meeting_id == meeting_id, SignIn.undone_at.is_(None)))
    return {row.application_id: row for row in rows}


def signed_in_application_ids(meeting_id: int) -> set[int]:
    """The ids of the applications whose person is signed in at the meeting now (V2)."""
    return set(db.session.scalars(select(SignIn.application_id).where(
        SignIn.meeting_id == meeting_id, SignIn.undone_at.is_(None))))


def suggested_badge(meeting_id: int) -> str:
    """The badge number to offer next: one more than the largest handed out at the meeting."""
    return next_badge(list(db.session.scalars(select(SignIn.badge).where(SignIn.meeting_id == meeting_id))))


def find_people(meeting, query: str) -> list[Application]:
    """Applications of the meeting (confirmed, cancelled or refused) matching a check-in code, or part of
    a name, an organisation or a phone number."""
    text = clean_text(query or "").strip()
    conditions = []
    if looks_like_code(text):
        conditions.append(Application.check_in_code == normalise_code(text))
    key = normalise_name(text)
    if key:
        conditions += [Application.name_key.contains(key, autoescape=True),
                       Application.org_key.contains(key, autoescape=True)]
    phone = normalise_phone(text)
    if len(phone) >= 3:
        conditions.append(Application.phone_key.contains(phone, autoescape=True))
    if not conditions:
        return []
    return list(db.session.scalars(select(Application).where(
        Application.meeting_id == meeting.id, Application.status != UNCONFIRMED, or_(*conditions))
        .options(selectinload(Application.requests))  # each result shows its places
        .order_by(Application.status != ACTIVE, Application.name_key, Application.id).limit(SEARCH_LIMIT)))


def application_by_code(meeting, code: str) -> Application:
    """The meeting's application with this check-in code; an unknown code or another meeting's is refused."""
    normalised = normalise_code(code)
    if not normalised:
        raise RuleViolation.one("code", "code_required")
    application = db.session.scalars(select(Application).where(Application.check_in_code == normalised)).first()
    if application is None:
        raise RuleViolation.one("code", "code_unknown", typed=normalised)
    if application.meeting_id != meeting.id:
        raise RuleViolation.one("code", "code_other_meeting", typed=normalised)
    return application


def refusal(application: Application, field: str = "code") -> RuleViolation | None:
    """Why this person cannot be signed in, told at the desk with the reason (not accepted, cancelled)."""
    if application.status == REJECTED:
        return RuleViolation.one(field, "refused_at_desk", name=application.name,
                                 reason=application.rejection_reason or "—")
    if application.status == CANCELLED:
        return RuleViolation.one(field, "cancelled_at_desk", name=application.name)
    if application.status != ACTIVE:
        return RuleViolation.one(field, "unconfirmed_at_desk", name=application.name)
    return None


def sign_in(meeting, application: Application, *, badge: str, actor, now: datetime, field: str = "code") -> SignIn:
    """Sign the person in and record the badge handed over (V2). Refused, changing nothing: another
    meeting's application, one not accepted or cancelled (with the reason), someone signed in already
    (a double-submitted form), a badge number another person holds."""
    if application.meeting_id != meeting.id:
        raise RuleViolation.one(field, "code_other_meeting", typed=application.check_in_code or "")
    problem = refusal(application, field)
    if problem is not None:
        raise problem
    badge = normalise_badge(badge)
    if badge_problems(badge):
        raise RuleViolation(badge_problems(badge))
    standing = live_sign_ins(meeting.id)
    if application.id in standing:
        raise _already(application, standing[application.id], field)
    holder = next((s for s in standing.values() if badge and s.badge == badge), None)
    if holder is not None:
        raise RuleViolation.one("badge", "badge_taken", badge=badge, name=holder.application.name)
    record = SignIn(meeting_id=meeting.id, application_id=application.id, badge=badge, signed_in_at=now,
                    actor_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError as error:  # a concurrent request signed them in, or took the badge, first
        if constraint_name(error) == ONE_SIGN_IN_INDEX:
            raise RuleViolation.one(field, "already_signed_in_now", name=application.name) from error
        if constraint_name(error) == BADGE_INDEX:
            raise RuleViolation.one("badge", "badge_taken", badge=badge, name="—") from error
        raise
    audit.record(actor, "dayof.signed_in", application, {"badge": badge, "place": _place(application)}, now=now,
                 organizer_id=meeting.organizer_id)
    return record


def _already(application, standing: SignIn, field: str) -> RuleViolation:
    return RuleViolation.one(field, "already_signed_in", name=application.name,
                             time=to_local(standing.signed_in_at).strftime("%H:%M"), badge=standing.badge or "—")


def _place(application: Application) -> dict:
    """What the application holds, for the audit entry: outcome by case (0 for an observer)."""
    return {str(case): outcome for case, outcome in place_summary(application).items()}


def undo_sign_in(meeting, sign_in_id: int, *, actor, now: datetime) -> SignIn:
    """Undo a sign-in made by mistake (the wrong person, the wrong badge); the row stays, marked undone."""
    record = db.session.get(SignIn, sign_in_id)
    if record is None or record.meeting_id != meeting.id:
        raise RuleViolation.one("sign_in", "sign_in_unknown")
    if record.undone_at is not None:
        raise RuleViolation.one("sign_in", "sign_in_already_undone", name=record.application.name)
    record.undone_at, record.undone_by_id = now, getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "dayof.sign_in_undone", record.application,
                 {"badge": record.badge, "signed_in_at": record.signed_in_at}, now=now,
                 organizer_id=meeting.organizer_id)
    return record


def record_walk_in(meeting, data: dict, *, badge: str, actor, now: datetime | None = None) -> Application:
    """An application to speak or observe made at the desk (V4, on site): recorded and allocated under
    the meeting's lock by the same rules as every other (V3–V7, gallery and overflow room included),
    then the person is signed in at once with their badge."""
    badge = normalise_badge(badge)
    if badge_problems(badge):
        raise RuleViolation(badge_problems(badge))
    application = desk.record_other_channel(meeting, data | {"channel": WALK_IN_CHANNEL}, actor=actor, now=now)
    sign_in(application.meeting, application, badge=badge, actor=actor, now=application.confirmed_at, field="name")
    return application


def pass_over(meeting, request_id: int, *, actor, now: datetime) -> tuple[Application, Application | None]:
    """A speaker holding a place was absent when their case was called: they lose the place (the
    request's reason says why), which goes to the first waitlisted person of the same queue who is
    signed in (V2), or, with nobody waiting present, to the waiting list in its order (V6).
    Returns (the absent speaker's application, the application given the place or None)."""
    meeting = lock_meeting(meeting.id)
    request = db.session.get(SpeakingRequest, request_id, populate_existing=True)
    if request is None or request.meeting_id != meeting.id:
        raise RuleViolation.one("speaker", "speaker_unknown")
    absent = db.session.get(Application, request.application_id, populate_existing=True)
    if not (request.active and request.outcome == rules.ALLOCATED and absent.status == ACTIVE):
        raise RuleViolation.one("speaker", "not_holding_place", name=absent.name)
    chosen = next_present_for(meeting, request, absent)
    request.active, request.outcome, request.position = False, None, None
    request.reason = rules.PASSED_OVER_ABSENT
    if chosen is not None:
        chosen.given_at = now
    db.session.flush()
    reallocate_and_notify(meeting, now=now)
    given = chosen.application if chosen is not None else None
    audit.record(actor, "dayof.passed_over", absent,
                 {"case": request.case_key, "reason": rules.PASSED_OVER_ABSENT,
                  "place_given_to": given.id if given else None}, now=now, organizer_id=meeting.organizer_id)
    if given is not None:
        audit.record(actor, "dayof.place_given", given,
                     {"case": request.case_key, "reason": rules.GIVEN_FOR_ABSENT, "in_place_of": absent.id},
                     now=now, organizer_id=meeting.organizer_id)
    return absent, given


def next_present_for(meeting, request: SpeakingRequest, holder: Application) -> SpeakingRequest | None:
    """The waitlisted request of the same queue (case, pool, shared interest) whose person is signed in
    and comes first on the waiting list, if any."""
    queue = queue_of(request.case_key, holder.pool, holder.interest_group)
    waiting = db.session.scalars(select(SpeakingRequest).join(Application).where(
        SpeakingRequest.meeting_id == meeting.id, SpeakingRequest.case_key == request.case_key,
        SpeakingRequest.active.is_(True), SpeakingRequest.outcome == rules.WAITLISTED,
        Application.status == ACTIVE).options(contains_eager(SpeakingRequest.application))).all()
    same_queue = {r.id: r for r in waiting
                  if queue_of(r.case_key, r.application.pool, r.application.interest_group) == queue}
    present = signed_in_application_ids(meeting.id)
    key = next_present([(r.id, r.position or 0) for r in same_queue.values()],
                       {r.id for r in same_queue.values() if r.application_id in present})
    return same_queue.get(key)
