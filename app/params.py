"""Whole numbers from URLs and query strings, kept within what the database can hold."""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # ids are PostgreSQL integers
MAX_PAGE = 100_000


class IdConverter(IntegerConverter):
    """`<int:…>` in routes, capped at the largest id a row can have: beyond it is a 404, not a database error.

    Registered as `int` (setup.register_blueprints) because it is needed on every route: PostgreSQL
    refuses `2**31` for an integer column, a 500 otherwise, and a separate name could be forgotten
    by a route added later (docs/decisions.md).
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def whole_number(raw: str | None, *, limit: int = MAX_ID) -> int | None:
    """A whole number of at least 1 from a query string, or None if it is missing, malformed or above `limit`."""
    if raw and raw.isascii() and raw.isdigit() and 1 <= int(raw) <= limit:
        return int(raw)
    return None


def page_number(args) -> int:
    """The `page` query parameter, 1 when it is missing or unusable."""
    return whole_number(args.get("page"), limit=MAX_PAGE) or 1
