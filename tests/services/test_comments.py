"""Comment workflows on both engines: every source of comment, the response workflow with roles and no
self-approval, bulk answers, concurrent edits, splitting, redaction, minutes (refusal, versions), deadlines."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.comments import log, minutes, opinions, responses
from app.comments.models import Comment, MinutesVersion, Response, Submission
from app.comments.queries import backlog
from app.dayof import signin
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.violations import RuleViolation

from .. import factories
from ..comment_builders import OPINION, answered, exhibited_plan, opinion, oral


def codes(error) -> list[str]:
    return [p.code for p in error.value.problems]


def test_a_written_opinion_gets_a_receipt_and_one_comment_P4(app):
    plan = exhibited_plan()
    submission = opinion(plan)
    assert submission.receipt and submission.comments[0].source == "written"
    assert submission.comments[0].search_text  # folded for the search
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.topic == "comment.receipt"))
    assert mail.recipient == "ming@example.tw" and submission.receipt in mail.subject


def test_no_opinion_is_taken_outside_the_exhibition_and_nothing_is_saved_P4(app):
    today = factories.now().date()
    plan = factories.plan(exhibition_starts_on=today + timedelta(days=3), exhibition_ends_on=today + timedelta(days=40))
    with pytest.raises(RuleViolation) as refused:
        opinion(plan)
    assert codes(refused) == ["exhibition_not_open"]
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_an_opinion_without_address_or_name_lists_every_problem_P4(app):
    with pytest.raises(RuleViolation) as refused:
        opinion(exhibited_plan(), name="", address="")
    assert codes(refused) == ["opinion_name_required", "opinion_address_required"]


def test_staff_enter_a_paper_opinion_with_channel_and_date_received(app):
    plan, clerk = exhibited_plan(), factories.staff("secretariat")
    received = factories.now() - timedelta(days=5)
    submission = opinions.record_opinion(plan, OPINION | {"channel": "fax", "received_at": received}, actor=clerk,
                                         now=factories.now())
    assert submission.channel == "fax" and submission.comments[0].received_at == received


def test_oral_comments_and_statements_are_logged_per_case_V14(app):
    meeting = factories.open_meeting(cases=2)
    case = meeting.cases[1]
    spoken = oral(meeting, case_id=case.id, speech_id=41)
    handed = log.record_statement(meeting, text="書面陳述", organisation="地球公民基金會", case_id=case.id, actor=None,
                                  now=factories.now())
    assert (spoken.source, spoken.oral_form, spoken.speech_id, spoken.case_id) == ("oral", "consented_summary", 41,
                                                                                   case.id)
    assert handed.source == "statement" and handed.position == 2


def test_an_oral_comment_needs_a_case_of_its_own_meeting(app):
    meeting, other = factories.open_meeting(cases=1), factories.open_meeting(cases=1)
    with pytest.raises(RuleViolation) as refused:
        oral(meeting, case_id=other.cases[0].id)
    assert codes(refused) == ["case_not_of_meeting"]


def test_a_planner_drafts_another_approves_and_publishing_tells_the_commenter_P2(app):
    plan = exhibited_plan()
    planner, approver = factories.staff("planner", plan.organizer), factories.staff("secretariat", plan.organizer)
    comment = opinion(plan).comments[0]
    response = answered(comment, planner, approver, publish=True)
    assert response.status == "published" and response.approved_by_id == approver.id
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.topic == "comment.answered")) == 1


def test_nobody_approves_their_own_draft_P2(app):
    plan = exhibited_plan()
    planner = factories.staff("planner", plan.organizer)
    response = responses.draft_response(opinion(plan).comments[0], decision="adopted", reasoning="理由",
                                        actor=planner, now=factories.now())
    with pytest.raises(RuleViolation) as refused:
        responses.approve_response(response, actor=planner, now=factories.now())
    assert codes(refused) == ["self_approval"] and response.status == "draft"


def test_the_database_refuses_an_approval_by_the_drafter_P2(app):
    plan = exhibited_plan()
    planner = factories.staff("planner", plan.organizer)
    response = responses.draft_response(opinion(plan).comments[0], decision="adopted", reasoning="理由",
                                        actor=planner, now=factories.now())
    response.status, response.approved_by_id = "approved", planner.id
    with pytest.raises(Exception, match="approved_by_another_p2|CHECK"):
        db.session.flush()
    db.session.rollback()


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(app):
    plan = exhibited_plan()
    first, second = factories.staff("planner", plan.organizer), factories.staff("planner", plan.organizer)
    comment = opinion(plan).comments[0]
    response = responses.draft_response(comment, decision="partly", reasoning="第一版", actor=first,
                                        now=factories.now())
    seen = response.version
    responses.draft_response(comment, decision="adopted", reasoning="第二位的版本", version=seen, actor=second,
                             now=factories.now())
    with pytest.raises(RuleViolation) as refused:
        responses.draft_response(comment, decision="not_adopted", reasoning="覆蓋", version=seen, actor=first,
                                 now=factories.now())
    assert codes(refused) == ["response_stale"] and "第二位的版本" in response.reasoning


def test_a_concurrent_write_to_the_same_row_raises_stale(app):
    plan = exhibited_plan()
    planner = factories.staff("planner", plan.organizer)
    response = responses.draft_response(opinion(plan).comments[0], decision="partly", reasoning="第一版",
                                        actor=planner, now=factories.now())
    factories.commit()
    db.session.execute(Response.__table__.update().where(Response.id == response.id).values(version=response.version + 1))
    response.reasoning = "另一個人"
    with pytest.raises(RuleViolation) as refused:
        responses._flush_or_stale()
    assert codes(refused) == ["response_stale"]
    db.session.rollback()


def test_reasoning_is_sanitised_on_the_way_in(app):
    plan = exhibited_plan()
    planner = factories.staff("planner", plan.organizer)
    response = responses.draft_response(
        opinion(plan).comments[0], decision="adopted", actor=planner, now=factories.now(),
        reasoning='<p onclick="x()">理由<script>alert(1)</script><a href="javascript:alert(1)">連結</a></p><ul><li>一</li></ul>')
    assert "<script" not in response.reasoning and "javascript:" not in response.reasoning
    assert "onclick" not in response.reasoning and "<ul><li>一</li></ul>" in response.reasoning


def test_bulk_answers_keep_one_response_per_comment_and_skip_approved_ones(app):
    plan = exhibited_plan()
    planner, approver = factories.staff("planner", plan.organizer), factories.staff("secretariat", plan.organizer)
    comments = [opinion(plan, text=f"反對變更農地 {n}").comments[0] for n in range(4)]
    answered(comments[0], planner, approver, decision="partly")
    template = responses.save_template(plan.organizer_id, title="農地", decision="not_adopted",
                                       reasoning="<p>依農業發展條例辦理。</p>", actor=planner, now=factories.now())
    count = responses.bulk_draft(comments, decision=template.decision, reasoning=template.reasoning,
                                 template_id=template.id, actor=planner, now=factories.now())
    assert count == 3
    assert [c.response.decision for c in comments] == ["partly", "not_adopted", "not_adopted", "not_adopted"]
    assert len({c.response.id for c in comments}) == 4
    assert responses.bulk_approve([c.response for c in comments], actor=approver, now=factories.now()) == 3
    assert responses.bulk_approve([c.response for c in comments], actor=planner, now=factories.now()) == 0


def test_bulk_answer_needs_a_selection(app):
    with pytest.raises(RuleViolation) as refused:
        responses.bulk_draft([], decision="adopted", reasoning="x", actor=factories.staff("planner"),
                             now=factories.now())
    assert codes(refused) == ["nothing_selected"]


def test_a_submission_splits_into_comments_that_keep_the_link(app):
    plan = exhibited_plan()
    comment = opinion(plan, text="第一點\n---\n第二點\n---\n第三點").comments[0]
    made = log.split_comment(comment, comment.text, actor=factories.staff("planner", plan.organizer),
                             now=factories.now())
    assert [c.text for c in made] == ["第一點", "第二點", "第三點"]
    assert {c.submission_id for c in made} == {comment.submission_id}


def test_redaction_keeps_the_original_for_staff_and_is_audited_P8(app):
    plan = exhibited_plan()
    comment = opinion(plan, text="我住在和平路 5 號，電話 0912345678，反對徵收。").comments[0]
    log.update_comment(comment, topic="徵收", redacted_text="我住在○○，電話○○，反對徵收。", confidential=False,
                       actor=factories.staff("planner", plan.organizer), now=factories.now())
    assert "0912345678" in comment.text and "0912345678" not in comment.public_text
    assert "0912345678" not in comment.search_text
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "comment.redacted"))
    assert "0912345678" in entry.details["before"]


def _answered_meeting():
    meeting = factories.open_meeting(cases=1)
    planner = factories.staff("planner", meeting.organizer)
    approver = factories.staff("secretariat", meeting.organizer)
    comments = [oral(meeting, case_id=meeting.cases[0].id), oral(meeting, text="第二則")]
    return meeting, planner, approver, comments


def test_minutes_are_refused_while_a_comment_lacks_an_approved_response_P2_P6(app):
    meeting, planner, approver, comments = _answered_meeting()
    answered(comments[0], planner, approver)
    responses.draft_response(comments[1], decision="adopted", reasoning="草稿", actor=planner, now=factories.now())
    with pytest.raises(RuleViolation) as refused:
        minutes.publish_minutes(meeting, members="甲委員", agencies="", actor=approver, now=factories.now())
    assert codes(refused) == ["minutes_unanswered"]
    assert f"#{comments[1].id}" in refused.value.problems[0].params["comments"]
    assert f"#{comments[0].id}" not in refused.value.problems[0].params["comments"]
    assert db.session.scalar(select(func.count()).select_from(MinutesVersion)) == 0


def test_published_minutes_publish_the_responses_and_corrections_add_versions_P8(app):
    meeting, planner, approver, comments = _answered_meeting()
    for comment in comments:
        answered(comment, planner, approver)
    minutes.set_resolution(meeting, meeting.cases[0].id, "照案通過", actor=approver, now=factories.now())
    first = minutes.publish_minutes(meeting, members="甲委員", agencies="農業部", actor=approver, now=factories.now())
    assert first.number == 1 and all(c.response.status == "published" for c in comments)
    assert first.content["sections"][1]["resolution"] == "照案通過"
    with pytest.raises(RuleViolation) as refused:
        minutes.publish_minutes(meeting, members="甲委員", agencies="農業部", actor=approver, now=factories.now())
    assert codes(refused) == ["correction_note_required"]
    minutes.set_resolution(meeting, meeting.cases[0].id, "修正後通過", actor=approver, now=factories.now())
    second = minutes.publish_minutes(meeting, members="甲委員", agencies="農業部", note="決議文字更正",
                                     actor=approver, now=factories.now())
    assert second.number == 2
    assert ("+", "決議: 修正後通過") in minutes.changes(first, second)
    assert ("-", "決議: 照案通過") in minutes.changes(first, second)


def test_attendance_comes_from_the_sign_in_desk_once_it_was_used_V2(app):
    meeting = factories.open_meeting()
    applications = [factories.application(meeting, "observe") for _ in range(3)]
    assert minutes.attendance_counts(meeting) == {"basis": "applications", "counts": {"observe": 3}}
    clerk = factories.staff("secretariat", meeting.organizer)
    signin.sign_in(meeting, applications[0], badge="1", actor=clerk, now=factories.now())
    assert minutes.attendance_counts(meeting) == {"basis": "sign_in", "counts": {"observe": 1}}


def test_deadlines_count_missing_and_overdue_per_plan(app):
    plan = exhibited_plan()
    planner, approver = factories.staff("planner", plan.organizer), factories.staff("secretariat", plan.organizer)
    old = opinions.record_opinion(plan, OPINION | {"channel": "paper", "received_at": factories.now()
                                                   - timedelta(days=40)}, actor=planner, now=factories.now())
    fresh = opinion(plan)
    answered_one = opinion(plan)
    answered(answered_one.comments[0], planner, approver)
    responses.set_response_days(plan.organizer_id, 30, actor=planner, now=factories.now())
    now = factories.now()
    counts = backlog(Comment.plan_id, [], days=30, today_start=now)[plan.id]
    assert (counts.missing, counts.overdue) == (2, 1)
    assert old.comments[0].id != fresh.comments[0].id
    with pytest.raises(RuleViolation):
        responses.set_response_days(plan.organizer_id, 0, actor=planner, now=factories.now())


def test_discussion_items_group_comments_and_record_the_committees_resolution_P5(app):
    from app.comments.discussion import create_item, resolve_item
    plan = exhibited_plan()
    staff = factories.staff("planner", plan.organizer)
    comments = [opinion(plan, text=f"農地意見 {n}").comments[0] for n in range(3)]
    item = create_item(plan, comments[:2], title="農業發展地區劃設", actor=staff, now=factories.now())
    resolve_item(item, resolution="維持原草案，請補充說明。", actor=staff, now=factories.now())
    assert [c.id for c in item.comments] == [c.id for c in comments[:2]]
    assert item.resolution == "維持原草案，請補充說明。" and item.resolved_at is not None
    with pytest.raises(RuleViolation):
        create_item(plan, [], title="空的", actor=staff, now=factories.now())
