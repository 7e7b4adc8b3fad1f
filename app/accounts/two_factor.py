"""Two-factor sign-in (TOTP): staff may turn it on, admins must; an admin may reset another's."""
from datetime import datetime

from sqlalchemy import or_, update

from .. import audit
from ..extensions import db
from ..violations import RuleViolation
from . import totp
from .models import User


def begin_setup(user: User, *, now: datetime) -> str:
    """Give the user a new secret to scan; it counts only once a code from it is confirmed."""
    user.totp_pending_secret = totp.new_secret()
    return user.totp_pending_secret


def confirm_setup(user: User, code: str, *, now: datetime) -> User:
    """Turn two-factor sign-in on when `code` comes from the pending secret. Audited."""
    secret = user.totp_pending_secret
    step = totp.matching_step(secret, code, now=now, after=None) if secret else None
    if step is None:
        raise RuleViolation.one("code", "totp_code_wrong")
    user.totp_secret, user.totp_pending_secret, user.totp_last_step = secret, None, step
    audit.record(user, "totp.enabled", user, {}, now=now, organizer_id=user.organizer_id)
    return user


def turn_off(user: User, code: str, *, now: datetime) -> User:
    """Turn two-factor sign-in off after a current code; admins must keep it. Audited."""
    if user.is_admin:
        raise RuleViolation.one("two_factor", "totp_required_for_admins")  # no field: a flash
    if not accept_code(user, code, now=now):
        raise RuleViolation.one("code", "totp_code_wrong")
    user.totp_secret, user.totp_last_step = None, None
    audit.record(user, "totp.disabled", user, {}, now=now, organizer_id=user.organizer_id)
    return user


def accept_code(user: User, code: str, *, now: datetime) -> bool:
    """Whether `code` is the user's current code, not used before; using it makes it spent.

    The conditional UPDATE lets only one of two requests racing with the same code through.
    """
    if not user.totp_secret:
        return False
    step = totp.matching_step(user.totp_secret, code, now=now, after=user.totp_last_step)
    if step is None:
        return False
    spent = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step), execution_options={"synchronize_session": False}).rowcount
    if spent:
        user.totp_last_step = step
    return bool(spent)


def reset(target: User, *, actor: User, now: datetime) -> User:
    """An admin clears another account's two-factor secret (lost phone); an admin so reset must set it
    up again at the next sign-in. Audited."""
    target.totp_secret, target.totp_pending_secret, target.totp_last_step = None, None, None
    audit.record(actor, "totp.reset", target, {"email": target.email}, now=now)
    return target
