"""Staff: the sign-in desk on the day of the meeting (V2), for a tablet as well as a laptop."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..accounts.access import require, scoped_or_404
from ..dbtypes import utcnow
from ..extensions import db
from ..formflow import refuse
from ..meetings.models import Meeting
from ..registrations.models import Application, SpeakingRequest
from ..registrations.wording import place_lines
from ..rules import Problem
from ..rules import allocation as rules
from ..violations import RuleViolation, apply_to_form, message_for
from . import signin
from .counts import desk_counts
from .forms_desk import ActionForm, CodeForm, RowSignInForm, WalkInForm
from .signin_models import SignIn
from .speakers import speaker_rows

bp = Blueprint("dayof_desk", __name__, url_prefix="/staff/meetings/<int:meeting_id>/day/desk")
bp.before_request(login_required(lambda: None))
RECENT = 15


def _meeting(meeting_id: int) -> Meeting:
    """The meeting, if the staff member acts for its organizer and may run its desk (403/404 otherwise)."""
    meeting = scoped_or_404(db.session.get(Meeting, meeting_id))
    require("registration.manage", meeting.organizer_id)
    return meeting


def render_desk(meeting, code_form=None, status=200, *, query=None, row_form=None):
    """The desk: the code field, the search and its results, the counts and the latest sign-ins.
    `row_form` is a refused row's form, shown again with what was typed and why (by its application)."""
    query = ((request.args.get("q") if query is None else query) or "")[:80]
    found = signin.find_people(meeting, query) if query.strip() else []
    standing = signin.live_sign_ins(meeting.id)
    recent = db.session.scalars(select(SignIn).where(SignIn.meeting_id == meeting.id)
                                .options(selectinload(SignIn.application))
                                .order_by(SignIn.id.desc()).limit(RECENT)).all()
    badge = signin.suggested_badge(meeting.id)
    code_form = code_form or CodeForm(formdata=None, data={"badge": badge})
    return render_template(
        "dayof/desk.html", meeting=meeting, code_form=code_form, query=query, found=found, standing=standing,
        row_forms={a.id: row_form if row_form is not None and row_form.application_id == a.id
                   else RowSignInForm(formdata=None, application_id=a.id, data={"badge": badge}) for a in found},
        recent=recent, undo_form=ActionForm(formdata=None), counts=desk_counts(meeting), lines=place_lines), status


@bp.get("")
def index(meeting_id):
    """The sign-in desk of one meeting."""
    return render_desk(_meeting(meeting_id))


def _told(application, badge: str):
    """Flash what the person is told at once: signed in with which badge, and where they sit (or wait)."""
    flash(gettext("%(name)s is signed in, badge %(badge)s.", name=application.name, badge=badge or "—"), "success")
    for line in place_lines(application):
        flash(line, "info")


@bp.post("/code")
def by_code(meeting_id):
    """Sign in by check-in code, typed or scanned (Enter submits)."""
    meeting, form = _meeting(meeting_id), CodeForm()
    if not form.validate_on_submit():
        return render_desk(meeting, form, 400)
    try:
        application = signin.application_by_code(meeting, form.code.data)
        signin.sign_in(meeting, application, badge=form.badge.data, actor=current_user, now=utcnow())
    except RuleViolation as violation:
        refuse(form, violation)
        return render_desk(meeting, form, 400)
    db.session.commit()
    _told(application, form.badge.data.strip())
    return redirect(url_for(".index", meeting_id=meeting.id), 303)


def _act(action, back: str, message=None):
    """Run one row action: commit and flash `message(result)`, or roll back and flash why nothing changed."""
    try:
        result = action()
    except RuleViolation as violation:
        db.session.rollback()
        for text in apply_to_form(None, violation):
            flash(text, "error")
        return redirect(back, 303)
    db.session.commit()
    if message:
        message(result)
    return redirect(back, 303)


@bp.post("/people/<int:application_id>/sign-in")
def sign_in_person(meeting_id, application_id):
    """Sign in one person found by name, organisation or phone."""
    meeting = _meeting(meeting_id)
    application = db.session.get(Application, application_id) or abort(404)
    form = RowSignInForm(application_id=application_id)
    query = request.form.get("q", "")[:80]
    if form.validate_on_submit():
        try:
            record = signin.sign_in(meeting, application, badge=form.badge.data, actor=current_user, now=utcnow(),
                                    field="person")
        except RuleViolation as violation:
            refuse(form, violation)  # a badge problem beside the badge, the rest at the top
        else:
            db.session.commit()
            _told(application, record.badge)
            return redirect(url_for(".index", meeting_id=meeting.id, q=query or None), 303)
    return render_desk(meeting, status=400, query=query, row_form=form)


@bp.post("/sign-ins/<int:sign_in_id>/undo")
def undo(meeting_id, sign_in_id):
    """Undo a sign-in made by mistake; audited, the record kept."""
    meeting, form = _meeting(meeting_id), ActionForm()
    back = url_for(".index", meeting_id=meeting.id)
    if not form.validate_on_submit():
        abort(400)
    return _act(lambda: signin.undo_sign_in(meeting, sign_in_id, actor=current_user, now=utcnow()), back,
                lambda record: flash(gettext("%(name)s's sign-in is undone.", name=record.application.name),
                                     "success"))


@bp.route("/walk-in", methods=["GET", "POST"])
def walk_in(meeting_id):
    """Record an application made at the desk and sign the person in; they are told where they sit."""
    meeting = _meeting(meeting_id)
    form = WalkInForm(data=None if request.method == "POST" else {"badge": signin.suggested_badge(meeting.id)})
    form.case_ids.choices = [SelectChoice(c.id, c.title) for c in meeting.cases]
    refused = False
    if form.validate_on_submit():
        try:
            application = signin.record_walk_in(meeting, form.service_data(), badge=form.badge.data,
                                                actor=current_user)
        except RuleViolation as violation:
            refused = refuse(form, violation)
        else:
            db.session.commit()
            _told(application, form.badge.data.strip())
            return redirect(url_for(".index", meeting_id=meeting.id), 303)
    status = 400 if refused or form.errors else 200
    return render_template("dayof/desk_walk_in.html", meeting=meeting, form=form), status


@bp.get("/counts")
def counts(meeting_id):
    """The live counts alone, which the desk's pages fetch again every few seconds (dayof-desk.js)."""
    meeting = _meeting(meeting_id)
    return render_template("dayof/desk_counts.html", counts=desk_counts(meeting)), {"Cache-Control": "no-store"}


@bp.get("/speakers")
def speakers(meeting_id):
    """Each case's speakers holding a place and waiting, who is present, and passing over the absent."""
    meeting = _meeting(meeting_id)
    return render_template("dayof/desk_speakers.html", meeting=meeting, cases=speaker_rows(meeting),
                           counts=desk_counts(meeting))


@bp.get("/speakers/<int:request_id>/pass-over")
def confirm_pass_over(meeting_id, request_id):
    """Ask before passing over: whose place, and who would be given it (a tap on a tablet is easily made)."""
    meeting = _meeting(meeting_id)
    request_ = db.session.get(SpeakingRequest, request_id)
    if request_ is None or request_.meeting_id != meeting.id:
        abort(404)
    if not (request_.active and request_.outcome == rules.ALLOCATED and request_.application.is_active):
        flash(message_for(Problem("speaker", "not_holding_place", {"name": request_.application.name})), "error")
        return redirect(url_for(".speakers", meeting_id=meeting.id), 303)
    chosen = signin.next_present_for(meeting, request_, request_.application)
    return render_template("dayof/desk_pass_over.html", meeting=meeting, speaking=request_,
                           would_go_to=chosen.application if chosen else None, form=ActionForm(formdata=None))


@bp.post("/speakers/<int:request_id>/pass-over")
def pass_over(meeting_id, request_id):
    """Pass over a speaker absent when their case is called; the place goes to the next present waitlisted."""
    meeting, form = _meeting(meeting_id), ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(lambda: signin.pass_over(meeting, request_id, actor=current_user, now=utcnow()),
                url_for(".speakers", meeting_id=meeting.id), _passed_over)


def _passed_over(result):
    absent, given = result
    flash(gettext("%(name)s is passed over.", name=absent.name), "success")
    if given is not None:
        flash(gettext("The place goes to %(name)s, the first person on the waiting list who is signed in.",
                      name=given.name), "info")
    else:
        flash(gettext("Nobody on the waiting list is signed in: the place goes to the waiting list in its order."),
              "info")
