"""Meetings, their agenda, cases, status history and departures from the rule profile."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, between, one_of, utcnow
from ..extensions import db
from ..plans.models import Organizer, Plan
from ..rules.participation import MEETING_KINDS, PHASES
from ..rules.periods import registration_state
from ..rules.publication import DRAFT, POSTPONED, STATUSES, is_public
from ..rules.venue import BOUNDS, CAP_BOUNDS, REPRESENTATIVES_IN_PRINCIPLE, VenueSettings


class Meeting(db.Model):
    """A published (or draft) participation meeting of a plan."""

    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    phase: Mapped[str | None] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue_name: Mapped[str] = mapped_column(String(200))
    venue_address: Mapped[str] = mapped_column(String(300))
    directions: Mapped[str] = mapped_column(Text, default="")
    overflow_room: Mapped[str] = mapped_column(String(200), default="")
    livestream_url: Mapped[str] = mapped_column(String(500), default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    sequence: Mapped[int] = mapped_column(default=0)
    speaker_cap: Mapped[int]
    gallery_seats: Mapped[int]
    observers_per_group: Mapped[int]
    observers_per_village: Mapped[int]
    minutes_per_speaker: Mapped[int]
    comment_minutes_per_case: Mapped[int]
    representative_cap: Mapped[int] = mapped_column(default=REPRESENTATIVES_IN_PRINCIPLE)  # V4
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # W5: postponed with the new time still to be announced (starts_at/ends_at keep the last announced
    # time), and moved online (livestream_url then says where)
    time_to_be_announced: Mapped[bool] = mapped_column(default=False, server_default=false())
    moved_online: Mapped[bool] = mapped_column(default=False, server_default=false())

    plan: Mapped[Plan] = relationship()
    organizer: Mapped[Organizer] = relationship()
    agenda_items: Mapped[list["AgendaItem"]] = relationship(
        order_by="AgendaItem.position", cascade="all, delete-orphan", back_populates="meeting")
    cases: Mapped[list["ReviewCase"]] = relationship(
        order_by="ReviewCase.position", cascade="all, delete-orphan", back_populates="meeting")
    status_changes: Mapped[list["MeetingStatusChange"]] = relationship(
        order_by="MeetingStatusChange.id", cascade="all, delete-orphan")
    departures: Mapped[list["RuleDeparture"]] = relationship(
        order_by="RuleDeparture.id", cascade="all, delete-orphan")
    suggested_attendance: Mapped[list["SuggestedAttendance"]] = relationship(
        order_by="SuggestedAttendance.id", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(one_of("kind", MEETING_KINDS), name="kind_known"),
        CheckConstraint(f"phase IS NULL OR {one_of('phase', PHASES)}", name="phase_known"),
        CheckConstraint(one_of("status", STATUSES), name="status_known"),
        CheckConstraint(between("speaker_cap", BOUNDS["speaker_cap"]), name="speaker_cap_v3"),
        CheckConstraint(between("comment_minutes_per_case", BOUNDS["comment_minutes_per_case"]),
                        name="comment_minutes_v11"),
        CheckConstraint(between("representative_cap", CAP_BOUNDS["representative_cap"]),
                        name="representative_cap_v4"),
        CheckConstraint("registration_closes_at IS NULL OR registration_closes_at <= starts_at",
                        name="deadline_before_start_w1"),
        Index("ix_meetings_status_starts_at", "status", "starts_at"),
    )

    @property
    def is_public(self) -> bool:
        """Whether the public may see this meeting."""
        return is_public(self.status)

    def registration_at(self, now: datetime) -> str:
        """Where `now` falls in the registration window (W1): none, not_open, open or closed."""
        return registration_state(now, self.registration_opens_at, self.registration_closes_at)

    def original_times(self) -> tuple[datetime, datetime | None] | None:
        """The start and end first announced, before the first postponement (W5); None if never postponed."""
        first = next((c for c in self.status_changes if c.to_status == POSTPONED), None)
        return (first.previous_starts_at, first.previous_ends_at) if first else None

    def settings(self) -> VenueSettings:
        """The meeting's venue-rule numbers as the rules module's value object."""
        return VenueSettings(**{n: getattr(self, n) for n in VenueSettings.__dataclass_fields__})


class MeetingStatusChange(db.Model):
    """One publish, postponement or cancellation, with its public reason (W5)."""

    __tablename__ = "meeting_status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    previous_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    to_be_announced: Mapped[bool] = mapped_column(default=False, server_default=false())
    moved_online: Mapped[bool] = mapped_column(default=False, server_default=false())


class RuleDeparture(db.Model):
    """A meeting setting that differs from its organizer's rule profile, and why."""

    __tablename__ = "rule_departures"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    setting: Mapped[str] = mapped_column(String(40))
    profile_value: Mapped[int]
    value: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class AgendaItem(db.Model):
    """A timed item of the agenda with its presenter (W2)."""

    __tablename__ = "agenda_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(200))
    presenter: Mapped[str] = mapped_column(String(200), default="")
    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)


class ReviewCase(db.Model):
    """A case (案件) under review at a committee meeting, with its comment budget (V11)."""

    __tablename__ = "review_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    comment_minutes: Mapped[int]
    meeting: Mapped[Meeting] = relationship(back_populates="cases")
    __table_args__ = (CheckConstraint(between("comment_minutes", BOUNDS["comment_minutes_per_case"]),
                                      name="comment_minutes_v11"),)


class SuggestedAttendance(db.Model):
    """How many people an invited agency or unit is asked to send, and for what (W3)."""

    __tablename__ = "suggested_attendance"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agency: Mapped[str] = mapped_column(String(160))
    unit: Mapped[str] = mapped_column(String(160), default="")
    seats: Mapped[int] = mapped_column(default=1)
    subtopics: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (CheckConstraint("seats >= 1", name="seats_positive"),)
