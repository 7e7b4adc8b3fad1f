"""E-mails to commenters, queued in the outbox in the change's own transaction."""
from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..outbox.services import enqueue_mail
from ..urls import external_url
from . import links
from .richtext import plain
from .wording import DECISION_LABELS


def send_receipt(submission, *, now: datetime):
    """The receipt number and the signed link to follow the opinion."""
    if not submission.email:
        return None
    with force_locale(submission.locale or "zh_Hant_TW"):
        url = external_url("comments.receipt", token=links.make_token(submission))
        subject = str(_l("Your opinion on %(plan)s was received (%(receipt)s)", plan=submission.plan.name,
                         receipt=submission.receipt))
        body = render_template("email/comment_receipt.txt", submission=submission, url=url)
    return enqueue_mail(submission.email, subject, body, topic="comment.receipt", now=now)


def send_answer_published(comment, *, now: datetime):
    """Tell the commenter that the answer to their opinion is published, with the link to read it."""
    submission = comment.submission
    if submission is None or not submission.email:
        return None
    with force_locale(submission.locale or "zh_Hant_TW"):
        url = external_url("comments.receipt", token=links.make_token(submission))
        subject = str(_l("The answer to your opinion is published (%(receipt)s)", receipt=submission.receipt))
        body = render_template("email/comment_answered.txt", submission=submission, comment=comment, url=url,
                               labels_decision=DECISION_LABELS,
                               reasoning=plain(comment.response.reasoning))
    return enqueue_mail(submission.email, subject, body, topic="comment.answered", now=now)
