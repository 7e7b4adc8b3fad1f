"""Rows of a directory import: what each would do, decided from plain facts (no database).

A row names an organisation and one of its contacts. It is rejected with a reason (a missing name,
a bad e-mail, an unknown county or kind); it repeats an earlier row of the file (merged into it);
or it creates, updates or leaves unchanged what the directory holds. Names are compared as the
registration rules compare them (names.normalise_name: widths, spaces, 台/臺).
"""
import re
from dataclasses import dataclass, field

from .names import email_is_sendable, normalise_email, normalise_name

CREATE, UPDATE, UNCHANGED, MERGE, REJECT = "create", "update", "unchanged", "merge", "reject"
COLUMNS = ("name", "kind", "standing", "contact", "role", "email", "phone", "counties", "kinds", "plans", "topics")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LIST = re.compile(r"[;,、，；\s]+")


@dataclass
class ImportRow:
    """One row as read, what it would do, and why."""
    number: int
    values: dict
    action: str = CREATE
    reasons: list = field(default_factory=list)
    name_key: str = ""
    email_key: str = ""


def split_list(text: str) -> list[str]:
    """A cell holding several values (comma, 、, semicolon or space separated), without empty ones."""
    return [part for part in _LIST.split(text or "") if part]


def check_row(number: int, values: dict, *, counties: set, org_kinds: set, meeting_kinds: set) -> ImportRow:
    """The row with its problems found; `action` is REJECT when any was."""
    values = {column: str(values.get(column) or "").strip() for column in COLUMNS}
    row = ImportRow(number, values, name_key=normalise_name(values["name"]),
                    email_key=normalise_email(values["email"]))
    if not row.name_key:
        row.reasons.append(("name_missing", ""))
    email = values["email"]
    if email and not (_EMAIL.match(email) and email_is_sendable(email)):
        row.reasons.append(("email_invalid", email))
    if values["kind"] and values["kind"] not in org_kinds:
        row.reasons.append(("kind_unknown", values["kind"]))
    row.reasons += [("county_unknown", c) for c in split_list(values["counties"]) if c not in counties]
    row.reasons += [("meeting_kind_unknown", k) for k in split_list(values["kinds"]) if k not in meeting_kinds]
    row.reasons += [("plan_unknown", p) for p in split_list(values["plans"]) if not p.isdigit()]
    if row.reasons:
        row.action = REJECT
    return row


def mark_repeats(rows: list[ImportRow]) -> None:
    """A row naming the same organisation and contact as an earlier accepted row is merged into it."""
    seen = {}
    for row in rows:
        if row.action == REJECT:
            continue
        key = (row.name_key, row.email_key)
        if key in seen:
            row.action, row.reasons = MERGE, [("same_as_row", str(seen[key]))]
        else:
            seen[key] = row.number
