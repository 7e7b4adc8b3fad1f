"""Documents and links attached to a meeting or a plan, minutes included (P8)."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime, one_of, utcnow
from ..extensions import db

AGENDA, BRIEFING, DRAFT_PLAN, MINUTES, OTHER = "agenda", "briefing", "draft_plan", "minutes", "other"
MATERIAL_CATEGORIES = (AGENDA, BRIEFING, DRAFT_PLAN, MINUTES, OTHER)


class Material(db.Model):
    """An uploaded file or an outside link, belonging to exactly one meeting or plan."""

    __tablename__ = "materials"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(16), default=OTHER)
    title: Mapped[str] = mapped_column(String(200))
    link_url: Mapped[str | None] = mapped_column(String(500))
    stored_name: Mapped[str | None] = mapped_column(String(80))
    original_filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        CheckConstraint("(meeting_id IS NULL) <> (plan_id IS NULL)", name="one_owner"),
        CheckConstraint("(link_url IS NULL) <> (stored_name IS NULL)", name="file_or_link"),
        CheckConstraint(one_of("category", MATERIAL_CATEGORIES), name="category_known"),
    )

    @property
    def is_link(self) -> bool:
        """Whether this material is an outside link rather than a stored file."""
        return self.link_url is not None
