"""The e-mails an applicant receives, written into the outbox in the change's own transaction."""
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..calendar import build_calendar
from ..outbox.services import attachment, enqueue_mail
from ..rules.periods import cancellation_notice_by
from ..urls import external_url
from . import links
from .placing import holds_place, place_change, place_summary
from .wording import place_lines

# A re-submission with an address whose application awaits confirmation re-sends its link at most
# this often: someone typing another's address again and again sends them one mail, not sixty.
CONFIRMATION_RESEND_INTERVAL = timedelta(minutes=15)


def _meeting_ics(meeting) -> dict:
    url = external_url("meetings.show", meeting_id=meeting.id)
    body = build_calendar(meeting.title, [meeting], lambda m: url)
    return attachment(f"meeting-{meeting.id}.ics", "text/calendar; charset=utf-8", body)


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
        files = [_meeting_ics(meeting)] if with_calendar else []
        if with_calendar and application.check_in_code:  # a place held: the code for the sign-in desk (V2)
            files.append(attachment(f"check-in-{application.check_in_code}.png", "image/png",
                                    links.check_in_qr_png(application.check_in_code)))
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


def send_place_changed(application, before: dict, *, now):
    """The allocation moved the applicant: a place gained (promoted), lost (waiting list), or an
    observer moved from the gallery to the overflow room (V7)."""
    topic, subject = PLACE_CHANGES[place_change(before, place_summary(application)) or "gained"]
    return _send(application, topic, subject, "registration_place_changed", now=now,
                 with_calendar=holds_place(application))


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
