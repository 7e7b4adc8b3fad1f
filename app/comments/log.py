"""The comment log: oral comments (V14) and statements handed in at a meeting, splitting a submission into
one comment per point, topics, and staff redaction of personal data (P8)."""
from datetime import datetime

from sqlalchemy import func, select

from .. import audit
from ..dayof.speech_log import speeches_for_meeting
from ..extensions import db
from ..registrations.models import Application
from ..rules import Problem
from ..rules.comments import CONSENTED_SUMMARY, ORAL, ORAL_FORMS, STATEMENT
from ..rules.names import clean_text
from ..violations import RuleViolation
from .models import Comment, Submission
from .richtext import search_key

SPLIT_MARK = "---"


def _checked(meeting, case_id, name: str, organisation: str, text: str):
    problems = []
    if not (name.strip() or organisation.strip()):
        problems.append(Problem("name", "speaker_required"))
    if not text.strip():
        problems.append(Problem("text", "comment_text_required"))
    case = next((c for c in meeting.cases if c.id == case_id), None) if case_id else None
    if case_id and case is None:
        problems.append(Problem("case_id", "case_not_of_meeting"))
    if problems:
        raise RuleViolation(problems)
    return case


def record_oral_comment(meeting, *, text: str, name: str = "", organisation: str = "", case_id: int | None = None,
                        oral_form: str = "staff_note", speech_id: int | None = None,
                        application_id: int | None = None, confidential: bool = False, actor=None,
                        now: datetime) -> Comment:
    """Log a comment spoken at a meeting: from the day-of speech log, or entered by staff (P2, V14)."""
    name, organisation = clean_text(name), clean_text(organisation)
    text = clean_text(text, multiline=True)
    case = _checked(meeting, case_id, name, organisation, text)
    if oral_form not in ORAL_FORMS:  # V14: a written version, a consented summary, or staff's note
        raise RuleViolation.one("oral_form", "decision_unknown")
    return _add(meeting, ORAL, case, name, organisation, text, actor=actor, now=now, oral_form=oral_form,
                speech_id=speech_id, application_id=application_id, confidential=confidential)


def record_statement(meeting, *, text: str, name: str = "", organisation: str = "", case_id: int | None = None,
                     confidential: bool = False, actor, now: datetime) -> Comment:
    """Log a written statement handed in at a meeting."""
    name, organisation = clean_text(name), clean_text(organisation)
    text = clean_text(text, multiline=True)
    case = _checked(meeting, case_id, name, organisation, text)
    return _add(meeting, STATEMENT, case, name, organisation, text, actor=actor, now=now, confidential=confidential)


def _add(meeting, source, case, name, organisation, text, *, actor, now, **extra) -> Comment:
    position = db.session.scalar(select(func.count()).select_from(Comment).where(Comment.meeting_id == meeting.id)) + 1
    comment = Comment(plan_id=meeting.plan_id, organizer_id=meeting.organizer_id, meeting_id=meeting.id,
                      case_id=case.id if case else None, source=source, name=name, organisation=organisation,
                      text=text, received_at=now, position=position, recorded_by_id=getattr(actor, "id", None),
                      search_text=search_key(text, organisation), **extra)
    db.session.add(comment)
    db.session.flush()
    audit.record(actor, f"comment.{source}_recorded", comment, {"title": comment.label, "meeting_id": meeting.id,
                                                                  "case_id": comment.case_id}, now=now)
    return comment


def split_parts(text: str) -> list[str]:
    """A long text cut at lines holding only ---, empty parts dropped."""
    parts, current = [], []
    for line in text.splitlines():
        if line.strip() == SPLIT_MARK:
            parts.append("\n".join(current).strip())
            current = []
        else:
            current.append(line)
    parts.append("\n".join(current).strip())
    return [part for part in parts if part]


def split_comment(comment: Comment, text: str, *, actor, now: datetime) -> list[Comment]:
    """Replace one comment by one per point; each keeps the link to the original submission."""
    parts = split_parts(clean_text(text, multiline=True))
    if len(parts) < 2:
        raise RuleViolation.one("parts", "split_needs_parts")
    if comment.response is not None:
        db.session.delete(comment.response)
    comment.text = parts[0]
    comment.redacted_text = None
    comment.search_text = search_key(parts[0], comment.organisation)
    made = [comment]
    for index, part in enumerate(parts[1:], start=1):
        made.append(Comment(plan_id=comment.plan_id, organizer_id=comment.organizer_id, meeting_id=comment.meeting_id,
                            case_id=comment.case_id, submission_id=comment.submission_id, source=comment.source,
                            oral_form=comment.oral_form, name=comment.name, organisation=comment.organisation,
                            confidential=comment.confidential, topic=comment.topic, text=part,
                            received_at=comment.received_at, position=comment.position + index,
                            search_text=search_key(part, comment.organisation),
                            recorded_by_id=getattr(actor, "id", None)))
        db.session.add(made[-1])
    db.session.flush()
    audit.record(actor, "comment.split", comment,
                 {"title": f"#{comment.id}", "parts": len(parts), "ids": [c.id for c in made]}, now=now)
    return made


def update_comment(comment: Comment, *, topic: str, redacted_text: str | None, confidential: bool, actor,
                   now: datetime) -> Comment:
    """Set a comment's topic and confidentiality, and redact personal data from its public text (P8)."""
    redacted = clean_text(redacted_text or "", multiline=True) or None
    before = {"topic": comment.topic, "redacted": comment.redacted_text is not None,
              "confidential": comment.confidential}
    comment.topic = clean_text(topic)[:80]
    comment.confidential = confidential
    if redacted != comment.redacted_text:
        # The original stays for staff; the audit keeps both versions of what the public reads.
        audit.record(actor, "comment.redacted", comment,
                     {"title": f"#{comment.id}", "before": comment.public_text, "after": redacted
                                                          or comment.text}, now=now)
        comment.redacted_text = redacted
    comment.search_text = search_key(comment.public_text, comment.organisation)
    if comment.submission_id:
        submission = db.session.get(Submission, comment.submission_id)
        submission.confidential = confidential or submission.confidential
    db.session.flush()
    audit.record(actor, "comment.changed", comment,
                 {"title": f"#{comment.id}", "before": before, "topic": comment.topic}, now=now)
    return comment


def import_speeches(meeting, *, actor, now: datetime) -> tuple[int, int]:
    """Log the day's speeches as oral comments (V14): each speech with a consented summary becomes a comment
    with that text, once. Returns (logged now, speeches still without text: a written version to be typed
    in from the paper, or nothing recorded)."""
    logged = set(db.session.scalars(select(Comment.speech_id).where(Comment.meeting_id == meeting.id,
                                                                   Comment.speech_id.is_not(None))))
    added = waiting = 0
    for speech in speeches_for_meeting(meeting.id):
        if speech.turn_id in logged:
            continue
        if not speech.summary.strip():
            waiting += 1
            continue
        speaker = db.session.get(Application, speech.application_id)
        record_oral_comment(meeting, text=speech.summary, name=speaker.name, organisation=speaker.organisation,
                            case_id=speech.case_id, oral_form=CONSENTED_SUMMARY, speech_id=speech.turn_id,
                            application_id=speech.application_id, actor=actor, now=now)
        added += 1
    return added, waiting
