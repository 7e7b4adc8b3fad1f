"""What the public sees of a comment and its answer (P8): names masked, organisations by name, confidential
identities withheld, never an address or contact; only published answers."""
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from ..rules.comments import PUBLISHED, public_name
from ..rules.names import mask_name
from ..timefmt import iso
from .richtext import plain


@dataclass
class PublicRow:
    """One line of the adoption-status table."""

    comment_id: int
    received_on: str
    source: str
    channel: str
    meeting: str
    meeting_id: int | None
    topic: str
    commenter: str
    confidential: bool
    text: str
    decision: str
    stored_reasoning: str
    plan_section: str
    answered_at: str

    @property
    def received_day(self) -> date | None:
        """The day received, for pages (shown with the ROC year); open data keeps the ISO text."""
        return date.fromisoformat(self.received_on) if self.received_on else None

    @property
    def reasoning(self) -> Markup:
        """The answer as HTML: stored only after bleach sanitised it (responses.draft_response), so it is
        shown as stored, without a second pass per row."""
        return Markup(self.stored_reasoning)

    @property
    def reasoning_text(self) -> str:
        """The answer as plain text, for spreadsheets and open data."""
        return plain(self.stored_reasoning)


def public_row(comment, response) -> PublicRow:
    """The public view of one comment with its response (only a published response counts)."""
    shown = response if response is not None and response.status == PUBLISHED else None
    return PublicRow(
        comment_id=comment.id, received_on=iso(comment.received_at)[:10], source=comment.source,
        channel=comment.submission.channel if comment.submission else "",
        meeting=comment.meeting.title if comment.meeting else "", meeting_id=comment.meeting_id,
        topic=comment.topic,
        commenter=public_name(comment.name, comment.organisation, comment.confidential, mask_name),
        confidential=comment.confidential, text=comment.public_text,
        decision=shown.decision if shown else "",
        stored_reasoning=shown.reasoning if shown else "",
        plan_section=shown.plan_section if shown else "",
        answered_at=iso(shown.published_at)[:10] if shown else "")
