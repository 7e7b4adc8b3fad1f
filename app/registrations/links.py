"""The applicant's private links, signed so that no account is needed: confirm the e-mail address,
and manage (see, cancel) the application. Each carries the application's nonce, so staff can
revoke a leaked link by issuing a new nonce."""
import io
import secrets

import segno
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM, MANAGE = "registration-confirm", "registration-manage"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a week; the registration deadline usually comes first
CHECK_IN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no O/0, I/1/L, S/5, Z/2, B/8 look-alikes
CHECK_IN_LENGTH = 8


class LinkExpired(Exception):
    """The link was genuine but is too old."""


class LinkInvalid(Exception):
    """The link was not issued by this portal, or was altered."""


def new_nonce() -> str:
    """A random value tying links to one application."""
    return secrets.token_urlsafe(12)


def new_check_in_code() -> str:
    """A short code for the sign-in desk, easy to read aloud and to type."""
    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(CHECK_IN_LENGTH))


def check_in_qr_svg(code: str | None) -> str | None:
    """The check-in code as a QR code, an SVG data URI for an <img> (the CSP allows data: images)."""
    return segno.make(code, error="m").svg_data_uri(scale=6, border=2) if code else None


def check_in_qr_png(code: str) -> bytes:
    """The check-in code as a QR code PNG, attached to the e-mails that carry the code."""
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=8, border=4)  # the quiet zone scanners need
    return buffer.getvalue()


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def make_token(application, purpose: str) -> str:
    """A signed token naming the application and its nonce."""
    return _serializer(purpose).dumps([application.id, application.nonce])


def read_token(token: str, purpose: str) -> tuple[int, str]:
    """(application id, nonce) from a token, or LinkExpired / LinkInvalid."""
    max_age = CONFIRM_MAX_AGE if purpose == CONFIRM else None
    try:
        value = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkExpired() from error
    except BadSignature as error:
        raise LinkInvalid() from error
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)
            and isinstance(value[1], str)):
        raise LinkInvalid()
    return value[0], value[1]
