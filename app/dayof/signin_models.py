"""The sign-in desk's records (V2): who signed in, when, with which badge, and whether it was undone."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, utcnow
from ..extensions import db
from ..registrations.models import Application
from ..rules.signin import BADGE_MAX

# The unique indexes whose breach the desk recognises by name (violations.constraint_name).
ONE_SIGN_IN_INDEX = "uq_dayof_sign_ins_live_application"
BADGE_INDEX = "uq_dayof_sign_ins_live_badge"
_LIVE = text("undone_at IS NULL")
_LIVE_BADGE = text("undone_at IS NULL AND badge <> ''")


class SignIn(db.Model):
    """One person signed in at the desk and handed a badge (V2). Undoing keeps the row (undone_at):
    the desk's record, like the audit log, shows what happened."""

    __tablename__ = "dayof_sign_ins"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    badge: Mapped[str] = mapped_column(String(BADGE_MAX), default="")
    signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship()

    __table_args__ = (
        # One live sign-in per application: a double-submitted form cannot sign a person in twice.
        Index(ONE_SIGN_IN_INDEX, "application_id", unique=True, postgresql_where=_LIVE, sqlite_where=_LIVE),
        # A badge number is handed to one person at a time.
        Index(BADGE_INDEX, "meeting_id", "badge", unique=True, postgresql_where=_LIVE_BADGE,
              sqlite_where=_LIVE_BADGE),
    )

    @property
    def is_live(self) -> bool:
        """Whether the sign-in stands (was not undone)."""
        return self.undone_at is None
