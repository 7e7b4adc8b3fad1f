"""Staff actions on a meeting's parts: agenda items (W2), cases (V11), suggested attendance (W3)."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..dbtypes import utcnow
from ..extensions import db
from ..formflow import form_status, refuse, submit
from ..timefmt import from_local, to_local
from ..violations import RuleViolation
from . import agenda
from .forms import AgendaItemForm, AttendanceForm, CaseForm
from .models import AgendaItem, ReviewCase, SuggestedAttendance
from .staff_pages import managed_meeting, render_manage

bp = Blueprint("meeting_parts", __name__, url_prefix="/staff/meetings/<int:meeting_id>")
bp.before_request(login_required(lambda: None))


def _on_meeting_day(meeting, clock_time):
    day = to_local(meeting.starts_at).date()
    return from_local(datetime.combine(day, clock_time))


def _agenda_values(meeting, form) -> dict:
    return {"starts_at": _on_meeting_day(meeting, form.starts_at.data),
            "ends_at": _on_meeting_day(meeting, form.ends_at.data),
            "title": form.title.data, "presenter": form.presenter.data or ""}


def _case_values(meeting, form) -> dict:
    return {"title": form.title.data, "summary": form.summary.data or "", "comment_minutes": form.comment_minutes.data}


def _attendance_values(meeting, form) -> dict:
    return {"agency": form.agency.data, "unit": form.unit.data or "", "seats": form.seats.data,
            "subtopics": form.subtopics.data or ""}


@dataclass(frozen=True)
class Part:
    """How one kind of meeting part is read from its form, added and changed."""

    model: type
    form: type
    form_name: str  # the manage page's variable for this part's form
    heading: str
    values: Callable
    add: Callable
    change: Callable


PARTS = {
    "agenda": Part(AgendaItem, AgendaItemForm, "agenda_form", _l("Edit agenda item"), _agenda_values,
                   agenda.add_agenda_item, agenda.change_agenda_item),
    "cases": Part(ReviewCase, CaseForm, "case_form", _l("Edit case"), _case_values, agenda.add_case,
                  agenda.change_case),
    "attendance": Part(SuggestedAttendance, AttendanceForm, "attendance_form", _l("Edit suggested attendance"),
                       _attendance_values, agenda.add_suggested_attendance, agenda.change_suggested_attendance),
}


def _back_to_list(meeting, part: str) -> str:
    """The manage page, opened at the list the change was made in (issue 9, item 12)."""
    return url_for("meetings_staff.manage", meeting_id=meeting.id, _anchor=part)


def _part_or_404(meeting, part: Part, part_id: int):
    row = db.session.get(part.model, part_id)
    if row is None or row.meeting_id != meeting.id:
        abort(404)
    return row


@bp.post("/<any(agenda, cases, attendance):part>")
def add(meeting_id, part):
    """Add an agenda item (W2), a case under review (V11) or a suggested-attendance row (W3)."""
    meeting, kind = managed_meeting(meeting_id), PARTS[part]
    form = kind.form()
    done, _ = submit(form, lambda: kind.add(meeting, **kind.values(meeting, form), actor=current_user, now=utcnow()),
                     gettext("Added."), lambda _: _back_to_list(meeting, part))
    return done or render_manage(meeting, 400, **{kind.form_name: form})


@bp.route("/<any(agenda, cases, attendance):part>/<int:part_id>/edit", methods=["GET", "POST"])
def edit(meeting_id, part, part_id):
    """Change an agenda item, case or suggested-attendance row on a page of its own."""
    meeting, kind = managed_meeting(meeting_id), PARTS[part]
    row = _part_or_404(meeting, kind, part_id)
    form = kind.form(obj=row)
    if request.method == "GET" and part == "agenda":
        form.starts_at.data, form.ends_at.data = to_local(row.starts_at).time(), to_local(row.ends_at).time()
    done, refused = submit(
        form, lambda: kind.change(meeting, row, **kind.values(meeting, form), actor=current_user, now=utcnow()),
        gettext("Changes saved."), lambda _: _back_to_list(meeting, part))
    if done:
        return done
    return render_template("staff/part_form.html", form=form, meeting=meeting, heading=kind.heading,
                           back=_back_to_list(meeting, part)), \
        form_status(form, refused)


@bp.post("/<any(agenda, cases, attendance):part>/<int:part_id>/delete")
def remove(meeting_id, part, part_id):
    """Remove an agenda item, case or suggested-attendance row."""
    meeting = managed_meeting(meeting_id)
    row = _part_or_404(meeting, PARTS[part], part_id)
    try:
        agenda.remove_part(meeting, row, actor=current_user, now=utcnow())
    except RuleViolation as violation:
        refuse(None, violation)
        return redirect(_back_to_list(meeting, part))
    db.session.commit()
    flash(gettext("Removed."), "success")
    return redirect(_back_to_list(meeting, part))
