"""Who may apply, checked against the rows: suspensions (V15), one application per person and one
speaker per group and case (V5). Each refusal is a Problem with its own message. The window (W1)
is a pure rule: rules.periods.window_problems."""
from datetime import datetime

from sqlalchemy import and_, or_, select

from ..extensions import db
from ..rules import Problem
from ..timefmt import to_local
from .models import ACTIVE, Application, SpeakingRequest, Suspension


def suspension_for(organizer_id: int, email_key: str, name_key: str, phone_key: str, now: datetime):
    """The organizer's suspension in force today for this person, if any (V15): the same e-mail or the
    same phone number, whatever name is typed — a suspension is not dodged by spelling a name anew."""
    today = to_local(now).date()
    matches = [Suspension.email_key == email_key] if email_key else []
    if phone_key:
        matches.append(Suspension.phone_key == phone_key)
    if not matches:
        return None
    return db.session.scalars(select(Suspension).where(
        Suspension.organizer_id == organizer_id, Suspension.lifted_at.is_(None), Suspension.until >= today,
        or_(*matches)).limit(1)).first()


def same_person_active(meeting_id: int, email_key: str, name_key: str, phone_key: str, *, exclude_id=None):
    """Another active application of the same person at this meeting (V5), if any."""
    matches = [Application.email_key == email_key] if email_key else []
    if phone_key:
        matches.append(and_(Application.name_key == name_key, Application.phone_key == phone_key))
    if not matches:
        return None
    query = select(Application).where(Application.meeting_id == meeting_id, Application.status == ACTIVE,
                                      or_(*matches))
    if exclude_id is not None:
        query = query.where(Application.id != exclude_id)
    return db.session.scalars(query.limit(1)).first()


def group_speaking_on(meeting_id: int, case_keys: list[int], org_key: str, *, exclude_id=None) -> list[int]:
    """The cases (keys) on which the group already has an active speaker (V5)."""
    if not org_key or not case_keys:
        return []
    query = select(SpeakingRequest.case_key).where(
        SpeakingRequest.meeting_id == meeting_id, SpeakingRequest.active.is_(True),
        SpeakingRequest.org_key == org_key, SpeakingRequest.case_key.in_(case_keys))
    if exclude_id is not None:
        query = query.where(SpeakingRequest.application_id != exclude_id)
    return sorted(set(db.session.scalars(query)))


def admission_problems(meeting, *, kind, email_key, name_key, phone_key, org_key, case_keys, now,
                       exclude_id=None) -> list[Problem]:
    """Every reason this person may not hold an active application now (V15, V5)."""
    suspension = suspension_for(meeting.organizer_id, email_key, name_key, phone_key, now)
    if suspension is not None:  # V15: a neutral message; the reason stays with staff
        return [Problem("email", "suspended", {"contact": meeting.contact or meeting.organizer.name})]
    if same_person_active(meeting.id, email_key, name_key, phone_key, exclude_id=exclude_id):  # V5
        return [Problem("email", "already_applied")]
    if kind == "speak":
        taken = group_speaking_on(meeting.id, case_keys, org_key, exclude_id=exclude_id)  # V5
        if taken:
            return [group_problem(meeting, taken)]
    return []


def group_problem(meeting, taken: list[int]) -> Problem:
    """V5's refusal, naming the cases on which the group already has a speaker."""
    titles = {c.id: c.title for c in meeting.cases}
    names = "、".join(titles.get(k, meeting.title) for k in taken)
    return Problem("organisation", "group_has_speaker", {"cases": names})
