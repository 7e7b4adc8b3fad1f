"""Reading notices: the public feed, a meeting's notices and delivery report, an organisation's record."""
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from ..counties import CODES
from ..extensions import db
from ..meetings.models import Meeting
from ..outbox.models import FAILED, UNCERTAIN, OutboxMessage
from ..params import whole_number
from ..plans.models import Organizer, Plan
from ..rules.participation import MEETING_KINDS
from ..rules.publication import DRAFT
from .models import Contact, Notice
from .recipients import REGISTRANT_TOPIC

FEED_SIZE = 50


def feed_filters(args) -> dict:
    """The feed's filters from the query string, unknown values dropped: counties, kinds, plans."""
    return {"counties": [c for c in args.getlist("county") if c in CODES],
            "kinds": [k for k in args.getlist("kind") if k in MEETING_KINDS],
            "plans": [i for i in map(whole_number, args.getlist("plan")) if i]}


def feed_notices(filters: dict) -> list[Notice]:
    """The newest notices of public meetings matching the filters as subscriptions match (recipients.py)."""
    query = (select(Notice, Meeting).join(Meeting, Notice.meeting_id == Meeting.id)
             .join(Plan, Meeting.plan_id == Plan.id).join(Organizer, Meeting.organizer_id == Organizer.id)
             .where(Meeting.status != DRAFT).order_by(Notice.created_at.desc(), Notice.id.desc()).limit(FEED_SIZE))
    county = func.coalesce(Plan.county_code, Organizer.county_code)
    narrowing = [condition for condition in (
        county.in_(filters["counties"]) if filters["counties"] else None,
        Meeting.kind.in_(filters["kinds"]) if filters["kinds"] else None) if condition is not None]
    choices = [Meeting.plan_id.in_(filters["plans"])] if filters["plans"] else []
    if narrowing:
        choices.append(and_(*narrowing))
    if choices:
        query = query.where(or_(*choices))
    return db.session.execute(query).all()


def meeting_notices(meeting_id: int) -> list[Notice]:
    """A meeting's notices, newest first."""
    return db.session.scalars(select(Notice).where(Notice.meeting_id == meeting_id)
                              .order_by(Notice.id.desc())).all()


def delivery_rows(meeting_id: int):
    """Proof of notice: every message about the meeting to notice recipients and registrants (its
    meeting-changed mails), with outcome; as (OutboxMessage, Notice or None), oldest first."""
    return db.session.execute(
        select(OutboxMessage, Notice).outerjoin(Notice, OutboxMessage.notice_id == Notice.id)
        .where(OutboxMessage.meeting_id == meeting_id,
               or_(OutboxMessage.notice_id.is_not(None), OutboxMessage.topic == REGISTRANT_TOPIC))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)).all()


def status_counts(meeting_id: int) -> dict[int, dict]:
    """How many of each of the meeting's notices' messages are queued, sent, failed, suppressed …, by notice
    id (one query for the page, not one per notice)."""
    rows = db.session.execute(
        select(OutboxMessage.notice_id, OutboxMessage.status, func.count())
        .join(Notice, Notice.id == OutboxMessage.notice_id).where(Notice.meeting_id == meeting_id)
        .group_by(OutboxMessage.notice_id, OutboxMessage.status).order_by(OutboxMessage.notice_id))
    counts: dict[int, dict] = {}
    for notice_id, status, count in rows:
        counts.setdefault(notice_id, {})[status] = count
    return counts


def organisation_record(organisation):
    """Every notice message sent to the organisation's contacts' addresses, newest first."""
    keys = select(Contact.email_key).where(Contact.organisation_id == organisation.id, Contact.email_key != "")
    return db.session.execute(
        select(OutboxMessage, Notice, Meeting).join(Notice, OutboxMessage.notice_id == Notice.id)
        .join(Meeting, Notice.meeting_id == Meeting.id)
        .options(joinedload(Meeting.plan))
        .where(func.lower(OutboxMessage.recipient).in_(keys))
        .order_by(OutboxMessage.id.desc()).limit(1000)).all()


UNDELIVERED_SHOWN = 200


def undelivered(meeting_id: int) -> list[OutboxMessage]:
    """The meeting's messages that failed or whose sending was interrupted (notices and applicants'
    mail alike), oldest first, at most UNDELIVERED_SHOWN: what staff may send again."""
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.meeting_id == meeting_id,
                                    OutboxMessage.status.in_((FAILED, UNCERTAIN)))
        .order_by(OutboxMessage.id).limit(UNDELIVERED_SHOWN)).all()
