"""The public adoption-status table of a plan (P8) with its filters and Chinese search, and the staff
dashboard of comments lacking an approved response or overdue."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..meetings.models import Meeting
from ..params import page_number, whole_number
from ..rules.comments import ANSWERED, DECISIONS, PUBLISHED, SOURCES
from .models import Comment, Response
from .richtext import like_pattern

PAGE_SIZE = 50


@dataclass
class Filters:
    """What the visitor chose on the adoption page; unknown values are ignored, never an error."""

    decision: str = ""
    meeting_id: int | None = None
    source: str = ""
    topic: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "Filters":
        """Read the query string leniently."""
        return cls(decision=args.get("decision", "") if args.get("decision") in DECISIONS else "",
                   meeting_id=whole_number(args.get("meeting")),
                   source=args.get("source", "") if args.get("source") in SOURCES else "",
                   topic=args.get("topic", "")[:80], q=args.get("q", "")[:100].strip(),
                   page=page_number(args))

    def as_args(self, **changes) -> dict:
        """The query-string values, for links to other pages of the same list."""
        values = {"decision": self.decision, "meeting": self.meeting_id or "", "source": self.source,
                  "topic": self.topic, "q": self.q, "page": self.page} | changes
        return {k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}


def _conditions(plan_id: int, filters: Filters) -> list:
    where = [Comment.plan_id == plan_id]
    if filters.decision:  # only published decisions are public
        where += [Response.decision == filters.decision, Response.status == PUBLISHED]
    if filters.meeting_id:
        where.append(Comment.meeting_id == filters.meeting_id)
    if filters.source:
        where.append(Comment.source == filters.source)
    if filters.topic:
        where.append(Comment.topic == filters.topic)
    if filters.q:  # folded text on both sides, so 臺/台 and Simplified characters match; works on every engine
        where.append(Comment.search_text.like(like_pattern(filters.q), escape="\\"))
    return where


def adoption_page(plan_id: int, filters: Filters) -> tuple[list, int]:
    """One page of the plan's comments with their responses, and how many match (two queries)."""
    where = _conditions(plan_id, filters)
    total = db.session.scalar(select(func.count(Comment.id)).select_from(Comment)
                              .outerjoin(Response, Response.comment_id == Comment.id).where(*where))
    rows = db.session.execute(
        select(Comment, Response).outerjoin(Response, Response.comment_id == Comment.id).where(*where)
        .options(joinedload(Comment.meeting), joinedload(Comment.submission))
        .order_by(Comment.received_at, Comment.id)
        .limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)).all()
    return rows, total


def adoption_rows(plan_id: int, filters: Filters | None = None) -> list:
    """Every matching comment of the plan with its response (for exports and open data)."""
    where = _conditions(plan_id, filters or Filters())
    return db.session.execute(
        select(Comment, Response).outerjoin(Response, Response.comment_id == Comment.id).where(*where)
        .options(joinedload(Comment.meeting), joinedload(Comment.submission))
        .order_by(Comment.received_at, Comment.id)).all()


def filter_choices(plan_id: int) -> tuple[list, list]:
    """The plan's meetings that have comments, and its topics, for the filter menus."""
    meetings = db.session.execute(select(Meeting.id, Meeting.title).where(
        Meeting.id.in_(select(Comment.meeting_id).where(Comment.plan_id == plan_id))).order_by(Meeting.starts_at)).all()
    topics = db.session.scalars(select(Comment.topic).where(Comment.plan_id == plan_id, Comment.topic != "")
                                .distinct().order_by(Comment.topic)).all()
    return meetings, topics


@dataclass
class Backlog:
    """Comments lacking an approved response, and those past their deadline."""

    missing: int = 0
    overdue: int = 0


def backlog(group_column, where, *, days: int, today_start) -> dict:
    """Missing and overdue counts by `group_column` (a plan or meeting id) in one query."""
    unanswered = or_(Response.id.is_(None), Response.status.not_in(ANSWERED))
    deadline = today_start - timedelta(days=days)  # received before this moment, still unanswered: overdue
    rows = db.session.execute(
        select(group_column, func.count(Comment.id),
               func.coalesce(func.sum(case((Comment.received_at < deadline, 1), else_=0)), 0))
        .select_from(Comment).outerjoin(Response, Response.comment_id == Comment.id)
        .where(and_(unanswered, *where)).group_by(group_column)).all()
    return {key: Backlog(int(missing), int(overdue)) for key, missing, overdue in rows}
