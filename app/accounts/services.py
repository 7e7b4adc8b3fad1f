"""Workflows for staff accounts: create, check a sign-in, change the password."""
from datetime import datetime

from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..rules import Problem
from ..violations import RuleViolation
from .models import ROLES, StaffSession, User
from .passwords import hash_password, verify_password
from .sessions import end_sessions

MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """A staff account could not be created as asked."""


def find_by_email(email: str) -> User | None:
    """The account with this e-mail address (any case), or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


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
    if find_by_email(email):
        raise AccountError(f"an account for {email} exists already")
    user = User(email=email, name=name.strip(), role=role, organizer=organizer if role != "admin" else None,
                password_hash=hash_password(password), created_at=now)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "staff.created", user, {"email": email, "role": role}, now=now,
                 organizer_id=user.organizer_id)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active account for these credentials, or None. Nothing is recorded: with two-factor
    sign-in the password is only the first step (see record_sign_in)."""
    user = find_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        return None
    return user


def record_sign_in(user: User, *, now: datetime) -> User:
    """Note a completed sign-in on the account and in the audit log."""
    user.last_login_at = now
    audit.record(user, "staff.signed_in", user, {}, now=now, organizer_id=user.organizer_id)
    return user


def new_password_problems(new: str, field: str = "new_password") -> list[Problem]:
    """What is wrong with a new password (too short), as problems for the field."""
    if len(new) < MIN_PASSWORD_LENGTH:
        return [Problem(field, "password_too_short", {"minimum": MIN_PASSWORD_LENGTH})]
    return []


def change_password(user: User, *, current: str, new: str, now: datetime,
                    keep: StaffSession | None = None) -> User:
    """Replace the user's password after checking the current one; every other session of the user
    ends (a stolen cookie stops working), `keep` (the one changing it) goes on. Audited."""
    if not verify_password(user.password_hash, current):
        raise RuleViolation([Problem("current_password", "password_wrong")])
    if problems := new_password_problems(new):
        raise RuleViolation(problems)
    if new == current:
        raise RuleViolation([Problem("new_password", "password_unchanged")])
    user.password_hash = hash_password(new)
    audit.record(user, "staff.password_changed", user, {}, now=now, organizer_id=user.organizer_id)
    end_sessions(user, reason="password_changed", actor=user, now=now, keep=keep)
    return user
