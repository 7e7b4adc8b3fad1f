"""The names people read for the directory's and the notices' codes."""
import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

ORGANISATION_KIND_LABELS = {
    "ngo": _l("NGO"), "community": _l("Community group"), "academic": _l("Academic"),
    "agency": _l("Government agency"), "company": _l("Company"), "elected": _l("Elected office"),
}
NOTICE_KIND_LABELS = {
    "published": _l("Meeting announced"), "changed": _l("Meeting details changed"),
    "postponed": _l("Meeting postponed"), "cancelled": _l("Meeting cancelled"),
    "registration_open": _l("Registration open"), "minutes": _l("Minutes published"),
    "manual": _l("Notice from the organizer"),
}
AUDIENCE_LABELS = {"standing": _l("Standing invitee (P11)"), "contact": _l("Directory contact (P10)"),
                   "subscriber": _l("Subscriber"), "registrant": _l("Registered for the meeting")}
STATUS_LABELS = {"pending": _l("Queued"), "sending": _l("Sending"), "sent": _l("Sent"), "failed": _l("Failed"),
                 "suppressed": _l("Suppressed"), "uncertain": _l("Interrupted, not resent")}
IMPORT_ACTIONS = {"create": _l("Create"), "update": _l("Update"), "unchanged": _l("Unchanged"),
                  "merge": _l("Merge"), "reject": _l("Reject")}
IMPORT_REASONS = {
    "name_missing": _l("the name is missing"), "email_invalid": _l("the e-mail address is not valid"),
    "kind_unknown": _l("unknown kind of organisation"), "county_unknown": _l("unknown county"),
    "meeting_kind_unknown": _l("unknown kind of meeting"), "plan_unknown": _l("unknown plan"),
    "same_as_row": _l("the same organisation and contact as row"),
    "same_name_as": _l("the same organisation as (name written differently)"),
}


_SMTP_REPLY = re.compile(r"\((\d{3}), b?['\"]([^'\"]*)['\"]\)")


def undelivered_reason(status: str, last_error: str) -> str:
    """Why an undelivered message was not delivered, in the reader's language: the mail server's refusal
    with its code, an interrupted sending, or the worker's own words (a malformed or unsendable one)."""
    if status == "uncertain":
        return gettext("The sending stopped midway; the mail server may have taken it.")
    reply = _SMTP_REPLY.search(last_error or "")
    if reply:
        return gettext("The mail server refused it: %(code)s %(reply)s", code=reply.group(1), reply=reply.group(2))
    return last_error or ""
