"""The applicant's own changes from the private page (issue 9, item 2): correct the name or the
organisation (checked again under V5), switch from speaking to observing (keeping the time of
application), add or drop cases, and have the private links sent again.

Each change takes the meeting's lock, re-runs the allocation from the rows (placing.reallocate), is
audited and mailed. A change that would cost the applicant a place raises PlaceAtRisk, naming what
would be lost, unless `accept_losses` says the applicant has seen it; the view then rolls back, so
nothing of the trial run is kept. They flush, never commit.
"""
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from .. import audit
from ..extensions import db
from ..meetings.models import Meeting
from ..outbox.models import OutboxMessage
from ..rules import Problem
from ..rules import allocation as rules
from ..rules.names import clean_text, normalise_email, normalise_name
from ..rules.periods import window_problems
from ..violations import RuleViolation
from . import links, mails
from .checks import admission_problems
from .models import ACTIVE, OBSERVE, OPEN, SPEAK, UNCONFIRMED, Application, SpeakingRequest
from .placing import reallocate
from .services import flag_for_review, key_problems, lock_application, notify_changed
from .wording import case_title, place_lines

# "Resend my link" mails an address at most this often, whoever asks and however often.
LINKS_RESEND_INTERVAL = timedelta(minutes=15)


class PlaceAtRisk(Exception):
    """The change would cost the applicant a place: `losses` names each, `after` what they would hold."""

    def __init__(self, losses: list[str], after: list[str]):
        super().__init__("; ".join(losses))
        self.losses, self.after = losses, after


def _begin(application: Application, now: datetime) -> tuple:
    """Lock the meeting; the application must be active and its meeting neither over nor cancelled."""
    meeting, application = lock_application(application)
    if application.status != ACTIVE:
        raise RuleViolation.one("application", "not_active")
    if now >= meeting.ends_at or meeting.status == "cancelled":
        raise RuleViolation.one("application", "meeting_over")
    return meeting, application


def held(application: Application) -> dict:
    """What the application holds, by (kind, case key): a case key alone would mix a hearing's
    speaking place (key 0) with an observer's seat."""
    if application.kind == SPEAK:
        return {(SPEAK, r.case_key): (r.outcome, case_title(r)) for r in application.requests if r.active}
    return {(OBSERVE, 0): (application.outcome, "")}


def _loss(kind: str, outcome: str, title: str) -> str:
    if kind == SPEAK:
        return gettext("your speaking place on %(case)s", case=title)
    if outcome == rules.GALLERY:
        return gettext("your gallery seat")
    return gettext("your seat in the overflow room")


def losses_between(before: dict, after: dict) -> list[str]:
    """Each place held before and not after, in words; a gallery seat exchanged for the overflow room too."""
    lost = []
    for key, (outcome, title) in before.items():
        now_outcome = after.get(key, (None, ""))[0]
        if outcome in rules.SEATED and now_outcome not in rules.SEATED:
            lost.append(_loss(key[0], outcome, title))
        elif outcome == rules.GALLERY and now_outcome == rules.OVERFLOW:
            lost.append(gettext("your gallery seat (you would be seated in the overflow room)"))
    return lost


def _finish(meeting, application: Application, before: dict, *, now: datetime, accept_losses: bool,
            action: str, details: dict, what: str):
    """Re-run the allocation; stop at a lost place not yet accepted; else tell, audit and mail."""
    db.session.flush()
    changed = reallocate(meeting)
    losses = losses_between(before, held(application))
    if losses and not accept_losses:
        raise PlaceAtRisk(losses, place_lines(application))
    notify_changed(changed, now=now, quiet={application.id}, cause=mails.CHANGE)
    audit.record(None, action, application, details | {"places_given_up": len(losses)}, now=now,
                 organizer_id=meeting.organizer_id)
    mails.send_application_changed(application, now=now, what=what)


def change_details(application: Application, data: dict, *, now: datetime, accept_losses: bool = False) -> bool:
    """Correct the name or organisation; V5 is checked again for the new organisation (one speaker per
    group and case), and the review flags staff see are recomputed. Returns whether anything changed."""
    meeting, application = _begin(application, now)
    name, organisation = clean_text(data.get("name") or "").strip(), clean_text(data.get("organisation") or "").strip()
    keys = {"name_key": normalise_name(name), "org_key": normalise_name(organisation)}
    problems = [] if keys["name_key"] else [Problem("name", "name_required")]
    problems += key_problems(keys)
    if problems:
        raise RuleViolation(problems)
    if (name, organisation) == (application.name, application.organisation):
        return False
    problems = admission_problems(  # V5: the checks the desk runs on a new application (checks.py)
        meeting, kind=application.kind, email_key=application.email_key, name_key=keys["name_key"],
        phone_key=application.phone_key, org_key=keys["org_key"], now=now, exclude_id=application.id,
        case_keys=[r.case_key for r in application.requests if r.active])
    if problems:
        raise RuleViolation(problems)
    before, old = held(application), {"name": application.name, "organisation": application.organisation}
    application.name, application.name_key = name, keys["name_key"]
    application.organisation, application.org_key = organisation, keys["org_key"]
    for request in application.requests:
        request.org_key = keys["org_key"]
    flag_for_review(application, now=now)
    what = gettext("name and organisation: %(name)s, %(organisation)s", name=name,
                   organisation=organisation or gettext("none"))
    _finish(meeting, application, before, now=now, accept_losses=accept_losses, what=what,
            action="registration.details_changed",
            details={"before": old, "after": {"name": name, "organisation": organisation}})
    return True


def switch_to_observing(application: Application, *, now: datetime, accept_losses: bool = False):
    """A speaker becomes an observer, keeping the time of application (V7 orders observers by it);
    the speaking requests, their places and claims go."""
    meeting, application = _begin(application, now)
    if application.kind != SPEAK:
        raise RuleViolation.one("kind", "already_observing")
    before = held(application)
    cases = [case_title(r) for r in application.requests]
    application.kind, application.outcome, application.position, application.reason = OBSERVE, None, None, ""
    application.requests.clear()
    _finish(meeting, application, before, now=now, accept_losses=accept_losses,
            what=gettext("you now observe instead of speaking"),
            action="registration.switched_to_observing", details={"cases": cases})


def change_cases(application: Application, case_ids: list[int], *, now: datetime, accept_losses: bool = False) -> bool:
    """Add or drop cases of a speaker (V1); an added case waits from now (added_at, V6), and only while
    registration is open (W1); the group's speaker on a case refuses it (V5). Returns whether anything changed."""
    meeting, application = _begin(application, now)
    if application.kind != SPEAK or not meeting.cases:
        raise RuleViolation.one("case_ids", "cases_not_chosen_here")
    known = {case.id: case for case in meeting.cases}
    wanted = set(case_ids or [])
    if not wanted:
        raise RuleViolation.one("case_ids", "last_case")
    if wanted - set(known):
        raise RuleViolation.one("case_ids", "case_unknown")
    current = {r.case_key for r in application.requests}
    added, dropped = sorted(wanted - current), sorted(current - wanted)
    if not (added or dropped):
        return False
    problems = (window_problems(meeting, now) if added else []) or admission_problems(
        meeting, kind=SPEAK, email_key="", org_key=application.org_key, case_keys=added, now=now,
        exclude_id=application.id)  # W1, then V5 for the added cases
    if problems:
        raise RuleViolation([Problem("case_ids", p.code, p.params) for p in problems])
    before = held(application)
    for request in [r for r in application.requests if r.case_key in dropped]:
        application.requests.remove(request)
    for key in added:
        application.requests.append(SpeakingRequest(
            meeting_id=meeting.id, case=known[key], case_key=key, org_key=application.org_key, active=True,
            added_at=now))
    titles = "、".join(case.title for key, case in known.items() if key in wanted)
    _finish(meeting, application, before, now=now, accept_losses=accept_losses,
            what=gettext("the cases you speak on: %(cases)s", cases=titles), action="registration.cases_changed",
            details={"added": [known[k].title for k in added], "dropped": [known[k].title for k in dropped]})
    return True


def resend_links(email: str, *, now: datetime, locale: str) -> bool:
    """Mail the links of every open application of this address whose meeting is not over (a pending
    one: its confirmation link). Whether any exist is never told to the asker; the address gets at
    most one such mail per LINKS_RESEND_INTERVAL. Returns whether a mail was queued."""
    email_key = normalise_email(email or "")
    if not email_key:
        return False
    since = now - timedelta(seconds=links.CONFIRM_MAX_AGE)
    found = list(db.session.scalars(
        select(Application).join(Meeting, Meeting.id == Application.meeting_id)
        .where(Application.email_key == email_key, Application.status.in_(OPEN), Meeting.ends_at > now)
        .options(contains_eager(Application.meeting))  # the mail and the audit name each one's meeting
        .order_by(Meeting.starts_at, Application.id)))
    found = [a for a in found if a.status != UNCONFIRMED or a.submitted_at > since]
    if not found or _recently_sent({a.email for a in found}, now):
        return False
    mails.send_links(found[-1].email, found, now=now, locale=found[-1].locale or locale)
    for application in found:
        audit.record(None, "registration.links_resent", application, {}, now=now,
                     organizer_id=application.meeting.organizer_id)
    return True


def _recently_sent(addresses: set[str], now: datetime) -> bool:
    return db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.topic == "registration.links", OutboxMessage.recipient.in_(addresses),
        OutboxMessage.created_at > now - LINKS_RESEND_INTERVAL).limit(1)) is not None
