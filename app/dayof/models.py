"""The meeting's course, its speaking turns, comment-time extensions and recording notices (V8, V10–V12, V14).

Every moment a countdown needs is stored here; nothing lives in a process's memory, so every
worker, a restarted server and every console compute the same remaining time (rules.speaking_time).
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, one_of, utcnow
from ..extensions import db
from ..meetings.models import Meeting
from ..registrations.models import Application
from ..rules.meeting_course import LIVE, NOT_STARTED, PHASES, TURN_STATES, WAITING
from ..rules.speaking_time import EXTENDED_MAX_MINUTES, MINUTES_PER_SPEAKER, WARNING_SECONDS

_LIVE = text(f"state IN ('{LIVE[0]}', '{LIVE[1]}')")
ONE_LIVE_TURN = "uq_speaking_turns_one_live"


class MeetingCourse(db.Model):
    """Where a meeting stands on the day: its phase, current case, settings and the state's version.

    `version` grows by one with every change; an action made against an older version is refused.
    """

    __tablename__ = "meeting_courses"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    phase: Mapped[str] = mapped_column(String(16), default=NOT_STARTED)
    case_index: Mapped[int | None]
    minutes_per_speaker: Mapped[int] = mapped_column(default=MINUTES_PER_SPEAKER)
    warning_seconds: Mapped[int] = mapped_column(default=WARNING_SECONDS)
    public_leaves: Mapped[bool] = mapped_column(default=True)  # V12 (on by default)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    __table_args__ = (CheckConstraint(one_of("phase", PHASES), name="phase_known"),)

    @property
    def organizer_id(self) -> int:
        """The organizer of the meeting (audit entries are scoped by it)."""
        return self.meeting.organizer_id


class SpeakingTurn(db.Model):
    """One speaker's turn on one case: queue position, state and the stored moments of the countdown."""

    __tablename__ = "speaking_turns"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    case_key: Mapped[int] = mapped_column(default=0)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(10), default=WAITING)
    allotted_seconds: Mapped[int] = mapped_column(default=MINUTES_PER_SPEAKER * 60)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    pauses: Mapped[int] = mapped_column(default=0)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overrun_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    written_version: Mapped[bool] = mapped_column(default=False)  # V14
    summary: Mapped[str] = mapped_column(Text, default="")  # V14: with the speaker's consent

    application: Mapped[Application] = relationship()
    __table_args__ = (
        CheckConstraint(one_of("state", TURN_STATES), name="state_known"),
        UniqueConstraint("meeting_id", "case_key", "application_id", name="uq_speaking_turns_case_speaker"),
        Index("ix_speaking_turns_meeting_case", "meeting_id", "case_key", "position"),
        # One speaker at the microphone per meeting, whatever two consoles try.
        Index(ONE_LIVE_TURN, "meeting_id", unique=True, postgresql_where=_LIVE, sqlite_where=_LIVE),
    )


class CommentExtension(db.Model):
    """The chair extended a case's public comment (V11): the new total, who, and every member present consenting."""

    __tablename__ = "comment_extensions"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    case_key: Mapped[int] = mapped_column(default=0)
    previous_total: Mapped[int]
    new_total: Mapped[int]
    chair: Mapped[str] = mapped_column(String(80))
    members_present: Mapped[int]
    members_consenting: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    __table_args__ = (
        CheckConstraint(f"new_total > previous_total AND new_total <= {int(EXTENDED_MAX_MINUTES)}",
                        name="extension_within_v11"),
        CheckConstraint("members_present >= 1 AND members_consenting = members_present", name="all_consent_v11"),
    )


class RecordingNotice(db.Model):
    """Someone told staff they will photograph or record, for a case, from an area (V10)."""

    __tablename__ = "recording_notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    case_key: Mapped[int] = mapped_column(default=0)
    who: Mapped[str] = mapped_column(String(120))
    area: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # V10: the case's deliberation began
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
