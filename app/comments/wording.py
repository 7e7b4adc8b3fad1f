"""The names people read for decisions, sources, channels and statuses of comments and responses."""
from flask_babel import lazy_gettext as _l

from ..labels import LABELS as SHARED_LABELS

DECISION_LABELS = SHARED_LABELS["decision"]  # in labels.py, so the audit log names decisions in words too
SOURCE_LABELS = {
    "written": _l("Written opinion"),
    "oral": _l("Spoken at a meeting"),
    "statement": _l("Statement handed in at a meeting"),
}
CHANNEL_LABELS = {
    "online": _l("Online form"),
    "paper": _l("Paper"),
    "fax": _l("Fax"),
    "email": _l("E-mail"),
    "handed_in": _l("Handed in"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "approved": _l("Approved"),
    "published": _l("Published"),
}
ORAL_FORM_LABELS = {
    "written_version": _l("Speaker's written version"),
    "consented_summary": _l("Summary the speaker agreed to"),
    "staff_note": _l("Staff's note"),
}
PENDING = _l("Answer being prepared")

LABELS = {"decision": DECISION_LABELS, "source": SOURCE_LABELS, "channel": CHANNEL_LABELS,
          "response_status": STATUS_LABELS, "oral_form": ORAL_FORM_LABELS}
