"""Responses: a planner drafts, someone else approves, then they are published and the commenter told
(P2, P5, P6); bulk answers from templates; each organizer's response deadline."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .. import audit
from ..extensions import db
from ..rules.comments import (
    APPROVED,
    DECISIONS,
    DEFAULT_RESPONSE_DAYS,
    DRAFT,
    PUBLISHED,
    approval_problems,
    response_days_problems,
)
from ..rules.names import clean_text
from ..violations import RuleViolation
from .mails import send_answer_published
from .models import Comment, CommentSettings, Response, ResponseTemplate
from .richtext import sanitise


def _checked(decision: str, reasoning: str) -> str:
    problems = []
    if decision not in DECISIONS:
        problems.append(RuleViolation.one("decision", "decision_unknown").problems[0])
    cleaned = sanitise(reasoning)
    if not clean_text(cleaned.replace("<", " <")).strip() or not _visible(cleaned):
        problems.append(RuleViolation.one("reasoning", "reasoning_required").problems[0])
    if problems:
        raise RuleViolation(problems)
    return cleaned


def _visible(html: str) -> bool:
    from .richtext import plain
    return bool(plain(html).strip())


def draft_response(comment: Comment, *, decision: str, reasoning: str, plan_section: str = "",
                   version: int | None = None, template_id: int | None = None, actor, now: datetime) -> Response:
    """Write or rewrite the draft answer to a comment; `version` is the one the editor saw (optimistic lock)."""
    reasoning = _checked(decision, reasoning)
    response = comment.response
    if response is None:
        response = Response(comment=comment, organizer_id=comment.organizer_id, status=DRAFT, drafted_at=now)
        db.session.add(response)
    else:
        if version is not None and version != response.version:
            raise RuleViolation.one("form", "response_stale")
        if response.status != DRAFT:
            raise RuleViolation.one("status", "response_not_draft")
    response.decision, response.reasoning = decision, reasoning
    response.plan_section = clean_text(plan_section)[:200]
    response.template_id, response.drafted_by_id, response.drafted_at = template_id, actor.id, now
    _flush_or_stale()
    audit.record(actor, "response.drafted", response,
                 {"title": f"#{comment.id}", "comment_id": comment.id, "decision": decision}, now=now)
    return response


def _flush_or_stale():
    """Flush; a row another editor changed meanwhile (its version moved on) is refused, never overwritten."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise RuleViolation.one("form", "response_stale") from error


def approve_response(response: Response, *, version: int | None = None, actor, now: datetime) -> Response:
    """Approve a draft: never by the person who drafted it (P2)."""
    if version is not None and version != response.version:
        raise RuleViolation.one("form", "response_stale")
    problems = approval_problems(response.drafted_by_id, actor.id, response.status)  # P2: no self-approval
    if problems:
        raise RuleViolation(problems)
    response.status, response.approved_by_id, response.approved_at = APPROVED, actor.id, now
    _flush_or_stale()
    audit.record(actor, "response.approved", response,
                 {"title": f"#{response.comment_id}", "comment_id": response.comment_id}, now=now)
    return response


def return_to_draft(response: Response, *, actor, now: datetime) -> Response:
    """Send an approved (not yet published) response back for changes."""
    if response.status != APPROVED:
        raise RuleViolation.one("status", "response_not_approved")
    response.status, response.approved_by_id, response.approved_at = DRAFT, None, None
    _flush_or_stale()
    audit.record(actor, "response.returned", response,
                 {"title": f"#{response.comment_id}", "comment_id": response.comment_id}, now=now)
    return response


def publish_responses(responses, *, actor, now: datetime) -> int:
    """Publish approved responses and e-mail each commenter who gave an address (P8); returns how many."""
    count = 0
    for response in responses:
        if response.status != APPROVED:
            continue
        response.status, response.published_at = PUBLISHED, now
        count += 1
        audit.record(actor, "response.published", response,
                     {"title": f"#{response.comment_id}", "comment_id": response.comment_id}, now=now)
        send_answer_published(response.comment, now=now)
    _flush_or_stale()
    return count


def bulk_draft(comments: list[Comment], *, decision: str, reasoning: str, plan_section: str = "",
               template_id: int | None = None, actor, now: datetime) -> int:
    """Answer a selected group at once; each comment keeps its own response record. Approved ones are kept."""
    if not comments:
        raise RuleViolation.one("comment_ids", "nothing_selected")
    reasoning = _checked(decision, reasoning)
    done = 0
    for comment in comments:
        if comment.response is not None and comment.response.status != DRAFT:
            continue
        draft_response(comment, decision=decision, reasoning=reasoning, plan_section=plan_section,
                       template_id=template_id, actor=actor, now=now)
        done += 1
    return done


def bulk_approve(responses: list[Response], *, actor, now: datetime) -> int:
    """Approve the selected drafts that someone else drafted (P2); returns how many."""
    done = 0
    for response in responses:
        if not approval_problems(response.drafted_by_id, actor.id, response.status):  # P2
            approve_response(response, actor=actor, now=now)
            done += 1
    return done


def save_template(organizer_id: int, *, title: str, decision: str, reasoning: str, plan_section: str = "",
                  actor, now: datetime) -> ResponseTemplate:
    """Add a reusable answer for the organizer."""
    reasoning = _checked(decision, reasoning)
    if not clean_text(title):
        raise RuleViolation.one("title", "title_required")
    template = ResponseTemplate(organizer_id=organizer_id, title=clean_text(title)[:120], decision=decision,
                                reasoning=reasoning, plan_section=clean_text(plan_section)[:200])
    db.session.add(template)
    db.session.flush()
    audit.record(actor, "response.template_saved", template, {"title": template.title}, now=now)
    return template


def settings_for(organizer_id: int) -> CommentSettings:
    """The organizer's comment settings, created with the defaults when missing."""
    settings = db.session.scalar(select(CommentSettings).where(CommentSettings.organizer_id == organizer_id))
    if settings is None:
        settings = CommentSettings(organizer_id=organizer_id)
        db.session.add(settings)
        db.session.flush()
    return settings


def response_days_for(organizer_id: int | None) -> int:
    """How many days the organizer gives for an approved response (the default when never set), read only."""
    if not organizer_id:
        return DEFAULT_RESPONSE_DAYS
    days = db.session.scalar(select(CommentSettings.response_days).where(CommentSettings.organizer_id == organizer_id))
    return days or DEFAULT_RESPONSE_DAYS


def set_response_days(organizer_id: int, days: int | None, *, actor, now: datetime) -> CommentSettings:
    """Set how many days after receipt a comment should have an approved response."""
    problems = response_days_problems(days)
    if problems:
        raise RuleViolation(problems)
    settings = settings_for(organizer_id)
    before, settings.response_days = settings.response_days, days
    db.session.flush()
    audit.record(actor, "comment.deadline_set", settings, {"title": str(days), "before": before, "days": days}, now=now,
                 organizer_id=organizer_id)
    return settings
