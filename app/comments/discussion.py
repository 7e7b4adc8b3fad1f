"""Discussion items: comments grouped for the deliberation committee, with its resolution (P5)."""
from datetime import datetime

from .. import audit
from ..extensions import db
from ..rules.names import clean_text
from ..violations import RuleViolation
from .models import DiscussionItem


def create_item(plan, comments, *, title: str, actor, now: datetime) -> DiscussionItem:
    """Group the selected comments into one item for the committee."""
    if not comments:
        raise RuleViolation.one("title", "nothing_selected")
    item = DiscussionItem(plan_id=plan.id, organizer_id=plan.organizer_id, title=clean_text(title)[:200])
    item.comments = list(comments)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "discussion.created", item,
                 {"title": item.title, "comments": [c.id for c in comments]}, now=now)
    return item


def resolve_item(item: DiscussionItem, *, resolution: str, actor, now: datetime) -> DiscussionItem:
    """Record the committee's resolution on an item."""
    item.resolution, item.resolved_at = clean_text(resolution, multiline=True), now
    db.session.flush()
    audit.record(actor, "discussion.resolved", item, {"title": item.title, "resolution": item.resolution}, now=now)
    return item
