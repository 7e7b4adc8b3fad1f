"""Organizers (publishing agencies), their rule profiles, their plans and standing invitees."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, between, one_of, utcnow
from ..extensions import db
from ..rules.venue import BOUNDS, MINISTRY_DEFAULTS, VenueSettings

PLANNING, EXHIBITION, DELIBERATION, APPROVAL, ANNOUNCED = (
    "planning", "exhibition", "deliberation", "approval", "announced")
PLAN_STAGES = (PLANNING, EXHIBITION, DELIBERATION, APPROVAL, ANNOUNCED)


class Organizer(db.Model):
    """A publishing agency: the Ministry or a city/county government."""

    __tablename__ = "organizers"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    county_code: Mapped[str | None] = mapped_column(String(20))
    profile: Mapped["RuleProfile"] = relationship(back_populates="organizer", uselist=False)

    def display_name(self, locale: str) -> str:
        """The agency's name in the locale."""
        return self.name_en if locale.startswith("en") and self.name_en else self.name


class RuleProfile(db.Model):
    """The venue-rule defaults one organizer applies; meetings copy them when created."""

    __tablename__ = "rule_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), unique=True)
    speaker_cap: Mapped[int] = mapped_column(default=MINISTRY_DEFAULTS.speaker_cap)
    gallery_seats: Mapped[int] = mapped_column(default=MINISTRY_DEFAULTS.gallery_seats)
    observers_per_group: Mapped[int] = mapped_column(default=MINISTRY_DEFAULTS.observers_per_group)
    observers_per_village: Mapped[int] = mapped_column(default=MINISTRY_DEFAULTS.observers_per_village)
    minutes_per_speaker: Mapped[int] = mapped_column(default=MINISTRY_DEFAULTS.minutes_per_speaker)
    comment_minutes_per_case: Mapped[int] = mapped_column(default=MINISTRY_DEFAULTS.comment_minutes_per_case)
    basis: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    organizer: Mapped[Organizer] = relationship(back_populates="profile")
    __table_args__ = (
        CheckConstraint(between("speaker_cap", BOUNDS["speaker_cap"]), name="speaker_cap_v3"),
        CheckConstraint(between("comment_minutes_per_case", BOUNDS["comment_minutes_per_case"]),
                        name="comment_minutes_v11"),
    )

    def settings(self) -> VenueSettings:
        """The profile's numbers as the rules module's value object."""
        return VenueSettings(**{n: getattr(self, n) for n in VenueSettings.__dataclass_fields__})


class Plan(db.Model):
    """A land-use plan and where it stands in its statutory stages."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    county_code: Mapped[str | None] = mapped_column(String(20), index=True)
    stage: Mapped[str] = mapped_column(String(16), default=PLANNING)
    summary: Mapped[str] = mapped_column(Text, default="")
    exhibition_starts_on: Mapped[date | None]
    exhibition_ends_on: Mapped[date | None]
    approval_letter_on: Mapped[date | None]
    announced_on: Mapped[date | None]
    announcement_exhibition_ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    organizer: Mapped[Organizer] = relationship()
    __table_args__ = (
        CheckConstraint(one_of("stage", PLAN_STAGES), name="stage_known"),
    )

    def display_name(self, locale: str) -> str:
        """The plan's name in the locale."""
        return self.name_en if locale.startswith("en") and self.name_en else self.name

    @property
    def stage_index(self) -> int:
        """The position of the current stage in PLAN_STAGES."""
        return PLAN_STAGES.index(self.stage)


class StandingInvitee(db.Model):
    """An agency notified of every meeting (P11); organizer NULL means every organizer's."""

    __tablename__ = "standing_invitees"
    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organizers.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    email: Mapped[str] = mapped_column(String(254))
    note: Mapped[str] = mapped_column(Text, default="")
