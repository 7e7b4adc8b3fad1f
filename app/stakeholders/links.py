"""Signed links of subscriptions and notices, so that nobody needs an account: confirm a subscription
(its choices travel in the link, so nothing is stored before the address is confirmed), change
preferences, unsubscribe in one click, and an organisation's record of the notices it was sent."""
from functools import cache

from flask import current_app
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from ..outbox import bulk
from ..rules.names import normalise_email
from ..urls import external_url

CONFIRM, PREFERENCES, UNSUBSCRIBE, RECORD = (
    "subscription-confirm", "subscription-preferences", "list-unsubscribe", "organisation-notices")
CONFIRM_MAX_AGE = 7 * 24 * 3600


class LinkInvalid(Exception):
    """The link was not issued by this portal, was altered, or is too old."""


def _timed(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _lasting(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def confirm_token(choices: dict) -> str:
    """A week-long link carrying the address and the choices to confirm."""
    return _timed(CONFIRM).dumps(choices)


def read_confirm_token(token: str) -> dict:
    """The choices a confirmation link carries; LinkInvalid if forged, altered or older than a week."""
    try:
        return _timed(CONFIRM).loads(token, max_age=CONFIRM_MAX_AGE)
    except (SignatureExpired, BadSignature) as error:
        raise LinkInvalid() from error


def address_token(address: str, purpose: str = UNSUBSCRIBE) -> str:
    """A lasting link for an address (unsubscribe, preferences): it names the address's identity only."""
    return _lasting(purpose).dumps(normalise_email(address))


def read_address_token(token: str, purpose: str = UNSUBSCRIBE) -> str:
    """The address identity (email_key) a lasting link names; LinkInvalid otherwise."""
    try:
        return _lasting(purpose).loads(token)
    except BadSignature as error:
        raise LinkInvalid() from error


def record_token(organisation) -> str:
    """The organisation's private link to every notice sent to it (a new nonce revokes it)."""
    return _lasting(RECORD).dumps([organisation.id, organisation.nonce])


def read_record_token(token: str) -> tuple[int, str]:
    """(organisation id, nonce) of a record link; LinkInvalid otherwise."""
    try:
        organisation_id, nonce = _lasting(RECORD).loads(token)
        return int(organisation_id), str(nonce)
    except (BadSignature, ValueError, TypeError) as error:
        raise LinkInvalid() from error


def bulk_footer(address: str, audience: str = "") -> tuple[str, dict]:
    """The footer and RFC 8058 headers of a bulk message to `address` (registered with the outbox). Only a
    subscriber has choices to change; a directory contact or a standing invitee may still stop every notice."""
    token = address_token(address)
    unsubscribe = external_url("subscriptions.unsubscribe", token=token)
    urls = [unsubscribe]
    if audience == "subscriber":
        urls.append(external_url("subscriptions.preferences", token=address_token(address, PREFERENCES)))
    lines = [line % {"url": url} for pair in _footer_lines() for line, url in zip(pair, urls, strict=False)]
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return "-- \n" + "\n".join(lines), headers


@cache
def _footer_lines() -> tuple:
    """The footer's two lines in each language, translated once (a notice may have 10,000 footers)."""
    found = []
    for code in ("zh_Hant_TW", "en"):
        with force_locale(code):  # without variables gettext gives the translated template, filled in above
            found.append((gettext("Stop these notices in one click: %(url)s"),
                          gettext("Change what you follow: %(url)s")))
    return tuple(found)


bulk.register_personaliser(bulk_footer)
