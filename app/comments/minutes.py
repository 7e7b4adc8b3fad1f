"""Minutes (會議紀錄): attendance, each case's item-by-item table of comments and responses, and its
resolution. Publishing is refused while a comment lacks an approved response (P2, P5, P6); a correction
adds a version and the public sees the history and the changes (P8)."""
import difflib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..dayof.signin import signed_in_application_ids
from ..extensions import db
from ..materials.models import MINUTES
from ..materials.services import attach_material
from ..registrations.models import ACTIVE, Application
from ..rules.comments import ANSWERED, Unanswered, minutes_refusal, public_name
from ..rules.names import clean_text, mask_name
from ..violations import RuleViolation
from .models import CaseResolution, Comment, MinutesVersion
from .responses import publish_responses
from .richtext import sanitise


def attendance_counts(meeting) -> dict:
    """Speakers and observers by pool: from the sign-in records where they exist, else confirmed applications."""
    query = select(Application.kind, Application.pool, func.count()).where(Application.meeting_id == meeting.id)
    signed_in = signed_in_application_ids(meeting.id)  # the sign-in desk's records (V2), if it was used
    if signed_in:
        query = query.where(Application.id.in_(list(signed_in) or [-1]))
        basis = "sign_in"
    else:
        query = query.where(Application.status == ACTIVE)
        basis = "applications"
    rows = db.session.execute(query.group_by(Application.kind, Application.pool)).all()
    counts = {}
    for kind, pool, n in rows:
        key = f"speak_{pool}" if kind == "speak" else "observe"
        counts[key] = counts.get(key, 0) + n
    return {"basis": basis, "counts": counts}


def meeting_comments(meeting_id: int) -> list[Comment]:
    """A meeting's comments with their responses, in case and log order (one query)."""
    return db.session.scalars(select(Comment).where(Comment.meeting_id == meeting_id)
                              .options(selectinload(Comment.response))
                              .order_by(Comment.case_id, Comment.position, Comment.id)).all()


def unanswered(comments) -> list[Unanswered]:
    """The comments without an approved response."""
    return [Unanswered(c.id, c.label) for c in comments if c.response is None or c.response.status not in ANSWERED]


def resolutions(meeting) -> dict:
    """The resolution text by case id (None: the meeting as a whole)."""
    rows = db.session.scalars(select(CaseResolution).where(CaseResolution.meeting_id == meeting.id)).all()
    return {row.case_id: row.text for row in rows}


def set_resolution(meeting, case_id: int | None, text: str, *, actor, now: datetime) -> CaseResolution:
    """Record the committee's resolution on a case of this meeting (or on the meeting as a whole: None).
    A case that is not the meeting's (removed since the page was opened) is refused, never taken as the
    meeting as a whole."""
    if case_id is not None and all(case.id != case_id for case in meeting.cases):
        raise RuleViolation.one("case_id", "case_not_of_meeting")
    row = db.session.scalar(select(CaseResolution).where(CaseResolution.meeting_id == meeting.id,
                                                         CaseResolution.case_id.is_(None) if case_id is None
                                                         else CaseResolution.case_id == case_id))
    if row is None:
        row = CaseResolution(meeting_id=meeting.id, case_id=case_id)
        db.session.add(row)
    row.text = clean_text(text, multiline=True)
    db.session.flush()
    audit.record(actor, "minutes.resolution_set", row,
                 {"title": meeting.title, "meeting_id": meeting.id, "case_id": case_id}, now=now,
                 organizer_id=meeting.organizer_id)
    return row


def _item(comment: Comment) -> dict:
    response = comment.response
    return {"comment_id": comment.id, "source": comment.source,
            "speaker": public_name(comment.name, comment.organisation, comment.confidential, mask_name),
            "text": comment.public_text, "decision": response.decision, "reasoning": sanitise(response.reasoning),
            "plan_section": response.plan_section}


def build_content(meeting, comments, attendance: dict) -> dict:
    """The minutes as published: attendance, then per case its items and resolution."""
    texts = resolutions(meeting)
    cases = [(None, "")] + [(case.id, case.title) for case in meeting.cases]
    sections = []
    for case_id, title in cases:
        items = [_item(c) for c in comments if c.case_id == case_id]
        if items or texts.get(case_id) or case_id is not None:
            sections.append({"case_id": case_id, "title": title, "items": items,
                             "resolution": texts.get(case_id, "")})
    return {"title": meeting.title, "attendance": attendance, "sections": sections}


def publish_minutes(meeting, *, members: str, agencies: str, note: str = "", actor, now: datetime) -> MinutesVersion:
    """Publish the minutes (or a correction): refused while any comment lacks an approved response (P2, P5, P6)."""
    comments = meeting_comments(meeting.id)
    problems = minutes_refusal(unanswered(comments))
    if problems:
        raise RuleViolation(problems)
    latest = latest_version(meeting.id)
    note = clean_text(note, multiline=True)
    if latest is not None and not note:
        raise RuleViolation.one("note", "correction_note_required")
    attendance = attendance_counts(meeting) | {"members": clean_text(members, multiline=True),
                                               "agencies": clean_text(agencies, multiline=True)}
    version = MinutesVersion(meeting_id=meeting.id, organizer_id=meeting.organizer_id,
                             number=(latest.number + 1) if latest else 1, note=note, published_at=now,
                             published_by_id=actor.id, content=build_content(meeting, comments, attendance))
    db.session.add(version)
    publish_responses([c.response for c in comments], actor=actor, now=now)
    db.session.flush()
    audit.record(actor, "minutes.published" if latest is None else "minutes.corrected", version,
                 {"title": meeting.title, "meeting_id": meeting.id, "number": version.number}, now=now)
    return version


def latest_version(meeting_id: int) -> MinutesVersion | None:
    """The newest published version of a meeting's minutes."""
    return db.session.scalar(select(MinutesVersion).where(MinutesVersion.meeting_id == meeting_id)
                             .order_by(MinutesVersion.number.desc()).limit(1))


def versions(meeting_id: int) -> list[MinutesVersion]:
    """Every published version, newest first."""
    return db.session.scalars(select(MinutesVersion).where(MinutesVersion.meeting_id == meeting_id)
                              .order_by(MinutesVersion.number.desc())).all()


def text_lines(content: dict) -> list[str]:
    """A version as lines of plain text, for the public comparison of two versions."""
    from .richtext import plain
    attendance = content.get("attendance", {})
    lines = [content.get("title", ""), attendance.get("members", ""), attendance.get("agencies", "")]
    for section in content.get("sections", []):
        lines.append(f"== {section['title']}")
        for item in section["items"]:
            lines += [f"#{item['comment_id']} {item['speaker']}: {item['text']}",
                      f"→ {item['decision']} {item['plan_section']} {plain(item['reasoning'])}"]
        lines.append(f"決議: {section['resolution']}")
    return [line for block in lines for line in block.splitlines()]


def changes(older: MinutesVersion, newer: MinutesVersion) -> list[tuple[str, str]]:
    """What a correction changed: ('-', line) removed, ('+', line) added."""
    diff = difflib.ndiff(text_lines(older.content), text_lines(newer.content))
    return [(line[0], line[2:]) for line in diff if line[:1] in "-+"]


def attach_signed_copy(meeting, upload, *, title: str, actor, now: datetime) -> MinutesVersion:
    """Attach the signed official copy: a material of the minutes category, linked from the newest version."""
    version = latest_version(meeting.id)
    if version is None:
        raise RuleViolation.one("file", "minutes_not_published")
    material = attach_material(meeting, title=title, category=MINUTES, upload=upload, actor=actor, now=now)
    version.signed_copy_id = material.id
    db.session.flush()
    return version

