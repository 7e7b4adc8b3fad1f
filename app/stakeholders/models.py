"""Organisations and their contacts, subscribers, what each follows, and the notices written for meetings."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, one_of, utcnow
from ..extensions import db

NGO, COMMUNITY, ACADEMIC, AGENCY, COMPANY, ELECTED = (
    "ngo", "community", "academic", "agency", "company", "elected")
ORGANISATION_KINDS = (NGO, COMMUNITY, ACADEMIC, AGENCY, COMPANY, ELECTED)
COUNTY, PLAN, KIND, TOPIC = "county", "plan", "kind", "topic"
FOLLOW_KINDS = (COUNTY, PLAN, KIND, TOPIC)
PENDING, ACTIVE, UNSUBSCRIBED = "pending", "active", "unsubscribed"
SUBSCRIBER_STATES = (PENDING, ACTIVE, UNSUBSCRIBED)
# What a notice reports (app/meetings/signals.py sends the events).
PUBLISHED, CHANGED, POSTPONED, CANCELLED, REGISTRATION_OPEN, MINUTES, MANUAL = (
    "published", "changed", "postponed", "cancelled", "registration_open", "minutes", "manual")
NOTICE_KINDS = (PUBLISHED, CHANGED, POSTPONED, CANCELLED, REGISTRATION_OPEN, MINUTES, MANUAL)


class Organisation(db.Model):
    """An NGO, community group, academic, agency, company or elected office in an organizer's directory (P10)."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    name_key: Mapped[str] = mapped_column(String(160), index=True)  # rules.names.normalise_name
    kind: Mapped[str] = mapped_column(String(12), default=NGO)
    standing: Mapped[bool] = mapped_column(Boolean, default=False)  # P11: told of every meeting
    note: Mapped[str] = mapped_column(Text, default="")
    nonce: Mapped[str] = mapped_column(String(24), default="")  # a new one revokes its signed links
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    contacts: Mapped[list["Contact"]] = relationship(order_by="Contact.id", cascade="all, delete-orphan",
                                                     back_populates="organisation")
    follows: Mapped[list["Follow"]] = relationship(order_by="Follow.id", cascade="all, delete-orphan",
                                                   back_populates="organisation")
    __table_args__ = (CheckConstraint(one_of("kind", ORGANISATION_KINDS), name="kind_known"),)


class Contact(db.Model):
    """A person at an organisation who receives its notices."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    email_key: Mapped[str] = mapped_column(String(254), default="", index=True)  # rules.names.normalise_email
    phone: Mapped[str] = mapped_column(String(40), default="")
    organisation: Mapped[Organisation] = relationship(back_populates="contacts")


class Subscriber(db.Model):
    """Someone who asked for notices at /subscribe; counts only once the address is confirmed (double opt-in)."""

    __tablename__ = "subscribers"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    locale: Mapped[str] = mapped_column(String(12), default="zh_Hant_TW")
    state: Mapped[str] = mapped_column(String(12), default=PENDING)
    nonce: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follows: Mapped[list["Follow"]] = relationship(order_by="Follow.id", cascade="all, delete-orphan",
                                                   back_populates="subscriber")
    __table_args__ = (CheckConstraint(one_of("state", SUBSCRIBER_STATES), name="state_known"),)


class Follow(db.Model):
    """One county, plan, meeting kind or topic that a subscriber or an organisation follows."""

    __tablename__ = "follows"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                        index=True)
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(160))
    organisation: Mapped[Organisation | None] = relationship(back_populates="follows")
    subscriber: Mapped[Subscriber | None] = relationship(back_populates="follows")
    __table_args__ = (
        CheckConstraint(one_of("kind", FOLLOW_KINDS), name="kind_known"),
        CheckConstraint("(organisation_id IS NULL) <> (subscriber_id IS NULL)", name="one_follower"),
        Index("ix_follows_kind_value", "kind", "value"),
    )


class Notice(db.Model):
    """A notice of a meeting: its text and calendar file, written once; one outbox row per recipient."""

    __tablename__ = "notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    automatic: Mapped[bool] = mapped_column(Boolean, default=True)
    method: Mapped[str] = mapped_column(String(8), default="REQUEST")  # iTIP: REQUEST, or CANCEL
    sequence: Mapped[int] = mapped_column(default=0)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    ics: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[int] = mapped_column(default=0)
    registrants_told_separately: Mapped[int] = mapped_column(default=0)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        CheckConstraint(one_of("kind", NOTICE_KINDS), name="kind_known"),
        CheckConstraint("method IN ('REQUEST', 'CANCEL')", name="method_known"),
        Index("ix_notices_created_at", "created_at"),
    )


class AttendanceLink(db.Model):
    """A meeting's suggested attendance (W3) tied to the directory's organisation it invites."""

    __tablename__ = "attendance_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    suggested_attendance_id: Mapped[int] = mapped_column(
        ForeignKey("suggested_attendance.id", ondelete="CASCADE"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
