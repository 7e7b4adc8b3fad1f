"""Applications to speak or observe, the cases a speaker asks for, and suspensions (V1–V7, V15)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, one_of, utcnow
from ..extensions import db
from ..meetings.models import Meeting, ReviewCase
from ..rules.allocation import CLAIM_NONE, CLAIMS, ONLINE, POOLS

SPEAK, OBSERVE = "speak", "observe"
KINDS = (SPEAK, OBSERVE)
ONLINE_CHANNEL = "online"
OTHER_CHANNELS = ("phone", "fax", "paper", "email", "onsite")  # V4: the other channels staff record
CHANNELS = (ONLINE_CHANNEL, *OTHER_CHANNELS)
UNCONFIRMED, ACTIVE, CANCELLED, REJECTED = "unconfirmed", "active", "cancelled", "rejected"
STATUSES = (UNCONFIRMED, ACTIVE, CANCELLED, REJECTED)
OPEN = (UNCONFIRMED, ACTIVE)  # neither cancelled nor rejected: may still be confirmed, cancelled or rejected
# The partial unique indexes' conditions (V5): an active application, an active speaker of a group.
_ACTIVE_EMAIL = text(f"status = '{ACTIVE}' AND email_key <> ''")
_ACTIVE_SPEAKER = text("active AND org_key <> ''")
# The unique indexes whose breach services recognise by name (violations.constraint_name).
PERSON_INDEX_V5 = "uq_applications_active_email_v5"
GROUP_CASE_INDEX_V5 = "uq_speaking_requests_group_case_v5"
CHECK_IN_CODE_UNIQUE = "uq_applications_check_in_code"


class Application(db.Model):
    """One person's application to speak or observe at one meeting.

    Its time of application (V6, V7) is `confirmed_at`: the moment the e-mail address was confirmed
    online, or when staff recorded it from another channel (V4).
    """

    __tablename__ = "applications"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(8), default=ONLINE_CHANNEL)
    pool: Mapped[str] = mapped_column(String(8), default=ONLINE)
    status: Mapped[str] = mapped_column(String(12), default=UNCONFIRMED)
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80))
    organisation: Mapped[str] = mapped_column(String(120), default="")
    org_key: Mapped[str] = mapped_column(String(120), default="")
    township: Mapped[str] = mapped_column(String(40), default="")
    village: Mapped[str] = mapped_column(String(40), default="")
    village_key: Mapped[str] = mapped_column(String(90), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    email_key: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_key: Mapped[str] = mapped_column(String(40), default="")
    interest_group: Mapped[str] = mapped_column(String(120), default="")  # V4: shared-interest parties
    locale: Mapped[str] = mapped_column(String(12), default="zh_Hant_TW")
    nonce: Mapped[str] = mapped_column(String(32))
    check_in_code: Mapped[str | None] = mapped_column(String(8), unique=True)
    outcome: Mapped[str | None] = mapped_column(String(16))  # observers; speakers' are per case
    reason: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int | None]
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship()
    requests: Mapped[list["SpeakingRequest"]] = relationship(
        order_by="SpeakingRequest.case_key", cascade="all, delete-orphan", back_populates="application")

    __table_args__ = (
        CheckConstraint(one_of("kind", KINDS), name="kind_known"),
        CheckConstraint(one_of("status", STATUSES), name="status_known"),
        CheckConstraint(one_of("pool", POOLS), name="pool_known"),
        CheckConstraint(f"status <> '{ACTIVE}' OR confirmed_at IS NOT NULL", name="active_has_time_v6"),
        # V5: one active application per person per meeting — the same e-mail identity (email_key:
        # rules.names.normalise_email). The same name and phone is a flag for staff (review_*), not a refusal.
        Index(PERSON_INDEX_V5, "meeting_id", "email_key", unique=True,
              postgresql_where=_ACTIVE_EMAIL, sqlite_where=_ACTIVE_EMAIL),
        Index("ix_applications_meeting_email_key", "meeting_id", "email_key"),
        Index("ix_applications_meeting_status", "meeting_id", "status", "confirmed_at"),
    )

    @property
    def is_active(self) -> bool:
        """Whether the application is confirmed and neither cancelled nor rejected."""
        return self.status == ACTIVE

    @property
    def is_open(self) -> bool:
        """Whether the application is neither cancelled nor rejected (confirmed or not)."""
        return self.status in OPEN

    # --- Identity (V5, V15): what staff should look at, never shown to the applicant. ---
    # Another active application with the same name and phone when this one became active (the
    # phone is not verified, so it is no proof of being the same person), and a suspension whose
    # phone (and name, if it has one) this application typed, though its e-mail is another.
    review_same_as_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"))
    review_suspension_id: Mapped[int | None] = mapped_column(ForeignKey("suspensions.id", ondelete="SET NULL"))
    # When the confirmation mail last went out: a re-submission re-sends it at most this often (item 9).
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def needs_review(self) -> bool:
        """Whether staff should check who this applicant is (same name and phone, or a suspended phone)."""
        return self.review_same_as_id is not None or self.review_suspension_id is not None


class SpeakingRequest(db.Model):
    """A speaker's request for one case (a hearing has one case: `case_key` 0), with their
    party-concerned claim and the place the allocation gave them (V3–V6)."""

    __tablename__ = "speaking_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("review_cases.id", ondelete="CASCADE"))
    case_key: Mapped[int] = mapped_column(default=0)
    org_key: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(default=False)
    party_concerned: Mapped[bool] = mapped_column(default=False)
    party_statement: Mapped[str] = mapped_column(Text, default="")
    claim: Mapped[str] = mapped_column(String(10), default=CLAIM_NONE)
    claim_note: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int | None]
    # When staff at the sign-in desk gave this request the place of a speaker passed over (V2); it then
    # keeps the place ahead of the queue (rules.allocation.SpeakerBid.given).
    given_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # A case added from the private page after confirming waits from the moment it was added, not from
    # the application's time (V6: by time of application): None means the application's confirmed_at.
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(back_populates="requests")
    case: Mapped[ReviewCase | None] = relationship()

    __table_args__ = (
        CheckConstraint(one_of("claim", CLAIMS), name="claim_known"),
        # V5: one active speaker per organisation per case, whatever the pool.
        Index(GROUP_CASE_INDEX_V5, "meeting_id", "case_key", "org_key", unique=True,
              postgresql_where=_ACTIVE_SPEAKER, sqlite_where=_ACTIVE_SPEAKER),
        Index("ix_speaking_requests_meeting_case", "meeting_id", "case_key"),
    )


class Suspension(db.Model):
    """A person barred by an organizer from applying until a date, after disrupting a meeting (V15)."""

    __tablename__ = "suspensions"
    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    name_key: Mapped[str] = mapped_column(String(80), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    email_key: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_key: Mapped[str] = mapped_column(String(40), default="")
    until: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting | None] = relationship()
    __table_args__ = (CheckConstraint("email_key <> '' OR phone_key <> ''", name="identifies_someone"),)


class GroupAlias(db.Model):
    """Staff marked two group names as one group (V5, V7): the key of one name (`alias_key`) compares
    as another's (`canonical_key`) at the organizer's meetings. Kept flat: a canonical key is never an alias."""

    __tablename__ = "group_aliases"
    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    alias_name: Mapped[str] = mapped_column(String(120))
    alias_key: Mapped[str] = mapped_column(String(120))
    canonical_name: Mapped[str] = mapped_column(String(120))
    canonical_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        UniqueConstraint("organizer_id", "alias_key", name="uq_group_aliases_organizer_alias"),
        CheckConstraint("alias_key <> canonical_key AND alias_key <> ''", name="names_two_groups"),
    )
