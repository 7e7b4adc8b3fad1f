"""One group under two names (V5, V7): which group keys staff marked as naming the same group.

The map is kept flat — every alias points at a key that is no alias — so one lookup resolves a key
(group_names.mark_same_group keeps it so).
"""
from sqlalchemy import or_, select

from ..extensions import db
from .models import GroupAlias


def alias_map(organizer_id: int) -> dict[str, str]:
    """The organizer's aliases: {alias key: canonical key} (empty when staff marked none)."""
    rows = db.session.execute(select(GroupAlias.alias_key, GroupAlias.canonical_key)
                              .where(GroupAlias.organizer_id == organizer_id))
    return {alias: root for alias, root in rows}


def canonical(aliases: dict[str, str], key: str) -> str:
    """The key a group key compares as (itself unless staff marked it as another group's name)."""
    return aliases.get(key, key)


def group_keys(organizer_id: int, key: str) -> list[str]:
    """Every key that names the same group as `key` at the organizer's meetings (the key included),
    in one query: the key's own alias row, and every alias of its canonical key."""
    if not key:
        return []
    root_of_key = (select(GroupAlias.canonical_key)
                   .where(GroupAlias.organizer_id == organizer_id, GroupAlias.alias_key == key).scalar_subquery())
    rows = db.session.execute(select(GroupAlias.alias_key, GroupAlias.canonical_key).where(
        GroupAlias.organizer_id == organizer_id,
        or_(GroupAlias.alias_key == key, GroupAlias.canonical_key == key, GroupAlias.canonical_key == root_of_key)))
    return sorted({key, *(name for row in rows for name in row)})


def aliases_of(organizer_id: int) -> list[GroupAlias]:
    """The organizer's aliases, grouped by the name they stand for, for the staff page."""
    return list(db.session.scalars(select(GroupAlias).where(GroupAlias.organizer_id == organizer_id)
                                   .order_by(GroupAlias.canonical_key, GroupAlias.alias_key)))
