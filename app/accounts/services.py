"""Workflows for staff accounts: create, authenticate, change the password."""
from datetime import datetime

from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..rules import Problem
from ..violations import RuleViolation
from .models import ROLES, User
from .passwords import hash_password, verify_password

MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """A staff account could not be created as asked."""


def create_staff(*, email: str, name: str, role: str, organizer, password: str, actor=None,
                 now: datetime) -> User:
    """Create a staff account with an argon2id-hashed password."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if role != "admin" and organizer is None:
        raise AccountError("secretariat and planner accounts belong to an organizer")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError(f"an account for {email} exists already")
    user = User(email=email, name=name.strip(), role=role, organizer=organizer if role != "admin" else None,
                password_hash=hash_password(password), created_at=now)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "staff.created", user, {"email": email, "role": role}, now=now,
                 organizer_id=user.organizer_id)
    return user


def authenticate(email: str, password: str, *, now: datetime) -> User | None:
    """The active account for these credentials, or None; records the sign-in."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        return None
    user.last_login_at = now
    audit.record(user, "staff.signed_in", user, {}, now=now, organizer_id=user.organizer_id)
    return user


def change_password(user: User, *, current: str, new: str, now: datetime) -> User:
    """Replace the user's password after checking the current one; the change is audited."""
    if not verify_password(user.password_hash, current):
        raise RuleViolation([Problem("current_password", "password_wrong")])
    if len(new) < MIN_PASSWORD_LENGTH:
        raise RuleViolation([Problem("new_password", "password_too_short", {"minimum": MIN_PASSWORD_LENGTH})])
    if new == current:
        raise RuleViolation([Problem("new_password", "password_unchanged")])
    user.password_hash = hash_password(new)
    audit.record(user, "staff.password_changed", user, {}, now=now, organizer_id=user.organizer_id)
    return user
