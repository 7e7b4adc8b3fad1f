"""Staff accounts with a role scoped to one organizer (admins: all organizers)."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
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
