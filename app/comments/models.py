"""Written opinions, the comment log, responses, discussion items and minutes (P2, P4–P6, P8, V14)."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, one_of, utcnow
from ..extensions import db
from ..meetings.models import Meeting, ReviewCase
from ..plans.models import Plan
from ..rules.comments import CHANNELS, DECISIONS, DEFAULT_RESPONSE_DAYS, DRAFT, ORAL_FORMS, RESPONSE_STATUSES, SOURCES


class Submission(db.Model):
    """A written opinion as it arrived (online, paper, fax, e-mail, handed in): who sent it and its text (P4)."""

    __tablename__ = "comment_submissions"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    receipt: Mapped[str] = mapped_column(String(20), unique=True)
    nonce: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(80), default="")
    organisation: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    text: Mapped[str] = mapped_column(Text)
    confidential: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(String(12), default="zh_Hant_TW")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    plan: Mapped[Plan] = relationship()
    files: Mapped[list["SubmissionFile"]] = relationship(cascade="all, delete-orphan", order_by="SubmissionFile.id")
    comments: Mapped[list["Comment"]] = relationship(back_populates="submission", order_by="Comment.position")
    __table_args__ = (CheckConstraint(one_of("channel", CHANNELS), name="channel_known"),)


class SubmissionFile(db.Model):
    """An attachment of a written opinion, or the scan of one that came on paper or by fax."""

    __tablename__ = "comment_submission_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("comment_submissions.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80))
    original_filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    is_scan: Mapped[bool] = mapped_column(default=False)


class Comment(db.Model):
    """One comment to be answered, whatever its source; a split submission keeps a link to it."""

    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id", ondelete="SET NULL"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("comment_submissions.id", ondelete="CASCADE"),
                                                      index=True)
    source: Mapped[str] = mapped_column(String(12))
    oral_form: Mapped[str | None] = mapped_column(String(20))
    speech_id: Mapped[int | None]  # the day-of speech log's record, where the comment came from one
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(80), default="")
    organisation: Mapped[str] = mapped_column(String(120), default="")
    confidential: Mapped[bool] = mapped_column(default=False)
    topic: Mapped[str] = mapped_column(String(80), default="")
    text: Mapped[str] = mapped_column(Text)
    redacted_text: Mapped[str | None] = mapped_column(Text)  # what the public reads when staff redacted
    search_text: Mapped[str] = mapped_column(Text, default="")  # folded public text and name (search)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submission: Mapped[Submission | None] = relationship(back_populates="comments")
    meeting: Mapped[Meeting | None] = relationship()
    case: Mapped[ReviewCase | None] = relationship()
    plan: Mapped[Plan] = relationship()
    response: Mapped["Response | None"] = relationship(back_populates="comment", uselist=False,
                                                       cascade="all, delete-orphan")
    __table_args__ = (
        CheckConstraint(one_of("source", SOURCES), name="source_known"),
        CheckConstraint(f"oral_form IS NULL OR {one_of('oral_form', ORAL_FORMS)}", name="oral_form_known_v14"),
        Index("ix_comments_plan_received", "plan_id", "received_at"),
    )

    @property
    def public_text(self) -> str:
        """The text the public reads: the redacted version where staff redacted personal data."""
        return self.redacted_text if self.redacted_text is not None else self.text

    @property
    def label(self) -> str:
        """A short reference used in lists and refusals: #id and the opening words."""
        opening = self.text.strip().replace("\n", " ")
        return f"#{self.id} {opening[:20]}{'…' if len(opening) > 20 else ''}"


class Response(db.Model):
    """The answer to one comment: decision, reasoning, plan section; drafted, approved, published (P2, P5)."""

    __tablename__ = "comment_responses"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), unique=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    reasoning: Mapped[str] = mapped_column(Text)  # small rich text, sanitised with bleach on the way in
    plan_section: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    version: Mapped[int] = mapped_column(default=1)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("comment_response_templates.id", ondelete="SET NULL"))
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[Comment] = relationship(back_populates="response")
    drafted_by = relationship("User", foreign_keys=[drafted_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    __mapper_args__ = {"version_id_col": version}  # a stale edit raises StaleDataError, never overwrites
    __table_args__ = (
        CheckConstraint(one_of("decision", DECISIONS), name="decision_known"),
        CheckConstraint(one_of("status", RESPONSE_STATUSES), name="status_known"),
        CheckConstraint("status = 'draft' OR (approved_by_id IS NOT NULL AND approved_by_id <> drafted_by_id)",
                        name="approved_by_another_p2"),
        Index("ix_comment_responses_status", "organizer_id", "status"),
    )


class ResponseTemplate(db.Model):
    """A reusable answer for many near-identical opinions."""

    __tablename__ = "comment_response_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    decision: Mapped[str] = mapped_column(String(16))
    reasoning: Mapped[str] = mapped_column(Text)
    plan_section: Mapped[str] = mapped_column(String(200), default="")
    __table_args__ = (CheckConstraint(one_of("decision", DECISIONS), name="decision_known"),)


discussion_item_comments = Table(
    "discussion_item_comments", db.metadata,
    Column("item_id", ForeignKey("discussion_items.id", ondelete="CASCADE"), primary_key=True),
    Column("comment_id", ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
)


class DiscussionItem(db.Model):
    """Comments grouped for the deliberation committee, with its resolution (P5)."""

    __tablename__ = "discussion_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comments: Mapped[list[Comment]] = relationship(secondary=discussion_item_comments, order_by=Comment.id)


class CommentSettings(db.Model):
    """An organizer's response deadline: days after receipt for an approved response."""

    __tablename__ = "comment_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="CASCADE"), unique=True)
    response_days: Mapped[int] = mapped_column(default=DEFAULT_RESPONSE_DAYS)
    __table_args__ = (CheckConstraint("response_days BETWEEN 1 AND 365", name="response_days_range"),)


class CaseResolution(db.Model):
    """The committee's resolution (決議) on one case of a meeting, or on the meeting as a whole."""

    __tablename__ = "case_resolutions"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("meeting_id", "case_id", name="uq_case_resolutions_case"),)


class MinutesVersion(db.Model):
    """One published version of a meeting's minutes (P8): a correction adds a version, never rewrites one."""

    __tablename__ = "minutes_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"))
    number: Mapped[int]
    content: Mapped[dict] = mapped_column(JSON)  # the attendance, cases, items and resolutions as published
    note: Mapped[str] = mapped_column(Text, default="")  # what the correction changed, and why
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_copy_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id", ondelete="SET NULL"))
    __table_args__ = (UniqueConstraint("meeting_id", "number", name="uq_minutes_versions_number"),)
