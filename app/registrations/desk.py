"""The secretariat's workflows on applications: record other channels (V4), decide party-concerned
claims (V6), reject, move between pools, change the number of places (V3, V4), suspend (V15).
Each is audited and re-runs the allocation under the meeting's lock. They flush, never commit."""
from datetime import date, datetime

from .. import audit
from ..dbtypes import utcnow
from ..extensions import db
from ..meetings.locks import lock_meeting
from ..meetings.models import RuleDeparture
from ..meetings.services import touch
from ..rules import Problem, publication
from ..rules.allocation import CLAIM_ACCEPTED, CLAIM_REJECTED, OTHER, POOLS
from ..rules.names import clean_text, normalise_email, normalise_name, normalise_phone
from ..rules.venue import REPRESENTATIVES_IN_PRINCIPLE, cap_problems
from ..timefmt import to_local
from ..violations import RuleViolation
from . import mails
from .checks import admission_problems, same_name_and_phone, suspension_by_phone
from .models import ACTIVE, OTHER_CHANNELS, REJECTED, SPEAK, Application, SpeakingRequest, Suspension
from .placing import places_lost
from .services import (
    activate,
    build_application,
    case_keys,
    clean,
    content_problems,
    end_application,
    key_problems,
    lock_application,
    person_keys,
    reallocate_and_notify,
)


def record_other_channel(meeting, data: dict, *, actor, now: datetime | None = None) -> Application:
    """Record an application that came by phone, fax, paper, e-mail or on site (V4): active at once,
    in the other-channels pool, its time of application `now` or the clock read under the lock."""
    if data.get("channel") not in OTHER_CHANNELS:
        raise RuleViolation.one("channel", "channel_required")
    meeting = lock_meeting(meeting.id)
    now = now or utcnow()
    data = clean(data)
    if meeting.status == publication.CANCELLED or now >= meeting.ends_at:
        raise RuleViolation.one("channel", "meeting_closed_for_records")
    keys = person_keys(data)
    problems = content_problems(data | {"consent": True}) + key_problems(keys)
    problems += admission_problems(meeting, kind=data["kind"], case_keys=case_keys(meeting, data), now=now,
                                  **{k: keys[k] for k in ("email_key", "name_key", "phone_key", "org_key")})
    if not (keys["email_key"] or keys["phone_key"]):
        problems.append(Problem("phone", "contact_required"))
    problems += heard_person_problems(meeting, keys, now)
    # Staff read the desk's own words, not the applicant's ("use the link in your e-mail").
    problems = [Problem(p.field, "already_applied_staff") if p.code == "already_applied" else p for p in problems]
    if problems:
        raise RuleViolation(problems)
    application = build_application(meeting, data | {"pool": OTHER, "consent": True}, now=now)
    application.recorded_by_id = getattr(actor, "id", None)
    db.session.add(application)
    activate(application, now=now)
    reallocate_and_notify(meeting, now=now, quiet={application.id}, cause=mails.CONFIRMATION)
    audit.record(actor, "registration.recorded", application,
                 {"channel": application.channel, "kind": application.kind,
                  "interest_group": application.interest_group},
                 now=now, organizer_id=meeting.organizer_id)
    mails.send_received(application, now=now)
    return application


def heard_person_problems(meeting, keys: dict, now: datetime) -> list[Problem]:
    """V5, V15 on the staff path: staff heard or saw the person, so the name and phone count as the
    e-mail identity does online — the same name and phone as another active application, or a
    suspension's phone (with its name, if it has one), refuse (online they only flag)."""
    problems = []
    if same_name_and_phone(meeting.id, keys["name_key"], keys["phone_key"]) is not None:
        problems.append(Problem("phone", "already_applied_phone_staff"))
    if suspension_by_phone(meeting.organizer_id, keys["name_key"], keys["phone_key"], now) is not None:
        problems.append(Problem("phone", "suspended_phone_staff"))
    return problems


def decide_claim(request: SpeakingRequest, *, accept: bool, note: str, actor, now: datetime):
    """Accept or reject a speaker's claim to be a party concerned by the case (V6)."""
    request_id = request.id
    meeting, application = lock_application(request.application)
    request = db.session.get(SpeakingRequest, request_id, populate_existing=True)
    if not request.party_concerned:
        raise RuleViolation.one("claim", "no_claim")
    if not application.is_open:
        raise RuleViolation.one("claim", "not_active")
    if not accept and not (note or "").strip():
        raise RuleViolation.one("note", "note_required")
    request.claim, request.claim_note = (CLAIM_ACCEPTED if accept else CLAIM_REJECTED), (note or "").strip()
    db.session.flush()
    if application.status == ACTIVE:  # the claimant is told by the decision's own mail, not twice
        reallocate_and_notify(meeting, now=now, quiet={application.id}, cause=mails.CLAIM)
    audit.record(actor, "registration.claim_decided", application,
                 {"case": request.case_key, "claim": request.claim, "note": request.claim_note},
                 now=now, organizer_id=meeting.organizer_id)
    mails.send_claim_decided(application, request, now=now)  # issue 9, item 1: what was decided and why


def reject_application(application: Application, *, reason: str, actor, now: datetime):
    """Reject an application with a reason the applicant is told; its place goes to the next person."""
    if not (reason or "").strip():
        raise RuleViolation.one("reason", "rejection_reason_required")
    meeting, application = lock_application(application)
    if not application.is_open:
        raise RuleViolation.one("reason", "not_active")
    application.rejection_reason = reason.strip()
    end_application(meeting, application, REJECTED, now=now, cause=mails.REJECTION)
    audit.record(actor, "registration.rejected", application, {"reason": application.rejection_reason},
                 now=now, organizer_id=meeting.organizer_id)
    mails.send_rejected(application, now=now)


def move_pool(application: Application, *, pool: str, actor, now: datetime):
    """Move a speaker between the online places (V3) and the other-channels places (V4)."""
    if pool not in POOLS:
        raise RuleViolation.one("pool", "pool_unknown")
    meeting, application = lock_application(application)
    if application.status != ACTIVE:
        raise RuleViolation.one("pool", "not_active")
    if application.kind != SPEAK:
        raise RuleViolation.one("pool", "pool_for_speakers")
    before, application.pool = application.pool, pool
    db.session.flush()
    reallocate_and_notify(meeting, now=now, cause=mails.POOL)
    audit.record(actor, "registration.pool_moved", application, {"from": before, "to": pool},
                 now=now, organizer_id=meeting.organizer_id)


def set_caps(meeting, *, speaker_cap: int, representative_cap: int, reason: str, actor, now: datetime,
             accept_losses: bool = False):
    """Change the online speaker places (V3: 5, at most 10) and other-channel representatives
    (V4: 1–5, at most 10) per case, with a recorded reason; more places promote people at once.
    Fewer places than are held take places away, which staff must accept explicitly."""
    problems = cap_problems(speaker_cap, representative_cap)  # V3, V4
    if not (reason or "").strip():
        problems.append(Problem("reason", "reason_required"))
    if problems:
        raise RuleViolation(problems)
    meeting = lock_meeting(meeting.id)
    lost = places_lost(meeting.id, speaker_cap=speaker_cap, representative_cap=representative_cap)
    if lost and not accept_losses:
        raise RuleViolation.one("accept_losses", "cap_below_places_held", count=lost)
    before = {"speaker_cap": meeting.speaker_cap, "representative_cap": meeting.representative_cap}
    profile_cap = meeting.organizer.profile.speaker_cap
    if speaker_cap != meeting.speaker_cap and speaker_cap != profile_cap:
        meeting.departures.append(RuleDeparture(setting="speaker_cap", profile_value=profile_cap, value=speaker_cap,
                                                reason=reason.strip(), actor_id=getattr(actor, "id", None), at=now))
    if representative_cap != meeting.representative_cap and representative_cap > REPRESENTATIVES_IN_PRINCIPLE:
        meeting.departures.append(RuleDeparture(  # V4: 1 to 5 in principle, at most 10 when necessary
            setting="representative_cap", profile_value=REPRESENTATIVES_IN_PRINCIPLE, value=representative_cap,
            reason=reason.strip(), actor_id=getattr(actor, "id", None), at=now))
    meeting.speaker_cap, meeting.representative_cap = speaker_cap, representative_cap
    touch(meeting, now)
    reallocate_and_notify(meeting, now=now, cause=mails.CAPS)
    audit.record(actor, "meeting.caps_changed", meeting,
                 {"before": before, "after": {"speaker_cap": speaker_cap, "representative_cap": representative_cap},
                  "reason": reason.strip()}, now=now)


def suspend_person(organizer, data: dict, *, actor, now: datetime) -> Suspension:
    """Bar a person from applying to the organizer's meetings until a date (V15)."""
    data = clean(data | {"reason": clean_text(data.get("reason") or "", multiline=True)})
    problems = []
    email_key, phone_key = normalise_email(data.get("email", "")), normalise_phone(data.get("phone", ""))
    problems += key_problems({"email_key": email_key, "phone_key": phone_key,
                              "name_key": normalise_name(data.get("name", ""))})
    if not (email_key or phone_key):
        problems.append(Problem("email", "contact_required"))
    if not (data.get("reason") or "").strip():
        problems.append(Problem("reason", "reason_required"))
    until: date | None = data.get("until")
    if until is None or until < to_local(now).date():
        problems.append(Problem("until", "until_in_past"))
    if problems:
        raise RuleViolation(problems)
    suspension = Suspension(
        organizer_id=organizer.id, name=(data.get("name") or "").strip(), name_key=normalise_name(data.get("name", "")),
        email=(data.get("email") or "").strip(), email_key=email_key, phone=(data.get("phone") or "").strip(),
        phone_key=phone_key, until=until, reason=data["reason"].strip(), meeting_id=data.get("meeting_id"),
        created_at=now, actor_id=getattr(actor, "id", None))
    db.session.add(suspension)
    db.session.flush()
    audit.record(actor, "suspension.created", suspension, {"until": until.isoformat(), "reason": suspension.reason},
                 now=now, organizer_id=organizer.id)
    return suspension


def lift_suspension(suspension: Suspension, *, actor, now: datetime):
    """End a suspension early."""
    if suspension.lifted_at is None:
        suspension.lifted_at = now
        db.session.flush()
        audit.record(actor, "suspension.lifted", suspension, {}, now=now, organizer_id=suspension.organizer_id)
