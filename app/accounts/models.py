"""Staff accounts with a role scoped to one organizer (admins: all organizers), their sign-in
sessions (one row per sign-in, so that any one can be ended) and their invitations."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, utcnow
from ..extensions import db
from ..plans.models import Organizer

ROLES = ("admin", "secretariat", "planner")


class User(UserMixin, db.Model):
    """A staff member who signs in to publish and manage meetings."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organizers.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor sign-in (TOTP): the confirmed secret, one being set up, and the last time step
    # accepted, so that a code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(32))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(32))
    totp_last_step: Mapped[int | None]
    organizer: Mapped[Organizer | None] = relationship()
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'secretariat', 'planner')", name="role_known"),
        CheckConstraint("role = 'admin' OR organizer_id IS NOT NULL", name="staff_have_organizer"),
    )

    @property
    def is_active(self) -> bool:
        """Flask-Login: deactivated accounts cannot sign in."""
        return self.active

    @property
    def is_admin(self) -> bool:
        """Whether this account may act for every organizer."""
        return self.role == "admin"

    @property
    def has_two_factor(self) -> bool:
        """Whether signing in asks for a code from an authenticator app."""
        return bool(self.totp_secret)


class StaffSession(db.Model):
    """One sign-in: the signed session cookie carries a random key whose hash is stored here, and a
    request is signed in only while its row is not ended (sign-out, password change, disabling)."""

    __tablename__ = "staff_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(120), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    # Between the password and the two-factor code: signs nobody in, only lets the code step go on.
    pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    user: Mapped[User] = relationship()
    __table_args__ = (Index("ix_staff_sessions_user_ended", "user_id", "ended_at"),)

    @property
    def is_live(self) -> bool:
        """Whether this sign-in still counts."""
        return self.ended_at is None


class StaffInvitation(db.Model):
    """An admin's invitation: the e-mailed one-time link (only its hash is kept) sets the password
    and creates the account with the role chosen here."""

    __tablename__ = "staff_invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organizers.id"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organizer: Mapped[Organizer | None] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'secretariat', 'planner')", name="role_known"),
        CheckConstraint("role = 'admin' OR organizer_id IS NOT NULL", name="staff_have_organizer"),
    )

    def is_open(self, now: datetime) -> bool:
        """Whether the link may still be used."""
        return self.used_at is None and self.withdrawn_at is None and now < self.expires_at
