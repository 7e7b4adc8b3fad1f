"""Pure domain rules: no Flask, no SQLAlchemy, no I/O, no clock.

Every function takes what it needs (counts, settings, `now`) as arguments and returns plain
values or `Problem`s; services turn problems into user-facing messages.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """A rule said no: which form field, a stable code, and values for the message."""

    field: str
    code: str
    params: dict = field(default_factory=dict)


def web_link_problems(field_name: str, url: str) -> list[Problem]:
    """A link the public will follow must be a web address (not javascript:, data: …); empty is fine."""
    if url and not url.strip().lower().startswith(("https://", "http://")):
        return [Problem(field_name, "link_not_http")]
    return []
