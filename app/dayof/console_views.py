"""Staff: the secretariat's console for the meeting's course and speaking queue (V8, V10–V12, V14)."""
from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..accounts.access import require, scoped_or_404
from ..dbtypes import utcnow
from ..extensions import db
from ..meetings.models import Meeting
from ..rules import meeting_course as rules
from ..spreadsheets import ODS_MIMETYPE
from ..violations import RuleViolation
from . import course, queue, speech_log
from .display import display_state, read_head
from .forms_course import ActionForm, ExtensionForm, NoticeForm, SettingsForm, WrittenForm
from .messages import PHASE_LABELS, TURN_STATE_LABELS, message_for
from .state import budget_minutes, cases_of, course_of, current_case, new_course
from .views_live import json_with_etag

bp = Blueprint("course", __name__, url_prefix="/staff")
bp.before_request(login_required(lambda: None))
MOVES = {"up": -1, "down": 1}


def _console_meeting(meeting_id: int) -> Meeting:
    meeting = scoped_or_404(db.session.get(Meeting, meeting_id))
    require("registration.manage", meeting.organizer_id)  # the secretariat of the meeting's organizer
    return meeting


def render_console(meeting: Meeting, *, problems=(), forms=None, status=200):
    """The console page: the live panel, the course's steps, the queue and the day's forms."""
    state = course_of(meeting.id) or new_course(meeting)
    case = current_case(meeting, state)
    turns = queue.queue_of(meeting.id, case.key) if case else []
    forms = forms or {}
    settings = forms.get("settings") or SettingsForm(formdata=None, obj=state, version=state.version)
    extension = forms.get("extension") or ExtensionForm(formdata=None, version=state.version)
    notice = forms.get("notice") or NoticeForm(formdata=None, version=state.version)
    notice.case.choices = [(c.key, c.title) for c in cases_of(meeting)]
    if case is not None and not forms.get("notice"):
        notice.case.data = case.key
    live = display_state(meeting.id, utcnow(), masked=False)
    return render_template(
        "dayof/console.html", meeting=meeting, course=state, case=case, turns=turns, live=live,
        budget=budget_minutes(meeting.id, case) if case else None, problems=[message_for(p) for p in problems],
        settings_form=settings, extension_form=extension, notice_form=notice, rules=rules,
        steps=_legal_steps(state, len(cases_of(meeting))), phase_labels=PHASE_LABELS,
        state_labels=TURN_STATE_LABELS, notices=course.notices_of(meeting.id),
        case_titles={c.key: c.title for c in cases_of(meeting)}, written_form=WrittenForm), status


def _legal_steps(state, case_count: int) -> list[str]:
    now_course = rules.Course(state.phase, state.case_index)
    return [a for a in rules.COURSE_ACTIONS
            if isinstance(rules.next_course(now_course, a, case_count=case_count), rules.Course)]


@bp.get("/meetings/<int:meeting_id>/course")
def console(meeting_id):
    """The console for the meeting's day."""
    return render_console(_console_meeting(meeting_id))


def _act(meeting_id: int, form, perform, *, form_key: str | None = None):
    """Validate the form, run `perform(form)` and commit; a refusal changes nothing and re-shows the console."""
    meeting = _console_meeting(meeting_id)
    if not form.validate_on_submit():
        db.session.rollback()
        problems = [] if form_key else [RuleViolation.one("version", "stale_state").problems[0]]
        return render_console(meeting, problems=problems, forms={form_key: form} if form_key else None, status=400)
    try:
        perform(form)
    except RuleViolation as violation:
        db.session.rollback()
        stale = any(p.code == "stale_state" for p in violation.problems)
        shown = [p for p in violation.problems if not (form_key and hasattr(form, p.field))]
        for p in violation.problems:
            if form_key and hasattr(form, p.field):
                getattr(form, p.field).errors = list(getattr(form, p.field).errors) + [message_for(p)]
        if stale:
            return render_console(meeting, problems=shown, status=409)
        return render_console(meeting, problems=shown, forms={form_key: form} if form_key else None, status=400)
    db.session.commit()
    return redirect(url_for("course.console", meeting_id=meeting_id), code=303)


@bp.post("/meetings/<int:meeting_id>/course/step/<action>")
def step(meeting_id, action):
    """Call the next case, open comment, start deliberation or adjourn."""
    if action not in rules.COURSE_ACTIONS:
        abort(404)
    return _act(meeting_id, ActionForm(), lambda f: course.change_course(
        meeting_id, action, version=f.version.data, now=utcnow(), actor=current_user))


@bp.post("/meetings/<int:meeting_id>/course/call-next")
def call_next(meeting_id):
    """Call the first waiting speaker to the microphone."""
    return _act(meeting_id, ActionForm(), lambda f: queue.call_next(
        meeting_id, version=f.version.data, now=utcnow(), actor=current_user))


@bp.post("/meetings/<int:meeting_id>/course/turns/<int:turn_id>/<action>")
def turn(meeting_id, turn_id, action):
    """Start, pause, resume, stop, mark absent, skip, requeue or move one speaker."""
    if action in MOVES:
        return _act(meeting_id, ActionForm(), lambda f: queue.move_turn(
            meeting_id, turn_id, MOVES[action], version=f.version.data, now=utcnow(), actor=current_user))
    if action not in rules.TURN_ACTIONS or action == rules.CALL_NEXT:
        abort(404)
    return _act(meeting_id, ActionForm(), lambda f: queue.act_on_turn(
        meeting_id, turn_id, action, version=f.version.data, now=utcnow(), actor=current_user))


@bp.post("/meetings/<int:meeting_id>/course/turns/<int:turn_id>/written")
def written(meeting_id, turn_id):
    """Record a written version or a consented summary of a speech (V14)."""
    return _act(meeting_id, WrittenForm(), lambda f: queue.record_written(
        meeting_id, turn_id, version=f.version.data, written_version=f.written_version.data,
        summary=f.summary.data or "", now=utcnow(), actor=current_user))


@bp.post("/meetings/<int:meeting_id>/course/settings")
def settings(meeting_id):
    """Change the minutes per speaker, the warning point and whether the public leaves (V11, V12)."""
    return _act(meeting_id, SettingsForm(), lambda f: course.change_settings(
        meeting_id, version=f.version.data, minutes_per_speaker=f.minutes_per_speaker.data,
        warning_seconds=f.warning_seconds.data, public_leaves=f.public_leaves.data, now=utcnow(),
        actor=current_user), form_key="settings")


@bp.post("/meetings/<int:meeting_id>/course/extension")
def extension(meeting_id):
    """The chair extends the case's comment time (V11)."""
    return _act(meeting_id, ExtensionForm(), lambda f: course.extend_comment(
        meeting_id, version=f.version.data, new_total=f.new_total.data, chair=f.chair.data or "",
        members_present=f.members_present.data, members_consenting=f.members_consenting.data, now=utcnow(),
        actor=current_user), form_key="extension")


@bp.post("/meetings/<int:meeting_id>/course/notices")
def notices(meeting_id):
    """Take a notice to photograph or record (V10)."""
    meeting = _console_meeting(meeting_id)
    form = NoticeForm()
    form.case.choices = [(c.key, c.title) for c in cases_of(meeting)]
    return _act(meeting_id, form, lambda f: course.record_notice(
        meeting_id, version=f.version.data, case_key=f.case.data, who=f.who.data or "", area=f.area.data or "",
        now=utcnow(), actor=current_user), form_key="notice")


@bp.get("/meetings/<int:meeting_id>/course.json")
def console_json(meeting_id):
    """The console's live state: the display's, with full names (staff only)."""
    meeting = _console_meeting(meeting_id)
    return json_with_etag(read_head(meeting.id), masked=False)


@bp.get("/meetings/<int:meeting_id>/speeches.<any(csv, ods):kind>")
def speeches(meeting_id, kind):
    """The speech log as CSV or ODS (V14)."""
    meeting = _console_meeting(meeting_id)
    body = speech_log.log_csv(meeting) if kind == "csv" else speech_log.log_ods(meeting)
    mimetype = "text/csv; charset=utf-8" if kind == "csv" else ODS_MIMETYPE
    name = f"speeches-{meeting.id}.{kind}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})

