"""Column types and CHECK-constraint helpers shared by the models."""
from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every engine (SQLite keeps no offsets)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    """The current moment, aware, in UTC (the only clock read outside the views)."""
    return datetime.now(timezone.utc)


def one_of(column: str, values) -> str:
    """A CHECK's SQL that `column` holds one of the named `values`: "kind IN ('speak', 'observe')"."""
    if any("'" in value for value in values):
        raise ValueError("a named value never contains a quote")
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


def between(column: str, bounds: tuple[int, int]) -> str:
    """A CHECK's SQL that `column` lies within the rule's (low, high) bounds: "speaker_cap BETWEEN 1 AND 10"."""
    low, high = bounds
    return f"{column} BETWEEN {int(low)} AND {int(high)}"
