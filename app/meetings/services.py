"""Workflows for meetings: create, edit, publish, postpone, cancel. They flush, never commit."""
import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from .. import audit
from ..extensions import db
from ..plans.models import Plan
from ..rules import Problem, web_link_problems
from ..rules.participation import PHASES, PLANNING_KINDS, may_hold_meetings_on
from ..rules.periods import schedule_problems
from ..rules.postponement import postponement_problems
from ..rules.publication import CANCEL, DRAFT, POSTPONE, PUBLISH, next_status
from ..rules.venue import SETTING_NAMES, VenueSettings, departures, settings_problems
from ..violations import RuleViolation
from . import signals
from .locks import lock_meeting
from .models import Meeting, MeetingStatusChange, RuleDeparture

DESCRIPTIVE_FIELDS = (
    "kind", "phase", "title", "summary", "starts_at", "ends_at", "venue_name", "venue_address",
    "directions", "overflow_room", "livestream_url", "contact", "registration_opens_at",
    "registration_closes_at",
)
# A change to any of these is e-mailed to everyone who applied (W5 for postponements and cancellations).
REGISTRANTS_TOLD_OF = {"title", "starts_at", "ends_at", "venue_name", "venue_address", "directions", "overflow_room"}


def profile_defaults(organizer) -> dict:
    """The venue-rule settings a new meeting of this organizer starts from."""
    return organizer.profile.settings().as_dict()


def _validate(data: dict, profile: VenueSettings, previous: VenueSettings | None, reason: str) -> list[Problem]:
    problems = schedule_problems(data["starts_at"], data["ends_at"],
                                 data.get("registration_opens_at"), data.get("registration_closes_at"))
    settings = VenueSettings(**{n: data[n] for n in SETTING_NAMES})
    problems += settings_problems(settings)
    if data.get("phase") and (data["phase"] not in PHASES or data["kind"] not in PLANNING_KINDS):  # P1
        problems.append(Problem("phase", "phase_only_for_planning"))
    if not (reason or "").strip() and _new_departures(settings, profile, previous):
        problems.append(Problem("departure_reason", "departure_reason_required"))
    problems += web_link_problems("livestream_url", data.get("livestream_url") or "")
    return problems


def _new_departures(settings, profile, previous) -> dict:
    """Departures from the profile that this save introduces or changes."""
    found = departures(settings, profile)
    if previous is None:
        return found
    return {k: v for k, v in found.items() if getattr(previous, k) != getattr(settings, k)}


def _record_departures(meeting, changed: dict, reason: str, actor, now):
    for name, (profile_value, value) in changed.items():
        meeting.departures.append(RuleDeparture(
            setting=name, profile_value=profile_value, value=value, reason=reason.strip(),
            actor_id=getattr(actor, "id", None), at=now))


def create_meeting(plan: Plan, organizer, data: dict, *, actor, now: datetime, departure_reason: str = "") -> Meeting:
    """Create a draft meeting of `organizer` on `plan`, copying the organizer's rule profile."""
    profile = organizer.profile.settings()
    problems = _validate(data, profile, None, departure_reason)
    if not may_hold_meetings_on(organizer.id, organizer.county_code, plan.organizer_id):  # P6
        problems.append(Problem("plan_id", "plan_of_another_organizer"))
    if problems:
        raise RuleViolation(problems)
    meeting = Meeting(
        uid=f"{uuid.uuid4()}@{current_app.config['SITE_NAME_DOMAIN']}",
        plan=plan, organizer=organizer, status=DRAFT, sequence=0, created_at=now, updated_at=now,
        **{k: data.get(k) for k in DESCRIPTIVE_FIELDS}, **{n: data[n] for n in SETTING_NAMES},
    )
    meeting.phase = data.get("phase") or None
    db.session.add(meeting)
    _record_departures(meeting, _new_departures(meeting.settings(), profile, None), departure_reason, actor, now)
    db.session.flush()
    audit.record(actor, "meeting.created", meeting, {"title": meeting.title, "kind": meeting.kind}, now=now)
    return meeting


def update_meeting(meeting: Meeting, data: dict, *, actor, now: datetime, expected_sequence: int,
                   departure_reason: str = "") -> Meeting:
    """Save an edit of a meeting, refusing a stale form and silent time changes of public meetings."""
    if expected_sequence != meeting.sequence:
        raise RuleViolation.one("form", "stale_form")
    if meeting.status != DRAFT and (data["starts_at"] != meeting.starts_at or data["ends_at"] != meeting.ends_at):
        raise RuleViolation.one("starts_at", "time_change_needs_postponement")
    data = {**data, "phase": data.get("phase") or None}
    previous = meeting.settings()
    problems = _validate(data, meeting.organizer.profile.settings(), previous, departure_reason)
    if problems:
        raise RuleViolation(problems)
    changed = sorted(k for k in (*DESCRIPTIVE_FIELDS, *SETTING_NAMES)
                     if k in data and getattr(meeting, k) != data[k])
    reallocating = bool(set(changed) & set(SETTING_NAMES))  # drafts too: staff may have recorded applications
    if reallocating:  # fewer or more places: the allocation runs again, under its lock (V3, V7)
        meeting = lock_meeting(meeting.id)
        if expected_sequence != meeting.sequence:
            raise RuleViolation.one("form", "stale_form")
    for key in changed:
        setattr(meeting, key, data[key])
    _record_departures(meeting, _new_departures(meeting.settings(), meeting.organizer.profile.settings(), previous),
                       departure_reason, actor, now)
    touch(meeting, now)
    audit.record(actor, "meeting.updated", meeting, {"fields": changed}, now=now)
    told = meeting.status != DRAFT and bool(set(changed) & REGISTRANTS_TOLD_OF)
    if reallocating:  # one e-mail per person: the meeting-changed mail carries their place too
        signals.venue_settings_changed.send(meeting, now=now, details_follow=told)
    if told:
        signals.meeting_details_changed.send(meeting, now=now)
    return meeting


def touch(meeting: Meeting, now: datetime):
    """Mark a change that calendar programs must pick up (SEQUENCE grows, RFC 5545)."""
    meeting.sequence += 1
    meeting.updated_at = now
    db.session.flush()


_ANNOUNCED = {POSTPONE: signals.meeting_postponed, CANCEL: signals.meeting_cancelled}


def _change_status(meeting, action, *, reason, actor, now, change_details=None, audit_details=None):
    target, problems = next_status(meeting.status, action, reason)
    if problems:
        raise RuleViolation(problems)
    change = MeetingStatusChange(**{
        "at": now, "actor_id": getattr(actor, "id", None), "from_status": meeting.status, "to_status": target,
        "reason": (reason or "").strip(), "previous_starts_at": meeting.starts_at,
        "previous_ends_at": meeting.ends_at, **(change_details or {})})
    meeting.status_changes.append(change)
    previous_status, meeting.status = meeting.status, target
    if action != PUBLISH:
        meeting.status_reason = change.reason
    touch(meeting, now)
    if action != PUBLISH:  # W5: everyone registered must be told (the notices stream reads `change` too)
        _ANNOUNCED[action].send(meeting, now=now, change=change)
    else:  # P10, P11: subscribers and the directory are told
        signals.meeting_published.send(meeting, now=now, actor=actor)
    audit.record(actor, f"meeting.{target}", meeting,
                 {"from": previous_status, "to": target, "reason": change.reason,
                  "previous_starts_at": change.previous_starts_at, "new_starts_at": change.new_starts_at,
                  **(audit_details or {})}, now=now)
    return meeting


def publish_meeting(meeting: Meeting, *, actor, now: datetime, gaps=()) -> Meeting:
    """Publish a draft: from now on the public sees it and calendars carry it (P8). `gaps` are the
    checklist items staff confirmed publishing without; the audit entry keeps them."""
    _change_status(meeting, PUBLISH, reason="", actor=actor, now=now,
                   audit_details={"missing": list(gaps)} if gaps else None)
    meeting.published_at = now
    return meeting


@dataclass(frozen=True)
class Postponement:
    """What a postponement says (W5): a new time or "to be announced", moved online (with its link),
    and optionally a new registration deadline (W1). Times are UTC."""

    reason: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    to_be_announced: bool = False
    moved_online: bool = False
    online_link: str = ""
    registration_closes_at: datetime | None = None


def postpone_meeting(meeting: Meeting, postponement: Postponement | None = None, *, actor, now: datetime,
                     starts_at: datetime | None = None, ends_at: datetime | None = None, reason: str = "") -> Meeting:
    """Postpone a published meeting to a new time, or until a time still to be announced, perhaps
    online, perhaps with a new registration deadline; the reason is shown publicly (W5). The keyword
    times and reason are the short form for a plain move to a new time."""
    p = postponement or Postponement(reason=reason, starts_at=starts_at, ends_at=ends_at)
    link = (p.online_link or "").strip()
    problems = postponement_problems(
        now=now, starts_at=p.starts_at, ends_at=p.ends_at, to_be_announced=p.to_be_announced,
        moved_online=p.moved_online, online_link=link, opens_at=meeting.registration_opens_at,
        closes_at=meeting.registration_closes_at, new_closes_at=p.registration_closes_at)
    problems += next_status(meeting.status, POSTPONE, p.reason)[1]  # a missing reason too, in one answer
    if problems:
        raise RuleViolation(problems)
    previous_closes_at = meeting.registration_closes_at
    details = {"previous_starts_at": meeting.starts_at, "previous_ends_at": meeting.ends_at,
               "new_starts_at": None if p.to_be_announced else p.starts_at,
               "new_ends_at": None if p.to_be_announced else p.ends_at,
               "to_be_announced": p.to_be_announced, "moved_online": p.moved_online}
    if not p.to_be_announced:
        meeting.starts_at, meeting.ends_at = p.starts_at, p.ends_at
    if p.registration_closes_at is not None:
        meeting.registration_closes_at = p.registration_closes_at
    meeting.time_to_be_announced = p.to_be_announced
    if p.moved_online:
        meeting.moved_online, meeting.livestream_url = True, link
    return _change_status(meeting, POSTPONE, reason=p.reason, actor=actor, now=now, change_details=details,
                          audit_details={"to_be_announced": p.to_be_announced, "moved_online": p.moved_online,
                                         "online_link": link if p.moved_online else "",
                                         "previous_registration_closes_at": previous_closes_at,
                                         "registration_closes_at": meeting.registration_closes_at})


def cancel_meeting(meeting: Meeting, *, reason: str, actor, now: datetime) -> Meeting:
    """Cancel a published meeting; the page and calendars say so with the reason (W5)."""
    return _change_status(meeting, CANCEL, reason=reason, actor=actor, now=now)
