"""Admins manage staff accounts: roles, disabling and enabling. Nobody changes their own account
this way, and the last active admin stays one."""
from datetime import datetime

from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..violations import RuleViolation
from .invitations import withdraw_sent_by
from .models import ROLES, User
from .sessions import end_sessions


class NotOwnAccount(Exception):
    """An account cannot change its own role or disable itself (the view answers 403)."""


def _check_not_self(target: User, actor: User):
    if target.id == actor.id:
        raise NotOwnAccount()


def _lock_admins():
    # Two admins demoting each other at once must not leave none: PostgreSQL locks the admin rows,
    # SQLite takes its single write lock before counting (as app/locking.py does for meetings).
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        db.session.execute(select(User.id).where(User.role == "admin").with_for_update())


def _other_active_admins(target: User) -> int:
    _lock_admins()
    return db.session.scalar(select(func.count(User.id)).where(User.role == "admin", User.active.is_(True),
                                                               User.id != target.id))


def change_role(target: User, *, role: str, organizer, actor: User, now: datetime) -> User:
    """Give the account another role (and organizer; admins have none). Audited."""
    _check_not_self(target, actor)
    if role not in ROLES:
        raise RuleViolation.one("role", "role_unknown")
    if role != "admin" and organizer is None:
        raise RuleViolation.one("organizer_id", "organizer_required")
    if target.is_admin and role != "admin" and target.active and not _other_active_admins(target):
        raise RuleViolation.one("role", "last_admin")
    before = {"role": target.role, "organizer": target.organizer_id}
    target.role, target.organizer = role, (organizer if role != "admin" else None)
    db.session.flush()
    after = {"role": target.role, "organizer": target.organizer_id}
    if before["role"] == "admin" and role != "admin":
        withdraw_sent_by(target, actor=actor, now=now)
    if before != after:
        audit.record(actor, "account.role_changed", target, {"before": before, "after": after}, now=now)
    return target


def disable(target: User, *, actor: User, now: datetime) -> User:
    """Disable the account: it cannot sign in, and its sessions end at once. Audited."""
    _check_not_self(target, actor)
    if target.is_admin and target.active and not _other_active_admins(target):
        raise RuleViolation.one("role", "last_admin")
    if target.active:
        target.active = False
        audit.record(actor, "account.disabled", target, {"email": target.email}, now=now)
    end_sessions(target, reason="account_disabled", actor=actor, now=now)
    withdraw_sent_by(target, actor=actor, now=now)
    return target


def enable(target: User, *, actor: User, now: datetime) -> User:
    """Let a disabled account sign in again. Audited."""
    _check_not_self(target, actor)
    if not target.active:
        target.active = True
        audit.record(actor, "account.enabled", target, {"email": target.email}, now=now)
    return target
