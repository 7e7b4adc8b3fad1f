"""Builders for the comments tests: a plan on exhibition, opinions, oral comments, responses."""
from datetime import timedelta

from app.comments import log, opinions, responses
from app.extensions import db
from app.timefmt import to_local

from . import factories

OPINION = {"name": "王小明", "organisation": "", "address": "臺中市西屯區臺灣大道三段 99 號",
           "email": "ming@example.tw", "text": "請保留農地，不要變更為住宅區。", "consent": True}


def exhibited_plan(org=None, **fields):
    """A plan whose public exhibition runs from yesterday for 30 days (P3)."""
    today = to_local(factories.now()).date()
    values = dict(stage="exhibition", exhibition_starts_on=today - timedelta(days=1),
                  exhibition_ends_on=today + timedelta(days=29)) | fields
    return factories.plan(org, **values)


def opinion(plan, **fields):
    """A written opinion taken through the public service."""
    return opinions.submit_opinion(plan, OPINION | fields, now=factories.now())


def oral(meeting, text="海岸地區應劃為保育區。", **fields):
    """An oral comment logged at a meeting."""
    values = dict(name="陳大華", organisation="", oral_form="consented_summary") | fields
    return log.record_oral_comment(meeting, text=text, now=factories.now(), **values)


def answered(comment, planner, approver, *, decision="adopted", reasoning="<p>已納入計畫。</p>", publish=False):
    """Draft (by `planner`) and approve (by `approver`) a response; publish it if asked."""
    response = responses.draft_response(comment, decision=decision, reasoning=reasoning, actor=planner,
                                        now=factories.now())
    responses.approve_response(response, actor=approver, now=factories.now())
    if publish:
        responses.publish_responses([response], actor=approver, now=factories.now())
    db.session.flush()
    return response
