"""The e-mails an applicant receives, written into the outbox in the change's own transaction."""
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..calendar import build_calendar
from ..extensions import db
from ..meetings.models import Meeting
from ..outbox import attachments
from ..outbox.attachments import AttachmentUnavailable
from ..outbox.services import enqueue_mail
from ..rules.allocation import CLAIM_ACCEPTED
from ..rules.periods import cancellation_notice_by
from ..urls import external_url
from . import links
from .models import UNCONFIRMED
from .placing import holds_place, place_change, place_summary
from .wording import case_title, place_lines

# A re-submission with an address whose application awaits confirmation re-sends its link at most
# this often: someone typing another's address again and again sends them one mail, not sixty.
CONFIRMATION_RESEND_INTERVAL = timedelta(minutes=15)


def meeting_ics(meeting_id: int, locale: str, url: str) -> bytes:
    """The meeting's .ics as the meeting stands when the mail is sent (its newest SEQUENCE), in the
    applicant's language: built by the outbox worker, outside the meeting's lock."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise AttachmentUnavailable(f"meeting {meeting_id} no longer exists")
    with force_locale(locale):
        return build_calendar(meeting.title, [meeting], lambda m: url)


attachments.register("meeting_ics", meeting_ics)
attachments.register("check_in_qr", links.check_in_qr_png)


def _files(application, meeting, with_calendar: bool) -> list[dict]:
    """What to attach, recorded for the worker to build at send time (attachments.later): the
    meeting's .ics, and the check-in code as a QR image when a place is held (V2)."""
    if not with_calendar:
        return []
    url = external_url("meetings.show", meeting_id=meeting.id)
    files = [attachments.later("meeting_ics", f"meeting-{meeting.id}.ics", "text/calendar; charset=utf-8",
                               meeting_id=meeting.id, locale=application.locale or "zh_Hant_TW", url=url)]
    if application.check_in_code:
        files.append(attachments.later("check_in_qr", f"check-in-{application.check_in_code}.png", "image/png",
                                       code=application.check_in_code))
    return files


def _send(application, topic: str, subject, template: str, *, now: datetime, with_calendar: bool = False,
          **context):
    """Render and queue one mail in the applicant's language; `subject` is a lazy string. The subject
    names the meeting, never the applicant: a name anyone typed must not reach a mailbox's list."""
    if not application.email:
        return None
    with force_locale(application.locale or "zh_Hant_TW"):
        meeting = application.meeting
        context.setdefault("manage_url", external_url("registrations.manage",
                                                      token=links.make_token(application, links.MANAGE)))
        body = render_template(f"email/{template}.txt", application=application, meeting=meeting,
                               lines=place_lines(application), seated=with_calendar,
                               notice_period_left=now <= cancellation_notice_by(meeting.starts_at), **context)
        files = _files(application, meeting, with_calendar)
        subject = f"{subject} — {meeting.title}"
    return enqueue_mail(application.email, subject, body, topic=topic, now=now, attachments=files,
                        application_id=application.id, meeting_id=meeting.id)


def send_confirmation_request(application, *, now, again: bool = False):
    """Ask the applicant to confirm the address; the application counts only from then (V6). `again`:
    a re-submission, which re-sends the link only if the last one left CONFIRMATION_RESEND_INTERVAL ago."""
    last = application.confirmation_sent_at
    if again and last is not None and now - last < CONFIRMATION_RESEND_INTERVAL:
        return None
    application.confirmation_sent_at = now
    url = external_url("registrations.confirm", token=links.make_token(application, links.CONFIRM))
    return _send(application, "registration.confirm_email", _l("Please confirm your application"),
                 "registration_confirm", now=now, confirm_url=url)


def send_received(application, *, now):
    """Application confirmed: its place (with the meeting's .ics when it holds one) and check-in code."""
    return _send(application, "registration.received", _l("Application received"), "registration_received",
                 now=now, with_calendar=holds_place(application))


# How each change of place is told (V3, V6, V7): topic and subject.
PLACE_CHANGES = {
    "lost": ("registration.waitlisted", _l("Your place has changed")),
    "to_overflow": ("registration.overflow", _l("You are seated in the overflow room")),
    "gained": ("registration.promoted", _l("You have a place")),
}


# Why the places were allocated again, as the "your place changed" mail says it (issue 9, item 1).
CLAIM, CANCELLATION, REJECTION, CAPS, POOL, CHANGE, CONFIRMATION, GROUPS = (
    "claim", "cancellation", "rejection", "caps", "pool", "change", "confirmation", "groups")
CAUSES = {
    CLAIM: _l("The secretariat decided whether an applicant is a party concerned by a case; parties concerned "
              "speak before other applicants when places run short (venue rules, point 3(4))."),
    CANCELLATION: _l("Someone who had a place at this meeting cancelled their application."),
    REJECTION: _l("The secretariat did not accept an application that had a place."),
    CAPS: _l("The secretariat changed the number of places at this meeting."),
    POOL: _l("The secretariat moved a speaker between the online places and the places for applications "
             "received by other channels (venue rules, point 3(1) and 3(2))."),
    CHANGE: _l("Another applicant changed their application: they gave up a case, switched to observing or "
               "changed their organisation."),
    CONFIRMATION: _l("A new application was confirmed, and it comes before yours."),
    GROUPS: _l("The secretariat found that two group names belong to the same group; each group has one "
               "speaker per case and a limited number of observers (venue rules, point 3)."),
}


def send_place_changed(application, before: dict, *, now, cause: str | None = None):
    """The allocation moved the applicant: a place gained (promoted), lost (waiting list), or an
    observer moved from the gallery to the overflow room (V7); the mail names the `cause` (CAUSES)."""
    topic, subject = PLACE_CHANGES[place_change(before, place_summary(application)) or "gained"]
    return _send(application, topic, subject, "registration_place_changed", now=now,
                 with_calendar=holds_place(application), cause=CAUSES.get(cause))


def send_claim_decided(application, request, *, now):
    """Staff accepted or rejected a party-concerned claim (V6): what was decided, their note, the place now."""
    accepted = request.claim == CLAIM_ACCEPTED
    subject = _l("Your party-concerned claim was accepted") if accepted else \
        _l("Your party-concerned claim was not accepted")
    return _send(application, "registration.claim_decided", subject, "registration_claim_decided", now=now,
                 with_calendar=holds_place(application), request=request, accepted=accepted,
                 case=case_title(request))


def send_application_changed(application, *, now, what: str):
    """The applicant changed their application from its private page: what changed, and the place now."""
    return _send(application, "registration.changed", _l("Your application was changed"),
                 "registration_changed", now=now, with_calendar=holds_place(application), what=what)


def send_links(email: str, applications: list, *, now, locale: str):
    """The private links of every open application of one address, in one mail (resend my link)."""
    with force_locale(locale):
        items = [(application, _link_of(application)) for application in applications]
        body = render_template("email/registration_links.txt", items=items)
        subject = str(_l("Your application links"))
    return enqueue_mail(email, subject, body, topic="registration.links", now=now)


def _link_of(application) -> str:
    if application.status == UNCONFIRMED:
        return external_url("registrations.confirm", token=links.make_token(application, links.CONFIRM))
    return external_url("registrations.manage", token=links.make_token(application, links.MANAGE))


def send_cancelled(application, *, now, late: bool):
    """The applicant's cancellation, acknowledged (with W4's reminder when it came late)."""
    return _send(application, "registration.cancelled", _l("Application cancelled"), "registration_cancelled",
                 now=now, late=late)


def send_rejected(application, *, now):
    """Staff rejected the application, with their reason."""
    return _send(application, "registration.rejected", _l("Application not accepted"), "registration_rejected",
                 now=now)


def send_meeting_changed(application, *, now):
    """The meeting was postponed, cancelled or changed: the new details and .ics (W5)."""
    return _send(application, "meeting.changed", _l("The meeting has changed"), "meeting_changed", now=now,
                 with_calendar=True)
