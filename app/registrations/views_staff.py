"""Staff: the secretariat's desk for a meeting's applications (V1–V7) and suspensions (V15)."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from .. import audit
from ..accounts.access import require, scoped_or_404
from ..audit_sentences import audit_detail_pairs, audit_sentences
from ..dbtypes import utcnow
from ..extensions import db
from ..formflow import form_status, submit
from ..meetings.models import Meeting
from ..params import page_number, whole_number
from ..plans.models import Organizer
from ..spreadsheets import ODS_MIMETYPE, to_csv, to_ods
from ..timefmt import to_local
from . import desk, exports, services
from .forms_staff import (
    CapsForm,
    ClaimForm,
    DeskFiltersForm,
    PoolForm,
    RecordForm,
    RejectForm,
    StaffCancelForm,
    SuspensionForm,
)
from .models import Application, Suspension
from .queries_staff import (
    audit_history,
    blank_sections,
    desk_query,
    desk_summary,
    mail_history,
    paginate_applications,
    parse_desk_filters,
    sign_in_sections,
)

bp = Blueprint("desk", __name__, url_prefix="/staff")

bp.before_request(login_required(lambda: None))
PAGE_SIZE = 50
SUSPENSIONS_PAGE = 50


def _desk_meeting(meeting_id):
    meeting = scoped_or_404(db.session.get(Meeting, meeting_id))
    require("registration.manage", meeting.organizer_id)
    return meeting


def _desk_application(application_id):
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    _desk_meeting(application.meeting_id)
    return application


def render_list(meeting, caps_form=None, status=200):
    """The desk's list page with its filters, summary and the caps form (fresh unless given)."""
    filters = parse_desk_filters(request.args, meeting)
    page = paginate_applications(desk_query(meeting, filters), filters.page, PAGE_SIZE)
    filter_form = DeskFiltersForm(formdata=request.args)
    filter_form.case.choices = [SelectChoice("", gettext("All cases"))] + [
        SelectChoice(str(c.id), c.title) for c in meeting.cases]
    return render_template(
        "desk/applications.html", meeting=meeting, page=page, filters=filters, filter_form=filter_form,
        summary=desk_summary(meeting), caps_form=caps_form or CapsForm(formdata=None, obj=meeting),
        page_args=lambda **override: {"meeting_id": meeting.id} | filters.as_args(**override)), status


@bp.get("/meetings/<int:meeting_id>/applications")
def applications(meeting_id):
    """Every application of the meeting, filtered and searched, with the places used (V3–V7)."""
    return render_list(_desk_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/caps")
def caps(meeting_id):
    """Change the online speaking places (V3) and other-channel representatives (V4), with the reason."""
    meeting, form = _desk_meeting(meeting_id), CapsForm()
    done, _ = submit(form, lambda: desk.set_caps(
        meeting, speaker_cap=form.speaker_cap.data, representative_cap=form.representative_cap.data,
        reason=form.reason.data, actor=current_user, now=utcnow(), accept_losses=form.accept_losses.data),
        gettext("The number of places is changed; places were allocated again and everyone moved was told."),
        lambda _: url_for(".applications", meeting_id=meeting.id))
    return done or render_list(meeting, caps_form=form, status=400)


@bp.route("/meetings/<int:meeting_id>/applications/new", methods=["GET", "POST"])
def record(meeting_id):
    """Record an application that came by telephone, fax, paper, e-mail or on site (V4)."""
    meeting, form = _desk_meeting(meeting_id), RecordForm()
    form.case_ids.choices = [SelectChoice(c.id, c.title) for c in meeting.cases]
    done, refused = submit(form, lambda: desk.record_other_channel(
        meeting, form.service_data(), actor=current_user, now=utcnow()),
        gettext("The application is recorded and holds its place from now."),
        lambda application: url_for(".application", application_id=application.id))
    if done:
        return done
    return render_template("desk/record.html", meeting=meeting, form=form), form_status(form, refused)


def render_application(application, status=200, claim_forms=None, **forms):
    """One application's page: personal data, requests and claims, actions, history."""
    defaults = {"reject_form": RejectForm, "cancel_form": StaffCancelForm}
    forms = {name: forms.get(name) or cls(formdata=None) for name, cls in defaults.items()} | {
        "pool_form": forms.get("pool_form") or PoolForm(formdata=None, data={"pool": application.pool})}
    claims = {r.id: ClaimForm(formdata=None, request_id=r.id) for r in application.requests if r.party_concerned}
    history = audit_history(application)
    return render_template("desk/application.html", application=application, meeting=application.meeting,
                           claim_forms=claims | (claim_forms or {}), history=history,
                           sentences=audit_sentences(history), details=audit_detail_pairs(history),
                           mails=mail_history(application), **forms), status


@bp.get("/applications/<int:application_id>")
def application(application_id):
    """Everything about one application, for the secretariat: who applied, their place, who was told."""
    return render_application(_desk_application(application_id))


def _back_to(application):
    return lambda _: url_for(".application", application_id=application.id)


@bp.post("/applications/<int:application_id>/claims/<int:request_id>")
def decide_claim(application_id, request_id):
    """Accept or reject a speaker's party-concerned claim on one case (V6)."""
    application = _desk_application(application_id)
    speaking = next((r for r in application.requests if r.id == request_id), None) or abort(404)
    form = ClaimForm(request_id=request_id)
    done, _ = submit(form, lambda: desk.decide_claim(
        speaking, accept=form.decision.data == "accept", note=form.note.data, actor=current_user, now=utcnow()),
        gettext("The claim is decided; places were allocated again and everyone moved was told."),
        _back_to(application))
    return done or render_application(application, 400, claim_forms={request_id: form})


@bp.post("/applications/<int:application_id>/reject")
def reject(application_id):
    """Reject the application with a reason the applicant is told; the next person is promoted."""
    application, form = _desk_application(application_id), RejectForm()
    done, _ = submit(form, lambda: desk.reject_application(
        application, reason=form.reason.data, actor=current_user, now=utcnow()),
        gettext("The application is not accepted; the applicant was told why."), _back_to(application))
    return done or render_application(application, 400, reject_form=form)


@bp.post("/applications/<int:application_id>/pool")
def move_pool(application_id):
    """Move a speaker between online places (V3) and other-channel places (V4)."""
    application, form = _desk_application(application_id), PoolForm()
    done, _ = submit(form, lambda: desk.move_pool(application, pool=form.pool.data, actor=current_user,
                                                   now=utcnow()),
                      gettext("The speaker is moved; places were allocated again."), _back_to(application))
    return done or render_application(application, 400, pool_form=form)


@bp.post("/applications/<int:application_id>/cancel")
def cancel(application_id):
    """Cancel on the applicant's behalf (for example, they phoned); the next person is promoted."""
    application, form = _desk_application(application_id), StaffCancelForm()
    done, _ = submit(form, lambda: services.cancel_application(application, now=utcnow(), actor=current_user),
                      gettext("The application is cancelled; the applicant was told."), _back_to(application))
    return done or render_application(application, 400, cancel_form=form)


@bp.get("/meetings/<int:meeting_id>/applications.<any(csv, ods):fmt>")
def export(meeting_id, fmt):
    """Every application of the meeting as a CSV or OpenDocument spreadsheet."""
    meeting = _desk_meeting(meeting_id)
    rows = exports.export_rows(meeting)
    # Who took the applicants' personal data away, and when, is part of the record.
    audit.record(current_user, "registration.exported", meeting, {"format": fmt, "rows": len(rows)}, now=utcnow())
    db.session.commit()
    if fmt == "csv":
        body, mimetype = to_csv(rows), "text/csv"
    else:
        body, mimetype = to_ods(rows, gettext("Applications")), ODS_MIMETYPE
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="meeting-{meeting.id}-applications.{fmt}"',
        "Cache-Control": "no-store"})


@bp.get("/meetings/<int:meeting_id>/sign-in-sheet")
def sign_in_sheet(meeting_id):
    """A printable sheet for the sign-in desk (V2): everyone holding a place, with a signature column."""
    meeting = _desk_meeting(meeting_id)
    return render_template("desk/sign_in_sheet.html", meeting=meeting, sections=sign_in_sections(meeting),
                           blanks=blank_sections(meeting))


@bp.get("/suspensions")
def suspensions():
    """Suspensions of the staff member's organizer (every organizer's for admins), in force first (V15)."""
    require("registration.manage")
    page = page_number(request.args)
    query = select(Suspension).options(joinedload(Suspension.meeting)).order_by(
        Suspension.lifted_at.is_not(None), Suspension.until.desc(), Suspension.id.desc())
    if not current_user.is_admin:
        query = query.where(Suspension.organizer_id == current_user.organizer_id)
    rows = db.session.scalars(query.limit(SUSPENSIONS_PAGE + 1).offset((page - 1) * SUSPENSIONS_PAGE)).all()
    return render_template("desk/suspensions.html", suspensions=rows[:SUSPENSIONS_PAGE], page=page,
                           has_next=len(rows) > SUSPENSIONS_PAGE, today=to_local(utcnow()).date())


def _suspension_choices(form):
    """The organizers the user acts for (admins choose) and those organizers' meetings."""
    organizers = db.session.scalars(select(Organizer).order_by(Organizer.id)).all() if current_user.is_admin else []
    if organizers:
        form.organizer_id.choices = [SelectChoice(o.id, o.name) for o in organizers]
    else:
        del form.organizer_id
        form.fixed_organizer_id = current_user.organizer_id
    query = select(Meeting).where(Meeting.status != "draft").order_by(Meeting.starts_at.desc()).limit(300)
    if not current_user.is_admin:
        query = query.where(Meeting.organizer_id == current_user.organizer_id)
    meetings = db.session.scalars(query).all()
    form.meeting_organizers = {m.id: m.organizer_id for m in meetings}
    form.meeting_id.choices = [SelectChoice("", gettext("None"))] + [
        SelectChoice(m.id, f"{m.title} ({to_local(m.starts_at).date().isoformat()})") for m in meetings]


def _prefill(form, application_id):
    """Start from the person of an application ("Suspend this person")."""
    if application_id:
        application = _desk_application(application_id)
        form.process(data={"name": application.name, "email": application.email, "phone": application.phone,
                           "meeting_id": application.meeting_id, "organizer_id": application.meeting.organizer_id})


@bp.route("/suspensions/new", methods=["GET", "POST"])
def suspend():
    """Bar a person from applying to the organizer's meetings until a date (V15)."""
    require("registration.manage")
    form = SuspensionForm()
    _suspension_choices(form)
    if request.method == "GET":
        _prefill(form, whole_number(request.args.get("application")))
    done, refused = submit(form, lambda: desk.suspend_person(
        db.session.get(Organizer, form.chosen_organizer_id()) or abort(400), form.service_data(),
        actor=current_user, now=utcnow()),
        gettext("The person is suspended from applying."), lambda _: url_for(".suspensions"))
    if done:
        return done
    return render_template("desk/suspension_form.html", form=form), form_status(form, refused)


@bp.post("/suspensions/<int:suspension_id>/lift")
def lift(suspension_id):
    """End a suspension early (V15)."""
    suspension = scoped_or_404(db.session.get(Suspension, suspension_id))
    require("registration.manage", suspension.organizer_id)
    desk.lift_suspension(suspension, actor=current_user, now=utcnow())
    db.session.commit()
    flash(gettext("The suspension is lifted; the person may apply again."), "success")
    return redirect(url_for(".suspensions"))
