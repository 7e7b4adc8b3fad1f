"""Proof of notice (P10): per meeting, who was told, when, of what, and the outcome — as rows for CSV and ODS."""
from flask_babel import lazy_gettext as _l

from ..timefmt import iso
from .queries import delivery_rows
from .wording import AUDIENCE_LABELS, NOTICE_KIND_LABELS, STATUS_LABELS

HEADERS = (_l("Notice"), _l("What"), _l("Written (ISO 8601)"), _l("Recipient"), _l("Why"), _l("Outcome"),
           _l("Attempts"), _l("Sent (ISO 8601)"), _l("Server's reply"))


def report_rows(meeting_id: int) -> list[list]:
    """The delivery report: a header, then one row per message (registrants' own change mails included)."""
    rows = [[str(h) for h in HEADERS]]
    for message, notice in delivery_rows(meeting_id):
        what = str(NOTICE_KIND_LABELS[notice.kind]) if notice else str(_l("Change mail to a registrant"))
        why = str(AUDIENCE_LABELS.get(message.audience or "registrant", message.audience))
        rows.append([notice.id if notice else "", what, iso(message.created_at), message.recipient, why,
                     str(STATUS_LABELS.get(message.status, message.status)), message.attempts, iso(message.sent_at),
                     message.last_error])
    return rows
