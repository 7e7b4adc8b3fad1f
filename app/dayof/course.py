"""The meeting's course on the day: phases, settings, comment-time extensions and recording notices
(V8, V10–V12). Every change holds the meeting's lock, checks the version it was made against, bumps it
and is audited; services flush, the view commits."""
from datetime import datetime

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..rules import Problem, speaking_time
from ..rules import meeting_course as rules
from ..violations import RuleViolation
from .models import CommentExtension, MeetingCourse, RecordingNotice
from .queue import sync_queue
from .state import budget_minutes, bump, cases_of, current_case, live_turn, locked_course, raise_if


def change_course(meeting_id: int, action: str, *, version: int | None, now: datetime, actor) -> MeetingCourse:
    """Move the meeting's course on by one step (V8 call a case, open comment, V12 deliberate, adjourn)."""
    meeting, course = locked_course(meeting_id, version, now)
    live = course.case_index is not None and live_turn(meeting_id) is not None
    before = rules.Course(course.phase, course.case_index)
    after = raise_if(rules.next_course(before, action, case_count=len(cases_of(meeting)), speaker_live=live))
    course.phase, course.case_index = after.phase, after.case_index
    case = current_case(meeting, course)
    if action == rules.CALL_CASE:
        sync_queue(meeting, course, case)
    if action == rules.DELIBERATE:
        _close_notices(meeting_id, case.key, now)  # V10: recording ends where deliberation begins
    audit.record(actor, f"dayof.course.{action}", course, {
        "from": before.phase, "to": after.phase, "case": case.title if case else None,
        "public_leaves": course.public_leaves}, now=now, organizer_id=meeting.organizer_id)
    bump(course, now)
    return course


def _close_notices(meeting_id: int, case_key: int, now: datetime):
    for notice in db.session.scalars(select(RecordingNotice).where(
            RecordingNotice.meeting_id == meeting_id, RecordingNotice.case_key == case_key,
            RecordingNotice.closed_at.is_(None))):
        notice.closed_at = now


def change_settings(meeting_id: int, *, version: int | None, minutes_per_speaker: int | None,
                    warning_seconds: int | None, public_leaves: bool, now: datetime, actor) -> MeetingCourse:
    """Change the minutes per speaker, the warning point and whether the public leaves for deliberation (V11, V12).

    A turn already under way keeps the time it started with."""
    problems = speaking_time.settings_problems(minutes_per_speaker=minutes_per_speaker, warning_seconds=warning_seconds)
    if problems:
        raise RuleViolation(problems)
    meeting, course = locked_course(meeting_id, version, now)
    before = {"minutes_per_speaker": course.minutes_per_speaker, "warning_seconds": course.warning_seconds,
              "public_leaves": course.public_leaves}
    course.minutes_per_speaker, course.warning_seconds = minutes_per_speaker, warning_seconds
    course.public_leaves = bool(public_leaves)
    audit.record(actor, "dayof.settings.changed", course, {"before": before, "after": {
        "minutes_per_speaker": minutes_per_speaker, "warning_seconds": warning_seconds,
        "public_leaves": course.public_leaves}}, now=now, organizer_id=meeting.organizer_id)
    bump(course, now)
    return course


def extend_comment(meeting_id: int, *, version: int | None, new_total: int | None, chair: str,
                   members_present: int | None, members_consenting: int | None, now: datetime, actor):
    """V11: the chair extends the current case's comment time, with every committee member present consenting."""
    meeting, course = locked_course(meeting_id, version, now)
    case = current_case(meeting, course)
    if case is None or course.phase not in (rules.CALLED, rules.COMMENT):
        raise RuleViolation.one("action", "extension_out_of_phase")
    current = budget_minutes(meeting_id, case)
    problems = speaking_time.extension_problems(new_total=new_total, current_total=current, chair=chair,
                                                members_present=members_present, members_consenting=members_consenting)
    if problems:
        raise RuleViolation(problems)
    extension = CommentExtension(meeting_id=meeting_id, case_key=case.key, previous_total=current, new_total=new_total,
                                 chair=chair.strip(), members_present=members_present,
                                 members_consenting=members_consenting, at=now, actor_id=getattr(actor, "id", None))
    db.session.add(extension)
    audit.record(actor, "dayof.comment.extended", course, {
        "case": case.title, "from": current, "to": new_total, "chair": extension.chair,
        "members_present": members_present, "members_consenting": members_consenting},
        now=now, organizer_id=meeting.organizer_id)
    bump(course, now)
    return extension


def record_notice(meeting_id: int, *, version: int | None, case_key: int | None, who: str, area: str,
                  now: datetime, actor) -> RecordingNotice:
    """V10: note who will photograph or record, for which case and from which area, before its deliberation."""
    meeting, course = locked_course(meeting_id, version, now)
    keys = [case.key for case in cases_of(meeting)]
    if case_key not in keys:
        raise RuleViolation.one("case", "case_unknown")
    problems = rules.recording_notice_problems(course.phase, case_index=course.case_index,
                                               notice_case_index=keys.index(case_key))
    problems += [Problem(name, "notice_field_required") for name, value in (("who", who), ("area", area))
                 if not (value or "").strip()]
    if problems:
        raise RuleViolation(problems)
    notice = RecordingNotice(meeting_id=meeting_id, case_key=case_key, who=who.strip(), area=area.strip(), at=now,
                             actor_id=getattr(actor, "id", None))
    db.session.add(notice)
    audit.record(actor, "dayof.recording.noted", course, {"who": notice.who, "area": notice.area, "case": case_key},
                 now=now, organizer_id=meeting.organizer_id)
    bump(course, now)
    return notice


def notices_of(meeting_id: int) -> list[RecordingNotice]:
    """The meeting's recording notices, in the order they were taken."""
    return list(db.session.scalars(select(RecordingNotice).where(RecordingNotice.meeting_id == meeting_id)
                                   .order_by(RecordingNotice.id)))
