"""The applicant's workflows: apply, confirm the e-mail address, cancel. They flush, never commit.

Everything that can change who holds a place runs under the meeting's lock (meetings.locks.lock_meeting)
and ends by re-running the allocation from the rows (placing.reallocate).
"""
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..dbtypes import utcnow
from ..extensions import db
from ..meetings.locks import lock_meeting
from ..rules import Problem
from ..rules.names import (
    clean_text,
    email_is_sendable,
    normalise_email,
    normalise_name,
    normalise_phone,
    normalise_village,
)
from ..rules.periods import cancellation_notice_by, window_problems
from ..violations import RuleViolation, constraint_name
from . import links, mails
from .checks import admission_problems, group_problem, group_speaking_on, review_flags
from .models import (
    ACTIVE,
    CANCELLED,
    CHECK_IN_CODE_UNIQUE,
    GROUP_CASE_INDEX_V5,
    OPEN,
    PERSON_INDEX_V5,
    SPEAK,
    UNCONFIRMED,
    Application,
    SpeakingRequest,
)
from .placing import WHOLE, Part, clear_places, part_of, reallocate

CHECK_IN_ATTEMPTS = 5
TEXT_FIELDS = ("name", "organisation", "township", "village", "email", "phone", "interest_group")


class AlreadyUsed(Exception):
    """The confirmation link was used before (the application is no longer waiting for it)."""


# The columns that hold each key (Application.*_key): NFKC can lengthen text (㍿ → 株式会社).
KEY_LIMITS = {"name_key": ("name", 80), "org_key": ("organisation", 120), "village_key": ("village", 90),
              "email_key": ("email", 254), "phone_key": ("phone", 40)}


def key_problems(keys: dict) -> list[Problem]:
    """Keys too long for their columns once normalised: refused beside the field, not a database error."""
    return [Problem(field, "too_long_normalised") for key, (field, limit) in KEY_LIMITS.items()
            if len(keys.get(key, "")) > limit]


def person_keys(data: dict) -> dict:
    """The normalised keys that identify the person, group and village (V5, V7)."""
    return {"name_key": normalise_name(data["name"]), "org_key": normalise_name(data.get("organisation", "")),
            "email_key": normalise_email(data.get("email", "")), "phone_key": normalise_phone(data.get("phone", "")),
            "village_key": normalise_village(data.get("township", ""), data.get("village", ""))}


def case_keys(meeting, data: dict) -> list[int]:
    """The cases a speaker asks for: the chosen ones, the only one of a single-case meeting, or the
    meeting itself (key 0) when it lists no cases, as a hearing usually does."""
    if data["kind"] != SPEAK:
        return []
    if not meeting.cases:
        return [0]
    known = {case.id for case in meeting.cases}
    chosen = sorted({int(c) for c in data.get("case_ids") or []})
    if not chosen and len(known) == 1:
        chosen = list(known)
    if not chosen:
        raise RuleViolation.one("case_ids", "case_required")
    if any(c not in known for c in chosen):
        raise RuleViolation.one("case_ids", "case_unknown")
    return chosen


def content_problems(data: dict) -> list[Problem]:
    """What is missing from an application's own content: consent, name, statement, township."""
    problems = []
    if not data.get("consent"):
        problems.append(Problem("consent", "consent_required"))
    if data["kind"] == SPEAK and data.get("party_concerned") and not (data.get("party_statement") or "").strip():
        problems.append(Problem("party_statement", "party_statement_required"))
    if not normalise_name(data.get("name", "")):
        problems.append(Problem("name", "name_required"))
    if data.get("village") and not data.get("township"):
        problems.append(Problem("township", "township_required"))
    if not email_is_sendable(data.get("email", "")):  # the outbox cannot send to it: say so now
        problems.append(Problem("email", "email_not_ascii"))
    return problems


def clean(data: dict) -> dict:
    """The form's text without invisible control or format characters (see rules.names.clean_text)."""
    cleaned = {k: clean_text(data.get(k) or "") for k in TEXT_FIELDS}
    # Full-width letters (ｍｉｎｇ＠ｅｘａｍｐｌｅ．ｔｗ) as plain ones: the outbox can send to it then.
    cleaned["email"] = unicodedata.normalize("NFKC", cleaned["email"])
    cleaned["party_statement"] = clean_text(data.get("party_statement") or "", multiline=True)
    return data | cleaned


def build_application(meeting, data: dict, *, now: datetime) -> Application:
    """A new application (not yet added) with its speaking requests, from cleaned form data (clean)."""
    columns, requests = application_content(meeting, data, now=now)
    return Application(meeting=meeting, nonce=links.new_nonce(), requests=requests, **columns)


def application_content(meeting, data: dict, *, now: datetime) -> tuple[dict, list[SpeakingRequest]]:
    """What an application says, from cleaned form data: its columns and its speaking requests."""
    keys = person_keys(data)
    columns = {k: data[k] for k in TEXT_FIELDS} | keys | dict(
        kind=data["kind"], channel=data.get("channel", "online"), pool=data.get("pool", "online"),
        locale=data.get("locale") or "zh_Hant_TW", submitted_at=now,
        consented_at=now if data.get("consent") else None)
    cases = {case.id: case for case in meeting.cases}
    claim = "pending" if data.get("party_concerned") else "none"
    requests = [SpeakingRequest(
        meeting_id=meeting.id, case=cases.get(key), case_key=key, org_key=keys["org_key"],
        party_concerned=bool(data.get("party_concerned")), claim=claim,
        party_statement=data["party_statement"] if data.get("party_concerned") else "")
        for key in case_keys(meeting, data)]
    return columns, requests


def submit_application(meeting, data: dict, *, now: datetime) -> Application:
    """Take an online application (W1 window open), then ask for e-mail confirmation; it holds no
    place until confirmed (V6). Refusals (W1, V5 for groups) raise RuleViolation with the exact reason."""
    data = clean(data)
    problems = window_problems(meeting, now) + content_problems(data)
    keys = person_keys(data)
    problems += key_problems(keys)
    if problems:
        raise RuleViolation(problems)
    # Whether a person is suspended (V15) or has applied (V5) is theirs to know: it is checked when
    # they confirm from their own mailbox. Which groups have a speaker is public already.
    taken = group_speaking_on(meeting, case_keys(meeting, data), keys["org_key"])
    if data["kind"] == SPEAK and taken:
        raise RuleViolation([group_problem(meeting, taken)])
    pending = pending_confirmation(meeting.id, keys["email_key"], now=now)
    if pending is not None:  # one confirmation link per address and meeting: mail is no weapon
        return resend_confirmation(pending, now=now)
    application = build_application(meeting, data, now=now)
    db.session.add(application)
    db.session.flush()
    audit.record(None, "registration.submitted", application, {"kind": application.kind}, now=now,
                 organizer_id=meeting.organizer_id)
    mails.send_confirmation_request(application, now=now)
    return application


def pending_confirmation(meeting_id: int, email_key: str, *, now: datetime) -> Application | None:
    """The application of this e-mail identity at the meeting still waiting for its confirmation,
    whose link may still be valid, if any."""
    if not email_key:
        return None
    since = now - timedelta(seconds=links.CONFIRM_MAX_AGE)
    return db.session.scalars(select(Application).where(
        Application.meeting_id == meeting_id, Application.email_key == email_key,
        Application.status == UNCONFIRMED, Application.submitted_at > since)
        .order_by(Application.submitted_at.desc(), Application.id.desc()).limit(1)).first()


def resend_confirmation(pending: Application, *, now: datetime) -> Application:
    """Someone applied again with an address whose application waits for confirmation: nothing of
    it changes (a link confirms only the details it was sent for, and whoever typed the address need
    not own the mailbox); its link goes out again, at most once per mails.CONFIRMATION_RESEND_INTERVAL.
    To change the details its owner confirms, then cancels and applies again (V5, V6)."""
    sent = mails.send_confirmation_request(pending, now=now, again=True)
    audit.record(None, "registration.resubmitted", pending, {"kind": pending.kind, "mail_sent": sent is not None},
                 now=now, organizer_id=pending.meeting.organizer_id)
    return pending


def lock_application(application: Application) -> tuple:
    """Take the lock of the application's meeting; return (meeting, application), both read afresh
    under it (a concurrent request may have changed them while this one waited)."""
    application_id = application.id
    meeting = lock_meeting(application.meeting_id)
    return meeting, db.session.get(Application, application_id, populate_existing=True)


def confirm_application(application: Application, *, now: datetime | None = None) -> Application:
    """The applicant confirmed the address: the application becomes active with its time of
    application (V6, V7) — `now`, or the clock read once the lock is held, so that the order of
    times is the order of confirmations — gets a check-in code, and the allocation runs."""
    if application.status != UNCONFIRMED:
        raise AlreadyUsed()
    meeting, application = lock_application(application)
    now = now or utcnow()
    if application.status != UNCONFIRMED:  # confirmed by a concurrent request that held the lock first
        raise AlreadyUsed()
    problems = window_problems(meeting, now)
    problems = problems or admission_problems(
        meeting, kind=application.kind, email_key=application.email_key, name_key=application.name_key,
        phone_key=application.phone_key, org_key=application.org_key,
        case_keys=[r.case_key for r in application.requests], now=now, exclude_id=application.id)
    if problems:
        raise RuleViolation(problems)
    activate(application, now=now)
    # Only the part of the allocation this application is in can move (placing.Part).
    reallocate_and_notify(meeting, now=now, quiet={application.id}, cause=mails.CONFIRMATION,
                          part=part_of(application))
    audit.record(None, "registration.confirmed", application, {"kind": application.kind}, now=now,
                 organizer_id=meeting.organizer_id)
    mails.send_received(application, now=now)
    return application


def activate(application: Application, *, now: datetime):
    """Make the application active now, with a fresh check-in code; the database's partial unique
    indexes refuse a second active application of the person or a second speaker of the group (V5)."""
    flag_for_review(application, now=now)
    application.status, application.confirmed_at = ACTIVE, now
    for request in application.requests:
        request.active = True
    for _ in range(CHECK_IN_ATTEMPTS):
        application.check_in_code = links.new_check_in_code()
        try:
            with db.session.begin_nested():
                db.session.flush()
            return
        except IntegrityError as error:  # told apart by the constraint's name, as the driver reports it
            broken = constraint_name(error)
            if broken == GROUP_CASE_INDEX_V5:
                raise RuleViolation.one("organisation", "group_has_speaker", cases=application.meeting.title) \
                    from error
            if broken == PERSON_INDEX_V5:
                raise RuleViolation.one("email", "already_applied") from error
            if broken != CHECK_IN_CODE_UNIQUE:
                raise
    raise RuntimeError("could not draw a unique check-in code")


def flag_for_review(application: Application, *, now: datetime):
    """Mark what staff should check before the application becomes active (checks.review_flags):
    the same name and phone as another active application, a suspended person's phone (V5, V15)."""
    meeting = application.meeting
    if application.id is None:  # recorded by staff: written now, so the flag and its audit name it
        db.session.flush()
    flags = review_flags(meeting, name_key=application.name_key, phone_key=application.phone_key, now=now,
                         exclude_id=application.id)
    for column, value in flags.items():
        setattr(application, column, value)
    if any(flags.values()):
        audit.record(None, "registration.flagged", application,
                     {"same_name_and_phone_as": flags["review_same_as_id"],
                      "phone_of_suspension": flags["review_suspension_id"]}, now=now,
                     organizer_id=meeting.organizer_id)


def reallocate_and_notify(meeting, *, now: datetime, quiet=frozenset(), notify: bool = True,
                          cause: str | None = None, part: Part = WHOLE):
    """Run the allocation (of `part` of it) and e-mail everyone who gained or lost a place or moved between
    gallery and overflow room (except `quiet`, told otherwise; nobody when `notify` is false), naming the
    `cause` (mails.CAUSES)."""
    return notify_changed(reallocate(meeting, part), now=now, quiet=quiet, notify=notify, cause=cause)


def notify_changed(changed: list, *, now: datetime, quiet=frozenset(), notify: bool = True,
                   cause: str | None = None) -> list:
    """Mail everyone of `changed` (placing.reallocate's answer) but `quiet` that their place changed, and why."""
    for application, before in changed:
        if notify and application.id not in quiet:
            mails.send_place_changed(application, before, now=now, cause=cause)
    return changed


def is_late_cancellation(meeting, now: datetime) -> bool:
    """W4: cancelling less than 3 days before the meeting is allowed but late."""
    return now > cancellation_notice_by(meeting.starts_at)


def cancel_application(application: Application, *, now: datetime, actor=None) -> bool:
    """Cancel an application (the applicant, or staff for them); the next person is promoted.
    Returns whether the cancellation came late (W4)."""
    meeting, application = lock_application(application)
    if not application.is_open:
        raise RuleViolation.one("application", "not_active")
    if now >= meeting.ends_at:
        raise RuleViolation.one("application", "meeting_over")
    late = is_late_cancellation(meeting, now)
    was_active = end_application(meeting, application, CANCELLED, now=now, cause=mails.CANCELLATION)
    audit.record(actor, "registration.cancelled", application, {"late": late, "by_staff": actor is not None},
                 now=now, organizer_id=meeting.organizer_id)
    if was_active:
        mails.send_cancelled(application, now=now, late=late)
    return late


def end_application(meeting, application: Application, status: str, *, now: datetime,
                    cause: str | None = None) -> bool:
    """Cancel or reject an open application (the caller holds the lock): it leaves the allocation,
    and the next people are promoted if it held places. Returns whether it had been active."""
    was_active = application.is_active
    application.status, application.ended_at = status, now
    clear_places(application)
    db.session.flush()
    if was_active:
        reallocate_and_notify(meeting, now=now, cause=cause)
    return was_active


def notify_registrants(meeting, *, now: datetime):
    """Tell every active applicant that the meeting was postponed, cancelled or changed (W5)."""
    from .placing import active_applications
    for application in active_applications(meeting.id):
        mails.send_meeting_changed(application, now=now)


def _open_requests(meeting_id: int, *where):
    return (select(func.count()).select_from(SpeakingRequest).join(Application)
            .where(SpeakingRequest.meeting_id == meeting_id, Application.status.in_(OPEN), *where))


def has_meeting_wide_speakers(meeting) -> bool:
    """Whether active or unconfirmed speakers asked to speak on the meeting as a whole (case key 0)."""
    return bool(db.session.scalar(_open_requests(meeting.id, SpeakingRequest.case_key == 0)))


def adopt_first_case(meeting, case):
    """The meeting's first case becomes what its meeting-wide speakers asked for: same queue, same
    places (the caller holds the meeting's lock)."""
    db.session.flush()
    for request in db.session.scalars(select(SpeakingRequest).where(
            SpeakingRequest.meeting_id == meeting.id, SpeakingRequest.case_key == 0)):
        request.case, request.case_key = case, case.id
    db.session.flush()
    reallocate(meeting)


def open_requests_on(case) -> int:
    """How many active or unconfirmed applications ask to speak on the case."""
    return db.session.scalar(_open_requests(case.meeting_id, SpeakingRequest.case_key == case.id))
