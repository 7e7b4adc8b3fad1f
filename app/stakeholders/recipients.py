"""Who receives a meeting's notice (P10, P11), as one SQL query: subscribers and directory contacts
following the plan, county, kind or a topic, and standing invitees; deduplicated by address.

Matching: a plan or topic followed matches on its own; counties and kinds narrow each other (someone
following Taichung and hearings hears of Taichung's hearings), and a dimension left empty matches any.
The rows are never loaded into Python: `queue_recipients` writes one outbox row per address with
INSERT … SELECT, so a notice to 10,000 people costs one statement.
"""
from sqlalchemy import JSON, Boolean, String, and_, case, exists, func, insert, literal, not_, or_, select, union_all

from ..extensions import db
from ..outbox.models import PENDING, SUPPRESSED, OutboxMessage, SuppressedAddress
from ..plans.models import StandingInvitee
from .models import ACTIVE, COUNTY, KIND, PLAN, TOPIC, Contact, Follow, Organisation, Subscriber

STANDING_RANK, CONTACT_RANK, SUBSCRIBER_RANK = 1, 2, 3
# The registrations package's mail to applicants of a changed meeting (app/registrations/mails.py).
REGISTRANT_TOPIC = "meeting.changed"


def meeting_county(meeting) -> str | None:
    """The county a meeting belongs to: its plan's, else its organizer's."""
    return meeting.plan.county_code or meeting.organizer.county_code


def _follows(owner, owner_id, kind, *where):
    return exists().where(owner == owner_id, Follow.kind == kind, *where)


def follows_meeting(owner, owner_id, meeting):
    """SQL: the follower (`owner` column equal to `owner_id`) follows something the meeting matches."""
    county, text = meeting_county(meeting) or "", f"{meeting.title} {meeting.summary}"
    any_county, any_kind = _follows(owner, owner_id, COUNTY), _follows(owner, owner_id, KIND)
    return or_(
        _follows(owner, owner_id, PLAN, Follow.value == str(meeting.plan_id)),
        _follows(owner, owner_id, TOPIC, Follow.value != "", literal(text).contains(Follow.value)),
        and_(or_(any_county, any_kind),
             or_(not_(any_county), _follows(owner, owner_id, COUNTY, Follow.value == county)),
             or_(not_(any_kind), _follows(owner, owner_id, KIND, Follow.value == meeting.kind))))


def _candidates(meeting):
    """Every (email_key, email, rank) that may receive the meeting's notice, duplicates included."""
    live = and_(Organisation.organizer_id == meeting.organizer_id, Organisation.merged_into_id.is_(None),
                Contact.email_key != "")
    standing = (select(Contact.email_key, Contact.email, literal(STANDING_RANK).label("rank"))
                .join(Organisation).where(live, Organisation.standing))
    legacy = (select(func.lower(StandingInvitee.email), StandingInvitee.email, literal(STANDING_RANK))
              .where(or_(StandingInvitee.organizer_id.is_(None),
                         StandingInvitee.organizer_id == meeting.organizer_id)))
    contacts = (select(Contact.email_key, Contact.email, literal(CONTACT_RANK)).join(Organisation)
                .where(live, follows_meeting(Follow.organisation_id, Organisation.id, meeting)))
    subscribers = (select(Subscriber.email_key, Subscriber.email, literal(SUBSCRIBER_RANK))
                   .where(Subscriber.state == ACTIVE,
                          follows_meeting(Follow.subscriber_id, Subscriber.id, meeting)))
    return union_all(standing, legacy, contacts, subscribers).subquery("candidates")


def recipients(meeting, *, told_at=None):
    """SELECT email_key, email, rank: one row per address (the best reason kept); with `told_at`,
    addresses the registrations package mailed about this change at that moment are left out, so each
    registrant gets one message per change (docs/decisions.md)."""
    found = _candidates(meeting)
    query = (select(found.c.email_key, func.min(found.c.email).label("email"), func.min(found.c.rank).label("rank"))
             .group_by(found.c.email_key))
    if told_at is not None:
        query = query.where(found.c.email_key.not_in(registrants_told(meeting, told_at)))
    return query


def registrants_told(meeting, told_at):
    """SELECT the addresses (lower case) of registrants' meeting-changed mails written at `told_at`."""
    return select(func.lower(OutboxMessage.recipient)).where(
        OutboxMessage.meeting_id == meeting.id, OutboxMessage.topic == REGISTRANT_TOPIC,
        OutboxMessage.created_at == told_at)


def queue_recipients(notice, meeting, *, topic: str, attachments: list, now, told_at=None) -> int:
    """Write one bulk outbox row per recipient of `notice` with INSERT … SELECT; suppressed addresses
    are written as SUPPRESSED (logged, never sent). Return the number of rows."""
    chosen = recipients(meeting, told_at=told_at).subquery("chosen")
    audience = case((chosen.c.rank == STANDING_RANK, "standing"), (chosen.c.rank == CONTACT_RANK, "contact"),
                    else_="subscriber")
    status = case((SuppressedAddress.id.is_(None), PENDING), else_=SUPPRESSED)
    rows = (select(literal(topic, String), chosen.c.email, literal(notice.subject, String),
                   literal(notice.body, String), literal(attachments, JSON), literal(meeting.id),
                   status, literal(0), literal(now, OutboxMessage.created_at.type), literal("", String),
                   literal(now, OutboxMessage.created_at.type), literal(True, Boolean), literal(notice.id),
                   audience, literal("", String))
            .select_from(chosen.outerjoin(SuppressedAddress, SuppressedAddress.email_key == chosen.c.email_key)))
    columns = ["topic", "recipient", "subject", "body", "attachments", "meeting_id", "status", "attempts",
               "next_attempt_at", "last_error", "created_at", "bulk", "notice_id", "audience", "claim"]
    db.session.execute(insert(OutboxMessage.__table__).from_select(columns, rows))
    # Counted, not the cursor's rowcount: drivers report -1 for INSERT … SELECT through some paths.
    return db.session.scalar(select(func.count()).where(OutboxMessage.notice_id == notice.id))


def preview(meeting, limit: int = 200) -> tuple[int, list]:
    """How many addresses a notice would reach now, and the first `limit` (email, rank), for staff to check."""
    chosen = recipients(meeting).subquery()
    total = db.session.scalar(select(func.count()).select_from(chosen))
    first = db.session.execute(select(chosen.c.email, chosen.c.rank).order_by(chosen.c.rank, chosen.c.email)
                               .limit(limit)).all()
    return total, first
