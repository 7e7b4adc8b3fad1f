"""Staff pages of a meeting's notices: what was sent automatically, a manual notice previewed before it
is sent, the delivery report (proof of notice, P10), the official 公告, and W3's invited agencies."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import audit
from ..dbtypes import utcnow
from ..extensions import db
from ..formflow import refuse
from ..meetings.models import SuggestedAttendance
from ..meetings.staff_pages import managed_meeting
from ..outbox import services as outbox
from ..outbox.models import OutboxMessage
from ..params import MAX_ID
from ..spreadsheets import ODS_MIMETYPE, to_csv, to_ods
from ..violations import RuleViolation
from . import directory, queries
from .announcement import ODT_MIMETYPE, announcement, announcement_odt
from .forms_staff import ManualNoticeForm
from .models import MANUAL, AttendanceLink, Organisation
from .notices import render_notice, write_notice
from .recipients import preview
from .report import report_rows
from .wording import AUDIENCE_LABELS, NOTICE_KIND_LABELS, STATUS_LABELS, undelivered_reason

bp = Blueprint("notices_staff", __name__, url_prefix="/staff/meetings")
bp.before_request(login_required(lambda: None))
RANK_AUDIENCE = {1: "standing", 2: "contact", 3: "subscriber"}


def _page(meeting, form, shown=None, status=200):
    notices = queries.meeting_notices(meeting.id)
    links = dict(db.session.execute(
        select(AttendanceLink.suggested_attendance_id, Organisation.name).join(Organisation)
        .where(AttendanceLink.suggested_attendance_id.in_([s.id for s in meeting.suggested_attendance]))).all())
    organisations = db.session.scalars(directory.live_organisations(meeting.organizer_id)
                                       .order_by(Organisation.name)).all()
    return render_template("notices/meeting.html", meeting=meeting, form=form, notices=notices, shown=shown,
                           counts=queries.status_counts(meeting.id), kinds=NOTICE_KIND_LABELS,
                           statuses=STATUS_LABELS, audiences=AUDIENCE_LABELS, ranks=RANK_AUDIENCE,
                           attendance_links=links, organisations=organisations,
                           undelivered=queries.undelivered(meeting.id), undelivered_reason=undelivered_reason), status


@bp.get("/<int:meeting_id>/notices")
def index(meeting_id):
    """The meeting's notices with what each said and its delivery counts, and the manual notice form."""
    return _page(managed_meeting(meeting_id), ManualNoticeForm(formdata=None))


@bp.post("/<int:meeting_id>/notices/preview")
def preview_notice(meeting_id):
    """Show the recipients and the message of a manual notice before it is sent."""
    meeting = managed_meeting(meeting_id)
    form = ManualNoticeForm()
    if not form.validate_on_submit():
        return _page(meeting, form, status=400)
    total, first = preview(meeting)
    subject, body = render_notice(meeting, MANUAL, form.note.data)
    return _page(meeting, form, shown={"total": total, "first": first, "subject": subject, "body": body})


@bp.post("/<int:meeting_id>/notices/send")
def send_notice(meeting_id):
    """Write the manual notice; its messages are queued when this request commits."""
    meeting = managed_meeting(meeting_id)
    form = ManualNoticeForm()
    if not form.validate_on_submit():
        return _page(meeting, form, status=400)
    try:
        write_notice(meeting, MANUAL, now=utcnow(), actor=current_user, note=form.note.data)
    except RuleViolation as violation:
        refuse(form, violation)
        return _page(meeting, form, status=400)
    db.session.commit()
    flash(gettext("The notice is written; the outbox is sending it."), "success")
    return redirect(url_for(".index", meeting_id=meeting.id))


@bp.post("/<int:meeting_id>/notices/messages/<int:message_id>/send-again")
def send_again(meeting_id, message_id):
    """Queue one of the meeting's failed or interrupted messages again, once staff have checked it."""
    meeting = managed_meeting(meeting_id)
    message = db.session.get(OutboxMessage, message_id) if 0 < message_id <= MAX_ID else None
    if message is None or message.meeting_id != meeting.id:
        abort(404)
    try:
        outbox.send_again(message, now=utcnow())
    except outbox.NotResendable:
        flash(gettext("The message to %(email)s was already sent again or delivered; nothing was changed.",
                      email=message.recipient), "info")
        return redirect(url_for(".index", meeting_id=meeting.id, _anchor="undelivered"))
    audit.record(current_user, "outbox.sent_again", meeting, {"recipient": message.recipient,
                                                              "subject": message.subject}, now=utcnow())
    db.session.commit()
    flash(gettext("The message to %(email)s is queued again; the outbox sends it within a minute.",
                  email=message.recipient), "success")
    return redirect(url_for(".index", meeting_id=meeting.id, _anchor="undelivered"))


@bp.get("/<int:meeting_id>/notices/report.<any(csv, ods):extension>")
def report(meeting_id, extension):
    """The delivery report: who was told, when, of what, and the outcome (P10)."""
    meeting = managed_meeting(meeting_id)
    rows = report_rows(meeting.id)
    data, mimetype = (to_csv(rows), "text/csv; charset=utf-8") if extension == "csv" else \
        (to_ods(rows, "notices"), ODS_MIMETYPE)
    return data, 200, {"Content-Type": mimetype,
                       "Content-Disposition": f'attachment; filename="meeting-{meeting.id}-notices.{extension}"'}


@bp.get("/<int:meeting_id>/announcement")
def announcement_page(meeting_id):
    """The official 公告 (主旨／依據／公告事項), to print or copy."""
    meeting = managed_meeting(meeting_id)
    return render_template("notices/announcement.html", meeting=meeting, parts=announcement(meeting))


@bp.get("/<int:meeting_id>/announcement.odt")
def announcement_file(meeting_id):
    """The 公告 as an editable OpenDocument text."""
    meeting = managed_meeting(meeting_id)
    return announcement_odt(meeting), 200, {
        "Content-Type": ODT_MIMETYPE, "Content-Disposition": f'attachment; filename="announcement-{meeting.id}.odt"'}


@bp.post("/<int:meeting_id>/attendance/<int:attendance_id>/link")
def link_attendance(meeting_id, attendance_id):
    """W3: tie a suggested attendance to the directory's organisation it invites."""
    meeting = managed_meeting(meeting_id)
    attendance = db.session.get(SuggestedAttendance, attendance_id)
    chosen = request.form.get("organisation_id", type=int) or 0
    organisation = db.session.get(Organisation, chosen) if 0 < chosen <= MAX_ID else None
    if attendance is None or attendance.meeting_id != meeting.id or organisation is None \
            or organisation.organizer_id != meeting.organizer_id:
        abort(404)
    link = db.session.scalar(select(AttendanceLink).where(AttendanceLink.suggested_attendance_id == attendance.id))
    if link is None:
        link = AttendanceLink(suggested_attendance_id=attendance.id, organisation_id=organisation.id)
        db.session.add(link)
    link.organisation_id = organisation.id
    db.session.flush()
    audit.record(current_user, "directory.attendance_linked", meeting,
                 {"agency": attendance.agency, "organisation": organisation.name}, now=utcnow())
    db.session.commit()
    flash(gettext("Linked to %(name)s.", name=organisation.name), "success")
    return redirect(url_for(".index", meeting_id=meeting.id))
