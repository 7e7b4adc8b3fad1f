"""The words people read for the comment rules' problems, added to the shared table (violations.MESSAGES)."""
from flask_babel import lazy_gettext as _l

from ..violations import MESSAGES

COMMENT_MESSAGES = {
    "opinion_name_required": _l("Give your name or your organisation's name: the law asks for it with a "
                                "written opinion."),
    "opinion_address_required": _l("Give your address: the law asks for it with a written opinion. It is never "
                                   "published."),
    "opinion_text_required": _l("Write your opinion."),
    "opinion_text_too_long": _l("Your opinion has %(length)s characters; the most accepted is %(maximum)s. "
                                "Shorten it, or attach the rest as a file."),
    "exhibition_not_open": _l("Written opinions are taken only while the plan is on public exhibition."),
    "response_not_draft": _l("Only a draft response can be approved or changed; this one is already approved."),
    "self_approval": _l("You drafted this response, so someone else must approve it."),
    "response_not_approved": _l("Only an approved response can be published."),
    "response_stale": _l("Someone else changed this response while you were editing it. Nothing was saved; "
                         "the page now shows their version, so make your changes again."),
    "minutes_unanswered": _l("The minutes cannot be published: %(count)s comment(s) have no approved response "
                             "yet: %(comments)s."),
    "reasoning_required": _l("Write the reasoning for the decision."),
    "decision_unknown": _l("Choose a decision from the list."),
    "nothing_selected": _l("Select at least one comment."),
    "split_needs_parts": _l("Give at least two parts, separated by a line with only --- on it."),
    "response_days_out_of_range": _l("The response deadline is between %(low)s and %(high)s days."),
    "comment_text_required": _l("Enter the comment's text."),
    "speaker_required": _l("Enter the speaker's name or organisation."),
    "case_not_of_meeting": _l("Choose one of this meeting's cases."),
    "correction_note_required": _l("Say what this correction changes; the public sees it in the history."),
    "minutes_not_published": _l("Publish the minutes first."),
    "title_required": _l("Enter a title."),
    "too_many_files": _l("Attach at most 5 files."),
}
MESSAGES.update(COMMENT_MESSAGES)
