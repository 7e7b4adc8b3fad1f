"""Bulk mail (notices): the per-recipient footer and List-Unsubscribe headers, and the suppression list.

The outbox sits below the packages that write notices, so it never imports them: the stakeholders
package registers (`register_personaliser`) a function that gives, for one address, the text to
append to the body and the headers to add (RFC 8058 one-click unsubscribe). A bulk row whose
address is on the suppression list is marked SUPPRESSED instead of being sent.
"""
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, select

from ..extensions import db
from ..rules.names import normalise_email
from .models import BOUNCED, SuppressedAddress

_personaliser: list[Callable[[str], tuple[str, dict]]] = []


class NoPersonaliser(ValueError):
    """A bulk message cannot go out without its unsubscribe link and headers."""


def register_personaliser(personaliser: Callable[[str, str], tuple[str, dict]]) -> None:
    """Let the worker ask `personaliser(address, audience)` for a bulk message's footer and headers."""
    _personaliser[:] = [personaliser]


def personalise(address: str, audience: str = "") -> tuple[str, dict]:
    """The footer and headers of a bulk message to `address`, sent to it as one of `audience`
    (OutboxMessage.audience: a subscriber, a directory contact, a standing invitee)."""
    if not _personaliser:
        raise NoPersonaliser("no personaliser registered for bulk mail")
    return _personaliser[0](address, audience)


def suppressed_among(addresses) -> set[str]:
    """The identities (email_key) of those addresses that are suppressed, in one query."""
    keys = {normalise_email(address) for address in addresses}
    if not keys:
        return set()
    return set(db.session.scalars(select(SuppressedAddress.email_key).where(SuppressedAddress.email_key.in_(keys))))


def suppress(address: str, reason: str, *, now: datetime, reply: str = "") -> None:
    """Put the address on the suppression list (kept, with the newest reason, if already there)."""
    key = normalise_email(address)
    row = db.session.scalar(select(SuppressedAddress).where(SuppressedAddress.email_key == key))
    if row is None:
        db.session.add(SuppressedAddress(email_key=key, reason=reason, reply=reply[:2000], at=now))
    elif row.reason != BOUNCED or reason == BOUNCED:
        row.reason, row.reply, row.at = reason, reply[:2000], now
    db.session.flush()


def lift(address: str) -> bool:
    """Take the address off the suppression list, since its owner confirmed it again; True if it was on."""
    key = normalise_email(address)
    return bool(db.session.execute(delete(SuppressedAddress).where(SuppressedAddress.email_key == key)).rowcount)
