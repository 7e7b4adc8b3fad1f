"""Time-based one-time codes (RFC 6238, as authenticator apps make them): six digits every 30 s."""
from datetime import datetime

import pyotp
import segno

ISSUER = "Land-use Planning Participation Portal"
DRIFT_STEPS = 1  # a code of the step before or after is accepted too (clocks drift, typing takes time)


def new_secret() -> str:
    """A fresh random base32 secret (160 bits)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The address as a QR code, an SVG data URI for an <img> (the CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def normalised(code: str | None) -> str:
    """The code as typed, without spaces or dashes."""
    return "".join(ch for ch in (code or "") if ch not in " -\u3000")


def matching_step(secret: str, code: str, *, now: datetime, after: int | None) -> int | None:
    """The time step (now ±1) whose code this is, if it is later than step `after`; else None.

    Refusing a step not later than the last accepted one refuses a code used twice (and any older code).
    """
    code = normalised(code)
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if (after is None or step > after) and pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def code_at(secret: str, moment: datetime) -> str:
    """The code an authenticator app shows at `moment` (for tests and the demo)."""
    return pyotp.TOTP(secret).at(moment)
