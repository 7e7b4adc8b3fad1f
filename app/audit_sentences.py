"""Audit entries as sentences naming their records in words (issue 9, item 13), one query per kind of record."""
from sqlalchemy import select

from .accounts.models import StaffInvitation, User
from .dayof.models import MeetingCourse, SpeakingTurn
from .extensions import db
from .labels import PURGED_APPLICANT, UNNAMED_RECORD, audit_details, audit_sentence
from .materials.models import Material
from .meetings.models import Meeting
from .plans.models import Plan
from .registrations.models import Application, GroupAlias, Suspension
from .stakeholders.models import Notice, Organisation, Subscriber

# The column that names each kind of record an entry may point at (staff see full names).
NAME_COLUMNS = {
    "meetings": Meeting.title, "plans": Plan.name, "applications": Application.name, "users": User.name,
    "materials": Material.title, "suspensions": Suspension.name, "staff_invitations": StaffInvitation.name,
    "group_aliases": GroupAlias.alias_name,
    "organisations": Organisation.name, "subscribers": Subscriber.email, "notices": Notice.subject,
}


# Records named through the record they belong to: the day's course by its meeting, a speaking turn
# by its speaker (id of the record, name, and the join between them).
NAMED_THROUGH = {
    "meeting_courses": (MeetingCourse.id, Meeting.title, Meeting.id == MeetingCourse.meeting_id),
    "speaking_turns": (SpeakingTurn.id, Application.name, Application.id == SpeakingTurn.application_id),
}


def _names(entries) -> dict[tuple[str, int], str]:
    wanted: dict[str, set[int]] = {}
    for e in entries:
        if (e.target_type in NAME_COLUMNS or e.target_type in NAMED_THROUGH) and e.target_id is not None:
            wanted.setdefault(e.target_type, set()).add(e.target_id)
    names = {}
    for kind, ids in wanted.items():
        if kind in NAMED_THROUGH:
            key, column, on = NAMED_THROUGH[kind]
            query = select(key, column).join(column.class_, on)
        else:
            column = NAME_COLUMNS[kind]
            key = column.class_.id
            query = select(key, column)
        names |= {(kind, i): n for i, n in db.session.execute(query.where(key.in_(ids)))}
    return names


def _fallback(entry) -> str:
    details = entry.details or {}
    named = details.get("title") or details.get("name") or details.get("email")
    if named:
        return str(named)
    return str(PURGED_APPLICANT if entry.target_type == "applications" else UNNAMED_RECORD)


def audit_sentences(entries) -> dict[int, str]:
    """Each entry's sentence in the reader's language, by entry id."""
    names = _names(entries)
    return {e.id: audit_sentence(e.action, names.get((e.target_type, e.target_id)) or _fallback(e)) for e in entries}


# Details that hold the id of another application: shown as that applicant's name.
APPLICATION_DETAILS = ("same_name_and_phone_as",)


def audit_detail_pairs(entries) -> dict[int, list[tuple[str, str]]]:
    """Each entry's details in words (labels.audit_details), with applications named, by entry id: one query."""
    ids = {v for e in entries for k, v in (e.details or {}).items() if k in APPLICATION_DETAILS and isinstance(v, int)}
    names = dict(db.session.execute(select(Application.id, Application.name).where(Application.id.in_(ids))).all()) \
        if ids else {}
    named = {}
    for e in entries:
        details = {k: (names.get(v) or v) if k in APPLICATION_DETAILS else v for k, v in (e.details or {}).items()}
        named[e.id] = audit_details(details)
    return named
