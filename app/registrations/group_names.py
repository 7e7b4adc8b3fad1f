"""Staff mark two group names as one group (V5, V7), for their organizer; the allocation follows.

The normalised key (rules.names.normalise_name) already folds widths, 臺/台, Simplified characters
and a trailing abbreviation; what it cannot know (an old name, an English name) staff record here.
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..extensions import db
from ..locking import lock_row
from ..meetings.locks import lock_meeting
from ..meetings.models import Meeting
from ..rules import Problem
from ..rules.names import clean_text, normalise_name
from ..violations import RuleViolation, constraint_name
from . import mails
from .groups import alias_map, canonical, group_keys
from .models import ACTIVE, Application, GroupAlias
from .services import reallocate_and_notify

KEY_LIMIT = 120  # GroupAlias.alias_key, canonical_key
ALIAS_UNIQUE = "uq_group_aliases_organizer_alias"


def _names_problems(alias_name: str, canonical_name: str) -> list[Problem]:
    problems = []
    for field, name in (("alias_name", alias_name), ("canonical_name", canonical_name)):
        key = normalise_name(name)
        if not key:
            problems.append(Problem(field, "group_name_required"))
        elif len(key) > KEY_LIMIT:
            problems.append(Problem(field, "too_long_normalised"))
    return problems


def mark_same_group(organizer_id: int, alias_name: str, canonical_name: str, *, actor, now: datetime) -> GroupAlias:
    """Record that `alias_name` is another name of the group `canonical_name` (V5, V7): from now on the
    organizer's meetings count one speaker per case and its observers for both names together."""
    alias_name, canonical_name = clean_text(alias_name), clean_text(canonical_name)
    problems = _names_problems(alias_name, canonical_name)
    if problems:
        raise RuleViolation(problems)
    lock_row("organizers", organizer_id)  # two markings at once: the second reads the first's map
    aliases = alias_map(organizer_id)
    alias_key = normalise_name(alias_name)
    root, old_root = canonical(aliases, normalise_name(canonical_name)), canonical(aliases, alias_key)
    if root == old_root:
        raise RuleViolation.one("alias_name", "already_one_group")
    # Keep the map flat: the alias's group (its own key and its aliases) now points at the new root.
    moved = db.session.scalars(select(GroupAlias).where(
        GroupAlias.organizer_id == organizer_id,
        GroupAlias.canonical_key == old_root)).all()
    # When the typed name was itself an alias, the row added is for its group's root, under that name.
    root_name = next((r.canonical_name for r in moved), alias_name) if old_root != alias_key else alias_name
    for row in moved:
        row.canonical_key, row.canonical_name = root, canonical_name
    alias = GroupAlias(organizer_id=organizer_id, alias_name=root_name, alias_key=old_root,
                       canonical_name=canonical_name, canonical_key=root, created_at=now,
                       actor_id=getattr(actor, "id", None))
    db.session.add(alias)
    _flush_alias()
    audit.record(actor, "group.aliased", alias, {"alias": alias_name, "canonical": canonical_name,
                                                 "also_moved": len(moved)}, now=now, organizer_id=organizer_id)
    reallocate_groups(organizer_id, group_keys(organizer_id, root), now=now)
    return alias


def _flush_alias():
    # Under the organizer's lock the map cannot change meanwhile; should a name still be taken (a
    # change made without the lock), the person is told, not shown a server error.
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        if constraint_name(error) == ALIAS_UNIQUE:
            raise RuleViolation.one("alias_name", "group_alias_changed") from error
        raise


def unmark_same_group(alias: GroupAlias, *, actor, now: datetime):
    """Undo one alias: its name counts as a group of its own again, and the allocation runs again."""
    lock_row("organizers", alias.organizer_id)
    details = {"alias": alias.alias_name, "canonical": alias.canonical_name}
    audit.record(actor, "group.alias_removed", alias, details, now=now, organizer_id=alias.organizer_id)
    organizer_id, keys = alias.organizer_id, [alias.alias_key, alias.canonical_key]
    db.session.delete(alias)
    db.session.flush()
    reallocate_groups(organizer_id, keys, now=now)


def reallocate_groups(organizer_id: int, keys: list[str], *, now: datetime):
    """Run the allocation again, under each meeting's lock, at the organizer's meetings not yet over
    where an active application names one of these groups; whoever gains or loses a place is told."""
    meeting_ids = db.session.scalars(
        select(Application.meeting_id).join(Meeting, Meeting.id == Application.meeting_id)
        .where(Meeting.organizer_id == organizer_id, Meeting.ends_at > now, Application.status == ACTIVE,
               Application.org_key.in_(keys)).distinct().order_by(Application.meeting_id)).all()
    for meeting_id in meeting_ids:  # in id order, so that two such changes cannot deadlock
        reallocate_and_notify(lock_meeting(meeting_id), now=now, cause=mails.GROUPS)
