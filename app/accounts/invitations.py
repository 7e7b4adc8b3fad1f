"""Admins invite staff by e-mail: a one-time, expiring link (signed; only its hash is stored) lets the
invitee set a password, which creates the account with the role the admin chose."""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from .. import audit
from ..extensions import db
from ..outbox.services import enqueue_mail
from ..rules import Problem
from ..urls import external_url
from ..violations import RuleViolation
from .models import ROLES, StaffInvitation, User
from .passwords import hash_password
from .services import find_by_email, new_password_problems

INVITATION_VALID = timedelta(days=3)
MAIL_LOCALE = "zh_Hant_TW"  # staff read the portal's first language; the page itself offers English


class InvitationUnusable(Exception):
    """The link is not one we issued, was altered, has expired, or was used or withdrawn already."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="staff-invitation")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def invite_staff(*, email: str, name: str, role: str, organizer, actor: User, now: datetime) -> StaffInvitation:
    """Invite someone to a staff account and queue the e-mail with the link; earlier open invitations
    to the same address are withdrawn. Audited."""
    email = email.strip().lower()
    if find_by_email(email):
        raise RuleViolation.one("email", "account_exists")
    if role not in ROLES:
        raise RuleViolation.one("role", "role_unknown")
    if role != "admin" and organizer is None:
        raise RuleViolation.one("organizer_id", "organizer_required")
    db.session.execute(update(StaffInvitation).where(
        StaffInvitation.email == email, StaffInvitation.used_at.is_(None), StaffInvitation.withdrawn_at.is_(None))
        .values(withdrawn_at=now), execution_options={"synchronize_session": False})
    key = secrets.token_urlsafe(32)
    invitation = StaffInvitation(token_hash=_hash(key), email=email, name=name.strip(), role=role,
                                 organizer=organizer if role != "admin" else None, invited_by_id=actor.id,
                                 created_at=now, expires_at=now + INVITATION_VALID)
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, "account.invited", invitation, {"email": email, "role": role}, now=now)
    _send_invitation(invitation, _serializer().dumps(key), actor=actor, now=now)
    return invitation


def _send_invitation(invitation: StaffInvitation, token: str, *, actor: User, now: datetime):
    with force_locale(MAIL_LOCALE):
        body = render_template("email/staff_invitation.txt", invitation=invitation, inviter=actor,
                               url=external_url("accounts.accept_invitation", token=token),
                               valid_days=INVITATION_VALID.days)
        subject = gettext("Your staff account on the land-use planning participation portal")
    enqueue_mail(invitation.email, subject, body, topic="account.invitation", now=now)


def find_invitation(token: str, *, now: datetime) -> StaffInvitation:
    """The open invitation the link names, or InvitationUnusable."""
    try:
        key = _serializer().loads(token, max_age=int(INVITATION_VALID.total_seconds()))
    except SignatureExpired as error:
        raise InvitationUnusable(expired=True) from error
    except BadSignature as error:
        raise InvitationUnusable() from error
    invitation = db.session.scalar(select(StaffInvitation).where(StaffInvitation.token_hash == _hash(str(key))))
    if invitation is None or invitation.used_at or invitation.withdrawn_at:
        raise InvitationUnusable()
    inviter = db.session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
    if inviter is None or not inviter.active or not inviter.is_admin:  # an invitation outlives no admin
        raise InvitationUnusable()
    if now >= invitation.expires_at:
        raise InvitationUnusable(expired=True)
    return invitation


def accept_invitation(invitation: StaffInvitation, *, password: str, now: datetime) -> User:
    """Create the invited account with this password; the link is spent. Audited."""
    if problems := new_password_problems(password, "password"):
        raise RuleViolation(problems)
    spent = db.session.execute(
        update(StaffInvitation).where(StaffInvitation.id == invitation.id, StaffInvitation.used_at.is_(None))
        .values(used_at=now), execution_options={"synchronize_session": False}).rowcount
    if not spent:  # the same link, used twice at once
        raise InvitationUnusable()
    if find_by_email(invitation.email):
        raise RuleViolation([Problem("password", "account_exists")])
    user = User(email=invitation.email, name=invitation.name, role=invitation.role,
                organizer_id=invitation.organizer_id, password_hash=hash_password(password), created_at=now)
    db.session.add(user)
    db.session.flush()
    invitation.used_at, invitation.user_id = now, user.id
    audit.record(user, "account.invitation_accepted", user, {"invitation": invitation.id}, now=now)
    return user


def open_invitations(*, now: datetime) -> list[StaffInvitation]:
    """Invitations whose link may still be used, newest first."""
    return db.session.scalars(select(StaffInvitation).where(
        StaffInvitation.used_at.is_(None), StaffInvitation.withdrawn_at.is_(None), StaffInvitation.expires_at > now)
        .order_by(StaffInvitation.id.desc())).all()


def withdraw(invitation: StaffInvitation, *, actor: User, now: datetime):
    """Make an unused invitation's link stop working. Audited."""
    if invitation.used_at is None and invitation.withdrawn_at is None:
        invitation.withdrawn_at = now
        audit.record(actor, "account.invitation_withdrawn", invitation, {"email": invitation.email}, now=now)


def withdraw_sent_by(inviter: User, *, actor: User, now: datetime) -> int:
    """The inviter is no longer an active admin (disabled or demoted): their open invitations are
    withdrawn; return how many (audited once)."""
    withdrawn = db.session.execute(update(StaffInvitation).where(
        StaffInvitation.invited_by_id == inviter.id, StaffInvitation.used_at.is_(None),
        StaffInvitation.withdrawn_at.is_(None)).values(withdrawn_at=now),
        execution_options={"synchronize_session": False}).rowcount
    if withdrawn:
        audit.record(actor, "account.invitation_withdrawn", inviter, {"count": withdrawn, "sent_by": inviter.email},
                     now=now)
    return withdrawn
