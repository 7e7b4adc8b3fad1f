"""Written opinions (P4): taken online during the exhibition (P3), or entered by staff from paper, fax or
e-mail with a scan; each becomes one comment, which staff may split later."""
import secrets
from datetime import datetime

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..materials.services import store_upload
from ..params import MAX_ID
from ..rules import Problem
from ..rules.comments import OPEN, exhibition_state, opinion_problems
from ..rules.comments import WRITTEN as WRITTEN_SOURCE
from ..rules.names import clean_text, email_is_sendable
from ..timefmt import to_local
from ..violations import RuleViolation
from . import links
from .mails import send_receipt
from .models import Comment, Submission, SubmissionFile
from .richtext import search_key

MAX_FILES = 5


def exhibition_today(plan, now: datetime) -> str:
    """Where the plan's exhibition stands on today's Taipei date (P3)."""
    return exhibition_state(to_local(now).date(), plan.exhibition_starts_on, plan.exhibition_ends_on)


def _check(data: dict) -> dict:
    """The submission's cleaned fields, or a RuleViolation listing every problem (P4)."""
    cleaned = {key: clean_text(data.get(key, "")) for key in ("name", "organisation", "address", "email")}
    cleaned["text"] = clean_text(data.get("text", ""), multiline=True)
    problems = opinion_problems(name=cleaned["name"], organisation=cleaned["organisation"],
                                address=cleaned["address"], text=cleaned["text"])
    if cleaned["email"] and not email_is_sendable(cleaned["email"]):
        problems.append(Problem("email", "email_not_ascii"))
    if problems:
        raise RuleViolation(problems)
    return cleaned


def submit_opinion(plan, data: dict, files=(), *, now: datetime) -> Submission:
    """Take a written opinion from the public form: only while the plan is exhibited (P3, P4)."""
    if exhibition_today(plan, now) != OPEN:  # P4: opinions are taken during the exhibition only
        raise RuleViolation.one("form", "exhibition_not_open")
    if not data.get("consent"):
        raise RuleViolation.one("consent", "consent_required")
    files = [upload for upload in files if getattr(upload, "filename", "")]
    if len(files) > MAX_FILES:
        raise RuleViolation.one("files", "too_many_files")
    submission = _create(plan, _check(data), channel="online", received_at=now, now=now, actor=None,
                         confidential=bool(data.get("confidential")), locale=data.get("locale", "zh_Hant_TW"))
    submission.consented_at = now
    for upload in files:
        store_file(submission, upload, is_scan=False)
    db.session.flush()
    send_receipt(submission, now=now)
    return submission


def record_opinion(plan, data: dict, scan=None, *, actor, now: datetime) -> Submission:
    """Staff enter an opinion that came on paper, by fax or by e-mail, with the date received and a scan."""
    submission = _create(plan, _check(data), channel=data["channel"], received_at=data["received_at"], now=now,
                         actor=actor, confidential=bool(data.get("confidential")), locale="zh_Hant_TW")
    if scan is not None and getattr(scan, "filename", ""):
        store_file(submission, scan, is_scan=True)
    db.session.flush()
    send_receipt(submission, now=now)
    return submission


def _create(plan, cleaned: dict, *, channel: str, received_at: datetime, now: datetime, actor,
            confidential: bool, locale: str) -> Submission:
    receipt = links.new_receipt(to_local(now).year)
    while db.session.scalar(select(Submission.id).where(Submission.receipt == receipt)) is not None:
        receipt = links.new_receipt(to_local(now).year)  # 25^8 numbers a year: a clash is rare; the unique index guards
    submission = Submission(plan_id=plan.id, organizer_id=plan.organizer_id, receipt=receipt, nonce=links.new_nonce(),
                            channel=channel, received_at=received_at, confidential=confidential, locale=locale,
                            recorded_by_id=getattr(actor, "id", None), **cleaned)
    db.session.add(submission)
    db.session.flush()
    comment = Comment(plan_id=plan.id, organizer_id=plan.organizer_id, submission_id=submission.id,
                      source=WRITTEN_SOURCE, name=cleaned["name"], organisation=cleaned["organisation"],
                      confidential=confidential, text=cleaned["text"], received_at=received_at,
                      search_text=search_key(cleaned["text"], cleaned["organisation"]),
                      recorded_by_id=getattr(actor, "id", None))
    db.session.add(comment)
    db.session.flush()
    audit.record(actor, "comment.opinion_received", submission,
                 {"title": submission.receipt, "receipt": submission.receipt, "channel": channel},
                 now=now)
    return submission


def store_file(submission: Submission, upload, *, is_scan: bool) -> SubmissionFile:
    """Check an attachment as materials are checked (type, first bytes, size) and store it as they are."""
    try:
        saved = store_upload(upload)
    except RuleViolation as refused:  # the problem goes next to this form's own file field
        field = "scan" if is_scan else "files"
        raise RuleViolation([Problem(field, p.code, p.params) for p in refused.problems]) from refused
    record = SubmissionFile(stored_name=saved.stored_name, original_filename=saved.original_filename,
                            content_type=saved.content_type, size_bytes=saved.size_bytes, sha256=saved.sha256,
                            is_scan=is_scan)
    submission.files.append(record)
    return record


def submission_for_token(token: str) -> Submission:
    """The submission a receipt link names; ReceiptInvalid unless it exists and the nonce matches."""
    submission_id, nonce = links.read_token(token)
    submission = db.session.get(Submission, submission_id) if 1 <= submission_id <= MAX_ID else None
    if submission is None or not secrets.compare_digest(submission.nonce.encode(), nonce.encode()):
        raise links.ReceiptInvalid()
    return submission
