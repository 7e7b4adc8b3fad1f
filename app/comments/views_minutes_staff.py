"""Staff: a meeting's minutes (resolutions, publishing, corrections, the signed copy) and a plan's
discussion items for the deliberation committee (P2, P5, P6, P8)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.access import require, scoped_or_404
from ..dbtypes import utcnow
from ..extensions import db
from ..formflow import form_status, refuse, submit
from ..meetings.models import Meeting, SuggestedAttendance
from ..params import whole_number
from ..plans.models import Plan
from ..violations import RuleViolation, message_for
from . import minutes
from .discussion import create_item, resolve_item
from .forms import DiscussionForm, MinutesForm, ResolutionForm, SignedCopyForm
from .models import Comment, DiscussionItem

bp = Blueprint("comments_minutes_staff", __name__, url_prefix="/staff/comments")
bp.before_request(login_required(lambda: None))


def _meeting(meeting_id: int) -> Meeting:
    meeting = scoped_or_404(db.session.get(Meeting, meeting_id))
    require("comment.manage", meeting.organizer_id)
    return meeting


def _render(meeting, status=200, refusal=None, form=None, copy_form=None, typed=None):
    comments = minutes.meeting_comments(meeting.id)
    texts = minutes.resolutions(meeting) | (typed or {})  # a refused resolution keeps what was typed
    agencies = db.session.scalars(select(SuggestedAttendance.agency).where(
        SuggestedAttendance.meeting_id == meeting.id)).all()
    form = form or MinutesForm(formdata=None, agencies="\n".join(dict.fromkeys(agencies)))
    latest = minutes.latest_version(meeting.id)
    if latest is not None and form.members.data is None:
        form.members.data = latest.content["attendance"].get("members", "")
    return render_template("comments/staff_minutes.html", meeting=meeting, comments=comments, texts=texts,
                           form=form, copy_form=copy_form or SignedCopyForm(formdata=None), latest=latest,
                           unanswered=minutes.unanswered(comments), refusal=refusal,
                           resolution_form=ResolutionForm(formdata=None)), status


@bp.get("/meetings/<int:meeting_id>/minutes")
def minutes_page(meeting_id):
    """The minutes being prepared: the item table, the resolutions and the publish form."""
    return _render(_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/resolution")
def resolution(meeting_id):
    """Record the committee's resolution on a case (or the meeting)."""
    meeting = _meeting(meeting_id)
    form = ResolutionForm()
    raw = request.form.get("case_id", "").strip()
    case_id = (whole_number(raw) or 0) if raw else None  # 0: not a number, refused as no case of this meeting
    done, refused = submit(form, lambda: minutes.set_resolution(meeting, case_id, form.resolution.data or "",
                                                                actor=current_user, now=utcnow()),
                           gettext("Resolution saved."), lambda r: url_for(".minutes_page", meeting_id=meeting.id))
    return done or _render(meeting, 400, typed={case_id: form.resolution.data or ""})


@bp.post("/meetings/<int:meeting_id>/publish")
def publish(meeting_id):
    """Publish the minutes or a correction: refused, with the list, while a comment lacks an approved answer."""
    meeting = _meeting(meeting_id)
    form = MinutesForm()
    if not form.validate_on_submit():
        return _render(meeting, 400, form=form)
    try:
        minutes.publish_minutes(meeting, members=form.members.data or "", agencies=form.agencies.data or "",
                                note=form.note.data or "", actor=current_user, now=utcnow())
    except RuleViolation as violation:
        refuse(form, violation)
        return _render(meeting, 409, refusal=[message_for(p) for p in violation.problems], form=form)
    db.session.commit()
    flash(gettext("Minutes published."), "success")
    return redirect(url_for(".minutes_page", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/signed-copy")
def signed_copy(meeting_id):
    """Attach the signed official copy (a material of the minutes category)."""
    meeting = _meeting(meeting_id)
    form = SignedCopyForm()
    done, refused = submit(form, lambda: minutes.attach_signed_copy(
        meeting, form.file.data, title=gettext("Minutes (signed copy)"), actor=current_user, now=utcnow()),
        gettext("Signed copy attached."), lambda v: url_for(".minutes_page", meeting_id=meeting.id))
    return done or _render(meeting, form_status(form, refused), copy_form=form)


def _plan(plan_id: int) -> Plan:
    plan = scoped_or_404(db.session.get(Plan, plan_id))
    require("comment.manage", plan.organizer_id)
    return plan


@bp.route("/plans/<int:plan_id>/discussion", methods=["GET", "POST"])
def discussion(plan_id):
    """Discussion items: group selected comments; record the committee's resolution on each (P5)."""
    plan = _plan(plan_id)
    form = DiscussionForm()
    if form.validate_on_submit():
        ids = [i for i in map(whole_number, request.form.getlist("comment_ids")) if i]
        selected = db.session.scalars(select(Comment).where(Comment.plan_id == plan.id, Comment.id.in_(ids))).all()
        try:
            create_item(plan, selected, title=form.title.data, actor=current_user, now=utcnow())
        except RuleViolation as violation:
            refuse(form, violation)
        else:
            db.session.commit()
            flash(gettext("Discussion item created."), "success")
            return redirect(url_for(".discussion", plan_id=plan.id))
    items = db.session.scalars(select(DiscussionItem).where(DiscussionItem.plan_id == plan.id)
                               .options(selectinload(DiscussionItem.comments)).order_by(DiscussionItem.id)).all()
    comments = db.session.scalars(select(Comment).where(Comment.plan_id == plan.id).order_by(Comment.id)).all()
    return render_template("comments/staff_discussion.html", plan=plan, form=form, items=items, comments=comments,
                           resolution_form=ResolutionForm(formdata=None)), form_status(form)


@bp.post("/discussion/<int:item_id>/resolution")
def resolve(item_id):
    """Record the committee's resolution on a discussion item."""
    item = scoped_or_404(db.session.get(DiscussionItem, item_id))
    require("comment.manage", item.organizer_id)
    form = ResolutionForm()
    done, _refused = submit(form, lambda: resolve_item(item, resolution=form.resolution.data or "",
                                                       actor=current_user, now=utcnow()),
                            gettext("Resolution saved."), lambda i: url_for(".discussion", plan_id=item.plan_id))
    return done or redirect(url_for(".discussion", plan_id=item.plan_id))
