"""What the staff pages of a meeting share (the meetings_staff and meeting_parts blueprints): the
meeting the signed-in staff member may manage, its checklist, and its manage page."""
from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..accounts.access import require, scoped_or_404
from ..audit import AuditEntry
from ..audit_sentences import audit_sentences
from ..extensions import db
from ..materials.models import Material
from ..rules.publication import publication_gaps
from .forms import AgendaItemForm, AttendanceForm, CaseForm, PublishForm
from .models import Meeting


def managed_meeting(meeting_id: int) -> Meeting:
    """The meeting, if the staff member may manage it: 404 outside their organizer, 403 without the role."""
    meeting = scoped_or_404(db.session.get(Meeting, meeting_id))
    require("meeting.manage", meeting.organizer_id)
    return meeting


def checklist_gaps(meeting: Meeting) -> list[str]:
    """What the meeting still lacks before publication, in the checklist's order (P8)."""
    materials = db.session.scalar(select(func.count()).select_from(Material).where(Material.meeting_id == meeting.id))
    return publication_gaps(agenda_items=len(meeting.agenda_items), cases=len(meeting.cases), materials=materials,
                            has_registration_window=meeting.registration_closes_at is not None)


def render_manage(meeting, status=200, **forms):
    """The manage page, in the routine's order (checklist, preview, publication, then the parts), with
    fresh forms except those passed in (which carry errors)."""
    defaults = {"publish_form": PublishForm, "agenda_form": AgendaItemForm, "case_form": CaseForm,
                "attendance_form": AttendanceForm}
    forms = {name: forms.get(name) or cls(formdata=None) for name, cls in defaults.items()}
    materials = db.session.scalars(select(Material).where(Material.meeting_id == meeting.id)).all()
    history = db.session.scalars(
        select(AuditEntry).options(joinedload(AuditEntry.actor))
        .where(AuditEntry.target_type == "meetings", AuditEntry.target_id == meeting.id)
        .order_by(AuditEntry.id.desc()).limit(50)).all()
    return render_template("staff/meeting_manage.html", meeting=meeting, materials=materials, history=history,
                           sentences=audit_sentences(history), gaps=checklist_gaps(meeting), **forms), status
