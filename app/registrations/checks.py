"""Who may apply, checked against the rows: suspensions (V15), one application per person and one
speaker per group and case (V5). Each refusal is a Problem with its own message. The window (W1)
is a pure rule: rules.periods.window_problems.

A person is their e-mail identity (rules.names.normalise_email): it alone refuses, because only its
owner is told. A name and phone anyone can type are flags for staff (review_flags)."""
from datetime import datetime

from sqlalchemy import or_, select

from ..extensions import db
from ..rules import Problem
from ..timefmt import to_local
from .groups import group_keys
from .models import ACTIVE, Application, SpeakingRequest, Suspension


def suspension_for(organizer_id: int, email_key: str, now: datetime):
    """The organizer's suspension in force today for this e-mail identity, if any (V15). Only the
    address counts, because only its owner learns the answer (at confirmation, from their mailbox); a
    phone number anyone can type is a flag for staff (suspension_by_phone), never a refusal."""
    if not email_key:
        return None
    return db.session.scalars(_in_force(organizer_id, now).where(Suspension.email_key == email_key).limit(1)).first()


def suspension_by_phone(organizer_id: int, name_key: str, phone_key: str, now: datetime):
    """A suspension in force whose phone (and name, when it has one) an application typed (V15): a
    flag for staff to look at, since the phone is not verified."""
    if not phone_key:
        return None
    return db.session.scalars(_in_force(organizer_id, now).where(
        Suspension.phone_key == phone_key, or_(Suspension.name_key == "", Suspension.name_key == name_key))
        .limit(1)).first()


def _in_force(organizer_id: int, now: datetime):
    return select(Suspension).where(Suspension.organizer_id == organizer_id, Suspension.lifted_at.is_(None),
                                    Suspension.until >= to_local(now).date())


def same_person_active(meeting_id: int, email_key: str, *, exclude_id=None):
    """Another active application of the same e-mail identity at this meeting (V5), if any."""
    if not email_key:
        return None
    return db.session.scalars(_others_active(meeting_id, exclude_id).where(
        Application.email_key == email_key).limit(1)).first()


def same_name_and_phone(meeting_id: int, name_key: str, phone_key: str, *, exclude_id=None):
    """The earliest other active application at this meeting with the same name and phone (V5): a flag
    for staff, not a refusal — anyone can type another person's name and phone."""
    if not (name_key and phone_key):
        return None
    return db.session.scalars(_others_active(meeting_id, exclude_id).where(
        Application.name_key == name_key, Application.phone_key == phone_key)
        .order_by(Application.confirmed_at, Application.id).limit(1)).first()


def _others_active(meeting_id: int, exclude_id):
    query = select(Application).where(Application.meeting_id == meeting_id, Application.status == ACTIVE)
    return query if exclude_id is None else query.where(Application.id != exclude_id)


def group_speaking_on(meeting, case_keys: list[int], org_key: str, *, exclude_id=None) -> list[int]:
    """The cases (keys) on which the group — under any name staff marked as its own — already has an
    active speaker (V5)."""
    if not org_key or not case_keys:
        return []
    query = select(SpeakingRequest.case_key).where(
        SpeakingRequest.meeting_id == meeting.id, SpeakingRequest.active.is_(True),
        SpeakingRequest.org_key.in_(group_keys(meeting.organizer_id, org_key)),
        SpeakingRequest.case_key.in_(case_keys))
    if exclude_id is not None:
        query = query.where(SpeakingRequest.application_id != exclude_id)
    return sorted(set(db.session.scalars(query)))


def admission_problems(meeting, *, kind, email_key, org_key, case_keys, now, exclude_id=None, name_key="",
                       phone_key="") -> list[Problem]:
    """Every reason this person may not hold an active application now (V15, V5): a suspension of
    the e-mail identity, another active application of it, or the group's speaker on a case. The
    name and phone typed refuse nothing (they are not verified): they only flag (review_flags)."""
    if suspension_for(meeting.organizer_id, email_key, now) is not None:  # V15: a neutral message
        return [Problem("email", "suspended", {"contact": meeting.contact or meeting.organizer.name})]
    if same_person_active(meeting.id, email_key, exclude_id=exclude_id):  # V5
        return [Problem("email", "already_applied")]
    if kind == "speak":
        taken = group_speaking_on(meeting, case_keys, org_key, exclude_id=exclude_id)  # V5
        if taken:
            return [group_problem(meeting, taken)]
    return []


def review_flags(meeting, *, name_key: str, phone_key: str, now: datetime, exclude_id=None) -> dict:
    """What staff should check about who an application is from (V5, V15): another active application
    with the same name and phone, and a suspension whose phone it typed. Never told to the applicant."""
    twin = same_name_and_phone(meeting.id, name_key, phone_key, exclude_id=exclude_id)
    suspension = suspension_by_phone(meeting.organizer_id, name_key, phone_key, now)
    return {"review_same_as_id": twin.id if twin else None,
            "review_suspension_id": suspension.id if suspension else None}


def group_problem(meeting, taken: list[int]) -> Problem:
    """V5's refusal, naming the cases on which the group already has a speaker."""
    titles = {c.id: c.title for c in meeting.cases}
    names = "、".join(titles.get(k, meeting.title) for k in taken)
    return Problem("organisation", "group_has_speaker", {"cases": names})
