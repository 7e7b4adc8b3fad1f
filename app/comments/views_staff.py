"""Staff: the comment log of a plan, opinions from paper, oral comments, responses (draft, approve, publish),
bulk answers and templates, and the dashboard of comments lacking an answer (P2, P5, P6)."""
from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.access import may, require, scoped_or_404
from ..dbtypes import utcnow
from ..extensions import db
from ..formflow import form_status, refuse, submit
from ..meetings.models import Meeting
from ..params import whole_number
from ..plans.models import Plan
from ..rules.comments import approval_problems
from ..storage import file_store
from ..timefmt import TAIPEI, to_local
from ..violations import RuleViolation
from . import log, responses
from .forms import (
    BulkForm,
    CommentEditForm,
    OralCommentForm,
    PaperOpinionForm,
    ResponseForm,
    SettingsForm,
    SplitForm,
    TemplateForm,
    VersionForm,
    options,
)
from .models import Comment, ResponseTemplate, SubmissionFile
from .opinions import record_opinion
from .queries import backlog

bp = Blueprint("comments_staff", __name__, url_prefix="/staff/comments")
INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg")  # shown in the browser; the rest downloaded
bp.before_request(login_required(lambda: None))


def _plan(plan_id: int) -> Plan:
    plan = scoped_or_404(db.session.get(Plan, plan_id))
    require("comment.manage", plan.organizer_id)
    return plan


def _comment(comment_id: int) -> Comment:
    comment = scoped_or_404(db.session.get(Comment, comment_id))
    require("comment.manage", comment.organizer_id)
    return comment


def _today_start(now: datetime):
    return datetime.combine(to_local(now).date(), time(), TAIPEI)


@bp.route("/", methods=["GET", "POST"])
def dashboard():
    """Per plan and per meeting: comments still lacking an approved response, and those overdue."""
    require("comment.manage")
    organizer_id = None if current_user.is_admin else current_user.organizer_id
    days = responses.response_days_for(organizer_id)  # a GET writes nothing (no settings row made here)
    form = SettingsForm(data={"response_days": days})
    if organizer_id and request.method == "POST":
        done, refused = submit(form, lambda: responses.set_response_days(
            organizer_id, form.response_days.data, actor=current_user, now=utcnow()),
            gettext("Response deadline saved."), lambda _: url_for(".dashboard"))
        if done:
            return done
    now = utcnow()
    where = [] if organizer_id is None else [Comment.organizer_id == organizer_id]
    mine = [] if organizer_id is None else [Plan.organizer_id == organizer_id]
    plans = db.session.scalars(select(Plan).where(*mine).order_by(Plan.name)).all()
    today_start = _today_start(now)
    by_plan = backlog(Comment.plan_id, where, days=days, today_start=today_start)
    by_meeting = backlog(Comment.meeting_id, where + [Comment.meeting_id.is_not(None)], days=days,
                         today_start=today_start)
    meetings = db.session.scalars(select(Meeting).where(Meeting.id.in_(list(by_meeting)))).all()
    return render_template("comments/staff_dashboard.html", plans=plans, by_plan=by_plan, by_meeting=by_meeting,
                           meetings=meetings, form=form, days=days), form_status(form)


@bp.get("/plans/<int:plan_id>")
def plan_log(plan_id):
    """The plan's comment log, with the bulk answer form."""
    plan = _plan(plan_id)
    return _render_log(plan, BulkForm(formdata=None))


def _render_log(plan, form, status=200):
    comments = db.session.scalars(select(Comment).where(Comment.plan_id == plan.id)
                                  .options(selectinload(Comment.response), selectinload(Comment.meeting))
                                  .order_by(Comment.received_at, Comment.id)).all()
    templates = _templates(plan.organizer_id)
    form.template_id.choices = options([("", "")] + [(str(t.id), t.title) for t in templates])
    meetings = db.session.scalars(select(Meeting).where(Meeting.plan_id == plan.id).order_by(Meeting.starts_at)).all()
    return render_template("comments/staff_log.html", plan=plan, comments=comments, form=form, meetings=meetings,
                           templates=templates), status


def _templates(organizer_id):
    return db.session.scalars(select(ResponseTemplate).where(ResponseTemplate.organizer_id == organizer_id)
                              .order_by(ResponseTemplate.title)).all()


def _selected(plan) -> list[Comment]:
    ids = [i for i in map(whole_number, request.form.getlist("comment_ids")) if i]
    if not ids:
        return []
    return db.session.scalars(select(Comment).where(Comment.plan_id == plan.id, Comment.id.in_(ids))
                              .options(selectinload(Comment.response))).all()


@bp.post("/plans/<int:plan_id>/bulk")
def bulk(plan_id):
    """Answer, approve or publish the selected comments at once; each keeps its own response record."""
    plan, now = _plan(plan_id), utcnow()
    form = BulkForm()
    form.template_id.choices = options([("", "")])
    default = "draft" if may(current_user, "response.draft", plan.organizer_id) else "approve"
    action, selected = request.form.get("action") or default, _selected(plan)
    try:
        if action == "approve":
            require("response.approve", plan.organizer_id)
            count = responses.bulk_approve([c.response for c in selected if c.response], actor=current_user, now=now)
        elif action == "publish":
            require("response.approve", plan.organizer_id)
            count = responses.publish_responses([c.response for c in selected if c.response], actor=current_user,
                                                now=now)
        else:
            require("response.draft", plan.organizer_id)
            count = responses.bulk_draft(selected, actor=current_user, now=now, **_bulk_answer(form, plan))
    except RuleViolation as violation:
        refuse(form, violation)
        return _render_log(plan, form, 400)
    db.session.commit()
    flash(gettext("Comments changed: %(count)s.", count=count), "success")
    return redirect(url_for(".plan_log", plan_id=plan.id))


def _bulk_answer(form, plan) -> dict:
    template_id = whole_number(form.template_id.data)
    if template_id:
        template = db.session.get(ResponseTemplate, template_id)
        if template is not None and template.organizer_id == plan.organizer_id:
            return {"decision": template.decision, "reasoning": template.reasoning,
                    "plan_section": template.plan_section, "template_id": template.id}
    return {"decision": form.decision.data or "", "reasoning": form.reasoning.data or "",
            "plan_section": form.plan_section.data or ""}


@bp.route("/plans/<int:plan_id>/opinions/new", methods=["GET", "POST"])
def new_opinion(plan_id):
    """Enter an opinion that came on paper, by fax or by e-mail, with the date received and a scan."""
    plan = _plan(plan_id)
    form = PaperOpinionForm()

    def save():
        received = datetime.combine(form.received_on.data, time(12), TAIPEI)
        data = form.service_data() | {"channel": form.channel.data, "received_at": received}
        return record_opinion(plan, data, form.scan.data, actor=current_user, now=utcnow())

    done, refused = submit(form, save, gettext("Opinion recorded."), lambda s: url_for(".plan_log", plan_id=plan.id))
    return done or (render_template("comments/staff_opinion_form.html", plan=plan, form=form),
                    form_status(form, refused))


@bp.route("/meetings/<int:meeting_id>/new", methods=["GET", "POST"])
def new_meeting_comment(meeting_id):
    """Log a comment spoken at a meeting (V14) or a statement handed in."""
    meeting = scoped_or_404(db.session.get(Meeting, meeting_id))
    require("comment.manage", meeting.organizer_id)
    form = OralCommentForm()
    form.case_id.choices = options([("", gettext("The meeting as a whole"))] + [(str(c.id), c.title)
                                                                                  for c in meeting.cases])

    def save():
        case_id = whole_number(form.case_id.data)
        values = dict(text=form.text.data or "", name=form.name.data or "", organisation=form.organisation.data or "",
                      case_id=case_id, confidential=form.confidential.data, actor=current_user, now=utcnow())
        if form.kind.data == "statement":
            return log.record_statement(meeting, **values)
        return log.record_oral_comment(meeting, oral_form=form.oral_form.data, **values)

    done, refused = submit(form, save, gettext("Comment recorded."),
                           lambda c: url_for(".new_meeting_comment", meeting_id=meeting.id))
    return done or (render_template("comments/staff_meeting_comment.html", meeting=meeting, form=form),
                    form_status(form, refused))


@bp.post("/meetings/<int:meeting_id>/import-speeches")
def import_speeches(meeting_id):
    """Log the day's speeches that have a consented summary as oral comments, each once (V14)."""
    meeting = scoped_or_404(db.session.get(Meeting, meeting_id))
    require("comment.manage", meeting.organizer_id)
    added, waiting = log.import_speeches(meeting, actor=current_user, now=utcnow())
    db.session.commit()
    flash(gettext("%(added)s speeches from the day's speech log were added to the comment log.", added=added),
          "success")
    if waiting:
        flash(gettext("%(waiting)s speeches have no summary yet (a written version was handed in, or nothing was "
                      "noted): log their text below from the paper.", waiting=waiting), "info")
    return redirect(url_for(".new_meeting_comment", meeting_id=meeting.id))


@bp.get("/<int:comment_id>/files/<int:file_id>/<path:filename>")
def submission_file(comment_id, file_id, filename):
    """A file that came with the comment's written opinion (an attachment, or the scan of a paper or fax
    opinion): to the organizer's staff who manage comments only, never cached on the way."""
    comment = _comment(comment_id)
    record = db.session.get(SubmissionFile, file_id)
    if (record is None or comment.submission_id is None or record.submission_id != comment.submission_id
            or filename != record.original_filename):
        abort(404)
    stored = file_store().open(record.stored_name)
    if stored is None:
        abort(404)
    answer = send_file(stored, mimetype=record.content_type, download_name=record.original_filename,
                       as_attachment=record.content_type not in INLINE_TYPES, etag=record.sha256)
    answer.headers["Cache-Control"] = "private, no-store"  # personal data: no proxy or browser cache keeps it
    return answer


@bp.get("/<int:comment_id>")
def show(comment_id):
    """One comment: its text (original and redacted), its response and the actions on it."""
    return _render_comment(_comment(comment_id))


def _render_comment(comment, status=200, **forms):
    response = comment.response
    response_form = forms.get("response_form") or ResponseForm(formdata=None, obj=response)
    response_form.template_id.choices = options([("", "")] + [(str(t.id), t.title)
                                                                     for t in _templates(comment.organizer_id)])
    if "response_form" not in forms and response is not None:
        response_form.version.data = str(response.version)
    edit_form = forms.get("edit_form") or CommentEditForm(formdata=None, obj=comment)
    split_form = forms.get("split_form") or SplitForm(formdata=None, parts=comment.text)
    return render_template("comments/staff_comment.html", comment=comment, response=response,
                           may_approve=lambda r: not approval_problems(r.drafted_by_id, current_user.id, r.status),
                           response_form=response_form, edit_form=edit_form, split_form=split_form,
                           version_form=VersionForm(formdata=None, version=str(response.version) if response else "")
                           ), status


def _version(form) -> int | None:
    return whole_number(form.version.data)


@bp.post("/<int:comment_id>/response")
def draft(comment_id):
    """Write or rewrite the draft response; a stale version is refused (optimistic concurrency), and the
    page shows the other editor's version beside what this editor typed."""
    comment = _comment(comment_id)
    require("response.draft", comment.organizer_id)
    form = ResponseForm()
    form.template_id.choices = options([("", "")])
    if not form.validate_on_submit():
        return _render_comment(comment, 400, response_form=form)
    try:
        responses.draft_response(comment, decision=form.decision.data or "", reasoning=form.reasoning.data or "",
                                 plan_section=form.plan_section.data or "", version=_version(form),
                                 actor=current_user, now=utcnow())
    except RuleViolation as violation:
        refuse(form, violation)
        comment = _comment(comment_id)
        stale = any(p.code == "response_stale" for p in violation.problems)
        if stale and comment.response is not None:
            form.version.data = str(comment.response.version)  # saving again is a deliberate choice
        return _render_comment(comment, 409 if stale else 400, response_form=form)
    db.session.commit()
    flash(gettext("Draft response saved."), "success")
    return redirect(url_for(".show", comment_id=comment.id))


@bp.post("/<int:comment_id>/approve")
def approve(comment_id):
    """Approve the draft: someone other than its drafter (P2)."""
    return _response_action(comment_id, "response.approve", responses.approve_response, gettext("Response approved."))


@bp.post("/<int:comment_id>/return")
def return_draft(comment_id):
    """Send an approved response back to draft."""
    return _response_action(comment_id, "response.approve", responses.return_to_draft,
                            gettext("Response returned to draft."))


@bp.post("/<int:comment_id>/publish")
def publish(comment_id):
    """Publish an approved response and tell the commenter."""
    def publish_one(response, actor, now, **_):
        if responses.publish_responses([response], actor=actor, now=now) == 0:
            raise RuleViolation.one("status", "response_not_approved")
    return _response_action(comment_id, "response.approve", publish_one, gettext("Response published."))


def _response_action(comment_id, permission, action, message):
    comment = _comment(comment_id)
    require(permission, comment.organizer_id)
    if comment.response is None:
        abort(404)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        extra = {"version": _version(form)} if action is responses.approve_response else {}
        action(comment.response, actor=current_user, now=utcnow(), **extra)
    except RuleViolation as violation:
        refuse(None, violation)
        return _render_comment(_comment(comment_id), 409)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show", comment_id=comment.id))


@bp.post("/<int:comment_id>/edit")
def edit(comment_id):
    """Topic, confidentiality and redaction of personal data (audited; the original stays for staff)."""
    comment = _comment(comment_id)
    form = CommentEditForm()
    done, refused = submit(form, lambda: log.update_comment(
        comment, topic=form.topic.data or "", redacted_text=form.redacted_text.data,
        confidential=form.confidential.data, actor=current_user, now=utcnow()),
        gettext("Comment saved."), lambda c: url_for(".show", comment_id=c.id))
    return done or _render_comment(_comment(comment_id), form_status(form, refused), edit_form=form)


@bp.post("/<int:comment_id>/split")
def split(comment_id):
    """Split a long submission into one comment per point."""
    comment = _comment(comment_id)
    form = SplitForm()
    done, refused = submit(form, lambda: log.split_comment(comment, form.parts.data, actor=current_user,
                                                           now=utcnow()),
                           gettext("Comment split."), lambda made: url_for(".plan_log", plan_id=comment.plan_id))
    return done or _render_comment(_comment(comment_id), form_status(form, refused), split_form=form)


@bp.route("/plans/<int:plan_id>/templates", methods=["GET", "POST"])
def templates(plan_id):
    """The organizer's response templates."""
    plan = _plan(plan_id)
    form = TemplateForm()
    if request.method == "POST":
        require("response.draft", plan.organizer_id)
    done, refused = submit(form, lambda: responses.save_template(
        plan.organizer_id, title=form.title.data or "", decision=form.decision.data or "",
        reasoning=form.reasoning.data or "", plan_section=form.plan_section.data or "", actor=current_user,
        now=utcnow()), gettext("Template saved."), lambda t: url_for(".templates", plan_id=plan.id))
    return done or (render_template("comments/staff_templates.html", plan=plan, form=form,
                                    templates=_templates(plan.organizer_id)), form_status(form, refused))

