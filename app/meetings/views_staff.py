"""Staff pages for meetings: dashboard, create, edit, manage, publish, postpone, cancel."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from ..accounts.access import may, require, scoped_or_404
from ..dbtypes import utcnow
from ..extensions import db
from ..formflow import form_status, submit
from ..params import page_number
from ..plans.models import Organizer, Plan
from ..registrations.dashboard import meeting_counts
from ..rules.participation import may_hold_meetings_on
from ..rules.publication import DRAFT, STATUSES
from ..timefmt import to_local
from . import services
from .forms import CancelForm, MeetingForm, PostponeForm, PublishForm
from .models import Meeting
from .staff_pages import checklist_gaps, managed_meeting, render_manage

bp = Blueprint("meetings_staff", __name__, url_prefix="/staff")
DASHBOARD_PAGE_SIZE = 50
UPCOMING_SIZE = 10
bp.before_request(login_required(lambda: None))


@bp.get("/")
def dashboard():
    """The meetings of the staff member's organizer (every organizer for admins), drafts included."""
    query = select(Meeting)
    if not current_user.is_admin:
        query = query.where(Meeting.organizer_id == current_user.organizer_id)
    status = request.args.get("status")
    if status not in STATUSES:
        status = None
    if status:
        query = query.where(Meeting.status == status)
    number = page_number(request.args)
    query = query.options(joinedload(Meeting.plan), joinedload(Meeting.organizer))
    page = db.paginate(query.order_by(Meeting.starts_at.desc(), Meeting.id.desc()), page=number,
                       per_page=DASHBOARD_PAGE_SIZE, error_out=False)

    def page_args(**override):
        values = {"status": status, "page": number} | override
        return {k: v for k, v in values.items() if v and not (k == "page" and v == 1)}
    upcoming = _upcoming() if not status and number == 1 else []
    return render_template("staff/dashboard.html", page=page, status=status, page_args=page_args,
                           upcoming=upcoming, counts=meeting_counts(upcoming))


def _upcoming():
    """The meetings still to come that are not cancelled, soonest first (issue 9, item 13)."""
    query = (select(Meeting).options(joinedload(Meeting.plan), joinedload(Meeting.organizer))
             .where(Meeting.ends_at >= utcnow(), Meeting.status != "cancelled")
             .order_by(Meeting.starts_at, Meeting.id).limit(UPCOMING_SIZE))
    if not current_user.is_admin:
        query = query.where(Meeting.organizer_id == current_user.organizer_id)
    return db.session.scalars(query).all()


def _plan_and_organizer_choices(form):
    """The plans the staff member's organizer may hold meetings on (every plan for admins, whose
    choice of organizer the service checks), and the organizers they act for."""
    organizer = current_user.organizer
    plans = db.session.scalars(select(Plan).order_by(Plan.name)).all()
    form.plan_id.choices = [SelectChoice(p.id, p.name) for p in plans if current_user.is_admin or (
        organizer is not None and may_hold_meetings_on(organizer.id, organizer.county_code, p.organizer_id))]
    organizers = db.session.scalars(select(Organizer).order_by(Organizer.id)).all()
    form.organizer_id.choices = [SelectChoice(o.id, o.name) for o in organizers
                                 if may(current_user, "meeting.manage", o.id)]


def _chosen_organizer(form):
    organizer_id = form.organizer_id.data if current_user.is_admin else current_user.organizer_id
    organizer = db.session.get(Organizer, organizer_id) if organizer_id else None
    if organizer is None:
        abort(400)
    require("meeting.manage", organizer.id)
    return organizer


@bp.route("/meetings/new", methods=["GET", "POST"])
def new():
    """Create a draft meeting; its venue-rule settings start from the organizer's profile."""
    require("meeting.manage")
    form = MeetingForm()
    _plan_and_organizer_choices(form)
    if not form.plan_id.choices or not form.organizer_id.choices:
        flash(gettext("Create a plan first: every meeting belongs to a plan."), "error")
        return redirect(url_for("plans_staff.index"))
    if request.method == "GET":
        organizer = current_user.organizer or db.session.get(Organizer, form.organizer_id.choices[0].value)
        form.process(data=services.profile_defaults(organizer) | {"organizer_id": organizer.id})
    done, refused = submit(form, lambda: services.create_meeting(
        db.session.get(Plan, form.plan_id.data) or abort(400), _chosen_organizer(form), form.service_data(),
        actor=current_user, now=utcnow(), departure_reason=form.departure_reason.data),
        gettext("Draft saved. Add the agenda and materials, then publish it."),
        lambda meeting: url_for(".manage", meeting_id=meeting.id))
    if done:
        return done
    return render_template("staff/meeting_form.html", form=form, meeting=None), form_status(form, refused)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(meeting_id):
    """Edit a meeting; a form opened before someone else's save is refused as stale."""
    meeting = scoped_or_404(db.session.get(Meeting, meeting_id))
    require("meeting.manage", meeting.organizer_id)
    form = MeetingForm(obj=meeting)
    del form.plan_id, form.organizer_id  # a meeting stays with its plan and organizer; the page names them
    if request.method == "GET":
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            getattr(form, name).data = _naive_local(getattr(meeting, name))
        form.phase.data, form.sequence.data = meeting.phase or "", meeting.sequence
    done, refused = submit(form, lambda: services.update_meeting(
        meeting, form.service_data(), actor=current_user, now=utcnow(), expected_sequence=_submitted_sequence(form),
        departure_reason=form.departure_reason.data), gettext("Changes saved."),
        lambda _: url_for(".manage", meeting_id=meeting.id))
    if done:
        return done
    return render_template("staff/meeting_form.html", form=form, meeting=meeting), form_status(form, refused)


def _submitted_sequence(form) -> int:
    """The record version the form was opened at; a missing or tampered value counts as stale."""
    try:
        return int(form.sequence.data)
    except (TypeError, ValueError):
        return -1


def _naive_local(moment):
    """A stored moment as the naive Taipei wall-clock time a datetime-local field shows."""
    return to_local(moment).replace(tzinfo=None, second=0, microsecond=0) if moment else None


@bp.get("/meetings/<int:meeting_id>")
def manage(meeting_id):
    """Everything about one meeting for its organizer's staff, with the actions they may take."""
    return render_manage(scoped_or_404(db.session.get(Meeting, meeting_id)))


def _status_action(meeting, form, form_name, action, success_message):
    """Run a status workflow from a validated form; on failure re-show the manage page."""
    done, _ = submit(form, action, success_message, lambda _: url_for(".manage", meeting_id=meeting.id))
    return done or render_manage(meeting, 400, **{form_name: form})


@bp.post("/meetings/<int:meeting_id>/publish")
def publish(meeting_id):
    """Publish a draft; while its checklist has gaps, first ask to confirm (P8), on a page of its own."""
    meeting, form = managed_meeting(meeting_id), PublishForm()
    gaps = checklist_gaps(meeting)
    if meeting.status == DRAFT and gaps and form.publish_anyway.data != "yes" and form.validate_on_submit():
        return render_template("staff/meeting_publish.html", meeting=meeting, gaps=gaps, form=form)
    return _status_action(meeting, form, "publish_form",
                          lambda: services.publish_meeting(meeting, actor=current_user, now=utcnow(), gaps=gaps),
                          gettext("The meeting is published."))


@bp.get("/meetings/<int:meeting_id>/postponement")
def postponement(meeting_id):
    """The postponement form, on a page of its own (W5)."""
    return _postpone_page(managed_meeting(meeting_id), PostponeForm(formdata=None))


def _postpone_page(meeting, form, status=200):
    return render_template("staff/meeting_postpone.html", meeting=meeting, form=form,
                           original=meeting.original_times()), status


@bp.post("/meetings/<int:meeting_id>/postpone")
def postpone(meeting_id):
    """Postpone to a new time or until one is announced, perhaps online, perhaps with a new deadline (W5)."""
    meeting, form = managed_meeting(meeting_id), PostponeForm()
    done, refused = submit(form, lambda: services.postpone_meeting(meeting, form.postponement(), actor=current_user,
                                                                   now=utcnow()),
                           gettext("The meeting is postponed."),
                           lambda _: url_for(".manage", meeting_id=meeting.id))
    return done or _postpone_page(meeting, form, form_status(form, refused))


@bp.get("/meetings/<int:meeting_id>/cancellation")
def cancellation(meeting_id):
    """The cancellation form, on a page of its own (W5)."""
    meeting = managed_meeting(meeting_id)
    return render_template("staff/meeting_cancel.html", meeting=meeting, form=CancelForm(formdata=None))


@bp.post("/meetings/<int:meeting_id>/cancel")
def cancel(meeting_id):
    """Cancel with a public reason."""
    meeting, form = managed_meeting(meeting_id), CancelForm()
    done, refused = submit(form, lambda: services.cancel_meeting(meeting, reason=form.reason.data,
                                                                 actor=current_user, now=utcnow()),
                           gettext("The meeting is cancelled."),
                           lambda _: url_for(".manage", meeting_id=meeting.id))
    return done or (render_template("staff/meeting_cancel.html", meeting=meeting, form=form),
                    form_status(form, refused))
