"""Staff actions on a meeting's parts: agenda items (W2), cases (V11), suggested attendance (W3)."""
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from ..dbtypes import utcnow
from ..extensions import db
from ..timefmt import from_local, to_local
from ..violations import RuleViolation, refuse
from . import agenda
from .forms import AgendaItemForm, AttendanceForm, CaseForm
from .models import AgendaItem, ReviewCase, SuggestedAttendance
from .views_staff import _managed_meeting, render_manage

bp = Blueprint("meeting_parts", __name__, url_prefix="/staff/meetings/<int:meeting_id>")
bp.before_request(login_required(lambda: None))
PARTS = {"agenda": AgendaItem, "cases": ReviewCase, "attendance": SuggestedAttendance}


def _on_meeting_day(meeting, clock_time):
    day = to_local(meeting.starts_at).date()
    return from_local(datetime.combine(day, clock_time))


def _add(meeting_id, form, form_name, add):
    meeting = _managed_meeting(meeting_id)
    if form.validate_on_submit():
        try:
            add(meeting)
        except RuleViolation as violation:
            refuse(form, violation)
        else:
            db.session.commit()
            flash(gettext("Added."), "success")
            return redirect(url_for("meetings_staff.manage", meeting_id=meeting.id))
    return render_manage(meeting, 400, **{form_name: form})


@bp.post("/agenda")
def add_agenda_item(meeting_id):
    """Add a timed agenda item."""
    form = AgendaItemForm()
    return _add(meeting_id, form, "agenda_form", lambda m: agenda.add_agenda_item(
        m, starts_at=_on_meeting_day(m, form.starts_at.data), ends_at=_on_meeting_day(m, form.ends_at.data),
        title=form.title.data, presenter=form.presenter.data or "", actor=current_user, now=utcnow()))


@bp.post("/cases")
def add_case(meeting_id):
    """Add a case under review."""
    form = CaseForm()
    return _add(meeting_id, form, "case_form", lambda m: agenda.add_case(
        m, title=form.title.data, summary=form.summary.data or "", comment_minutes=form.comment_minutes.data,
        actor=current_user, now=utcnow()))


@bp.post("/attendance")
def add_attendance(meeting_id):
    """Add a suggested-attendance row."""
    form = AttendanceForm()
    return _add(meeting_id, form, "attendance_form", lambda m: agenda.add_suggested_attendance(
        m, agency=form.agency.data, unit=form.unit.data or "", seats=form.seats.data,
        subtopics=form.subtopics.data or "", actor=current_user, now=utcnow()))


@bp.post("/<any(agenda, cases, attendance):part>/<int:part_id>/delete")
def remove(meeting_id, part, part_id):
    """Remove an agenda item, case or suggested-attendance row."""
    meeting = _managed_meeting(meeting_id)
    row = db.session.get(PARTS[part], part_id)
    if row is None or row.meeting_id != meeting.id:
        abort(404)
    agenda.remove_part(meeting, row, actor=current_user, now=utcnow())
    db.session.commit()
    flash(gettext("Removed."), "success")
    return redirect(url_for("meetings_staff.manage", meeting_id=meeting.id))
