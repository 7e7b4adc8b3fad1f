"""Writing a meeting's notice: its text in both languages, its .ics (iTIP REQUEST or CANCEL, the
meeting's UID, its current SEQUENCE), and one outbox row per recipient. Services flush, never commit."""
from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from icalendar import vCalAddress
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from .. import audit
from ..calendar import meeting_event, new_calendar
from ..extensions import db
from ..meetings.models import Meeting
from ..outbox import attachments
from ..outbox.attachments import AttachmentUnavailable
from ..urls import external_url
from ..violations import RuleViolation
from .models import CANCELLED, MANUAL, Notice
from .recipients import queue_recipients, registrants_told
from .wording import NOTICE_KIND_LABELS

LANGUAGES = ("zh_Hant_TW", "en")  # Traditional Chinese first, English after it
TOPIC = "notice"


def meeting_url(meeting) -> str:
    """The meeting's public page."""
    return external_url("meetings.show", meeting_id=meeting.id)


def notice_ics(meeting, method: str) -> str:
    """The meeting's calendar file as an iTIP message: REQUEST adds or updates the entry, CANCEL
    removes it; the UID never changes and SEQUENCE is the meeting's (it grows with every change)."""
    with force_locale(LANGUAGES[0]):
        calendar = new_calendar(meeting.title)
        calendar.pop("method")
        calendar.add("method", method)
        event = meeting_event(meeting, meeting_url(meeting))
        if method == "CANCEL":
            event.pop("status")
            event.add("status", "CANCELLED")
        sender = current_app.config.get("MAIL_DEFAULT_SENDER") or f"notices@{current_app.config['SITE_NAME_DOMAIN']}"
        address = sender[1] if isinstance(sender, tuple) else sender
        event.add("organizer", vCalAddress(f"mailto:{address.split('<')[-1].rstrip('>')}"))
        calendar.add_component(event)
        calendar.add_missing_timezones()
        return calendar.to_ical().decode()


def render_notice(meeting, kind: str, note: str = "") -> tuple[str, str]:
    """The subject and body of a notice, Traditional Chinese first, then English."""
    parts, titles = [], []
    for code in LANGUAGES:
        with force_locale(code):
            titles.append(str(NOTICE_KIND_LABELS[kind]))
            parts.append(render_template("email/notice.txt", meeting=meeting, kind=kind, note=note,
                                         url=meeting_url(meeting), heading=str(NOTICE_KIND_LABELS[kind])))
    subject = f"{titles[0]} {titles[1]} — {meeting.title}"
    return subject, "\n\n----------\n\n".join(part.strip() for part in parts) + "\n"


def write_notice(meeting, kind: str, *, now: datetime, actor=None, note: str = "", told_at=None) -> Notice:
    """Write the notice; its recipients are queued when the transaction commits (expand_pending). Nobody is
    told about a draft: a manual notice about one is refused."""
    if kind == MANUAL and not meeting.is_public:
        raise RuleViolation.one("note", "notice_meeting_draft")
    method = "CANCEL" if kind == CANCELLED else "REQUEST"
    subject, body = render_notice(meeting, kind, note)
    notice = Notice(meeting_id=meeting.id, kind=kind, automatic=kind != MANUAL, method=method,
                    sequence=meeting.sequence, subject=subject, body=body, ics=notice_ics(meeting, method),
                    actor_id=getattr(actor, "id", None), created_at=now)
    db.session.add(notice)
    db.session.flush()
    db.session.info.setdefault(PENDING_KEY, []).append((notice.id, told_at))
    if kind == MANUAL:  # an automatic notice is its own record (the notice row, its outbox rows)
        audit.record(actor, "notice.written", notice, {"kind": kind, "meeting_id": meeting.id},
                     now=now, organizer_id=meeting.organizer_id)
    return notice


def queue_notice(notice: Notice, *, told_at=None) -> int:
    """Write one outbox row per recipient of the notice with one INSERT … SELECT (P10, P11)."""
    meeting = db.session.get(Meeting, notice.meeting_id)
    files = [attachments.later("notice_ics", f"meeting-{meeting.id}.ics",
                               f"text/calendar; method={notice.method}; charset=utf-8", notice_id=notice.id)]
    notice.recipients = queue_recipients(notice, meeting, topic=f"{TOPIC}.{notice.kind}", attachments=files,
                                         now=notice.created_at, told_at=told_at)
    if told_at is not None:
        notice.registrants_told_separately = len(db.session.execute(registrants_told(meeting, told_at)).all())
    return notice.recipients


PENDING_KEY = "notices_to_queue"


@event.listens_for(Session, "before_commit")
def expand_pending(session):
    """Queue the recipients of the notices this transaction wrote, once every signal receiver has run:
    blinker calls receivers in no fixed order, and a change's notice must see the registrants' own
    mails (written by the registrations package) to leave them out."""
    pending = session.info.pop(PENDING_KEY, None)
    for notice_id, told_at in pending or ():
        notice = session.get(Notice, notice_id)
        if notice is not None:
            queue_notice(notice, told_at=told_at)


@event.listens_for(Session, "after_rollback")
def forget_pending(session):
    """A rolled-back transaction's notices are gone: nothing to queue."""
    session.info.pop(PENDING_KEY, None)


def stored_ics(notice_id: int) -> bytes:
    """The notice's calendar file as it was written (built by the outbox worker when it sends)."""
    ics = db.session.scalar(select(Notice.ics).where(Notice.id == notice_id))
    if ics is None:
        raise AttachmentUnavailable(f"notice {notice_id} no longer exists")
    return ics.encode()


attachments.register("notice_ics", stored_ics, lasting=True)  # a notice's .ics never changes

