"""The staff plan form: statutory periods of the exhibition and the announcement (P3, P7)."""
from datetime import date, timedelta

import pytest

from app.audit import AuditEntry
from app.plans.models import Plan

from .conftest import count, field_error, fresh, text_of

TYPED_NAME = "甲縣國土計畫（第一次通盤檢討）"


def plan_form(**fields) -> dict:
    data = {"name": TYPED_NAME, "name_en": "", "county_code": "taichung", "stage": "exhibition", "summary": "",
            "exhibition_starts_on": "", "exhibition_ends_on": "", "approval_letter_on": "", "announced_on": "",
            "announcement_exhibition_ends_on": ""}
    data.update({k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()})
    return data


FIRST = date(2026, 3, 1)


@pytest.mark.parametrize("days", [29, 1])
def test_exhibition_shorter_than_30_days_is_refused_P3(client, counties, sign_in, days):
    sign_in(counties.planner_a)
    plans, entries = count(Plan), count(AuditEntry)
    response = client.post("/staff/plans/new", data=plan_form(
        exhibition_starts_on=FIRST, exhibition_ends_on=FIRST + timedelta(days=days - 1)))
    assert response.status_code == 400
    assert field_error(response, "exhibition_ends_on") == \
        f"A public exhibition lasts at least 30 days; this one has {days}."
    assert f'value="{TYPED_NAME}"' in text_of(response)
    assert (count(Plan), count(AuditEntry)) == (plans, entries)


def test_exhibition_of_30_days_is_accepted_P3(client, counties, sign_in):
    sign_in(counties.planner_a)
    response = client.post("/staff/plans/new", data=plan_form(
        exhibition_starts_on=FIRST, exhibition_ends_on=FIRST + timedelta(days=29)))
    assert response.status_code == 302
    plan = Plan.query.filter_by(name=TYPED_NAME).one()
    assert response.headers["Location"] == f"/staff/plans/{plan.id}/edit"
    assert plan.organizer_id == counties.a.id and plan.exhibition_ends_on == date(2026, 3, 30)
    (entry,) = AuditEntry.query.filter_by(action="plan.created", target_id=plan.id).all()
    assert entry.actor_id == counties.planner_a.id


def test_exhibition_ending_before_it_starts_is_refused(client, counties, sign_in):
    sign_in(counties.planner_a)
    response = client.post("/staff/plans/new", data=plan_form(
        exhibition_starts_on=FIRST, exhibition_ends_on=FIRST - timedelta(days=1)))
    assert response.status_code == 400
    assert field_error(response, "exhibition_ends_on") == "The last day cannot come before the first day."


@pytest.mark.parametrize("fields, field, message", [
    ({"approval_letter_on": FIRST, "announced_on": FIRST + timedelta(days=31)}, "announced_on",
     "An approved plan must be announced within 30 days of the approval letter; this date is 31 days after it."),
    ({"approval_letter_on": FIRST, "announced_on": FIRST - timedelta(days=1)}, "announced_on",
     "The plan cannot be announced before its approval letter."),
    ({"announced_on": FIRST}, "approval_letter_on", "Enter the date of the approval letter first."),
    ({"approval_letter_on": FIRST, "announced_on": FIRST + timedelta(days=10),
      "announcement_exhibition_ends_on": FIRST + timedelta(days=10 + 88)}, "announcement_exhibition_ends_on",
     "An approved plan is exhibited for at least 90 days; this period has 89."),
], ids=["announced_31_days_after_approval_P7", "announced_before_approval_P7", "announced_without_approval_P7",
        "exhibited_89_days_after_announcement_P7"])
def test_bad_announcement_dates_on_an_edit_are_refused_P7(client, counties, sign_in, fields, field, message):
    sign_in(counties.planner_a)
    plan = counties.plan_a
    before = (plan.name, plan.stage, plan.approval_letter_on, plan.announced_on)
    response = client.post(f"/staff/plans/{plan.id}/edit", data=plan_form(stage="announced", **fields))
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert f'value="{TYPED_NAME}"' in text_of(response)
    plan = fresh(plan)
    assert (plan.name, plan.stage, plan.approval_letter_on, plan.announced_on) == before
    assert count(AuditEntry, AuditEntry.action == "plan.updated") == 0


def test_announcement_30_days_after_approval_is_accepted_P7(client, counties, sign_in):
    sign_in(counties.planner_a)
    plan = counties.plan_a
    response = client.post(f"/staff/plans/{plan.id}/edit", data=plan_form(
        stage="announced", approval_letter_on=FIRST, announced_on=FIRST + timedelta(days=30),
        announcement_exhibition_ends_on=FIRST + timedelta(days=30 + 89)))
    assert response.status_code == 302
    plan = fresh(plan)
    assert (plan.name, plan.stage, plan.announced_on) == (TYPED_NAME, "announced", date(2026, 3, 31))
    (entry,) = AuditEntry.query.filter_by(action="plan.updated", target_id=plan.id).all()
    assert entry.actor_id == counties.planner_a.id and "announced_on" in entry.details["fields"]


@pytest.mark.parametrize("method, url", [("post", "/staff/plans/new"), ("get", "/staff/plans/new"),
                                         ("post", "/staff/plans/{id}/edit")])
def test_secretariat_may_not_create_or_edit_plans(client, counties, sign_in, method, url):
    sign_in(counties.secretariat_a)
    response = getattr(client, method)(url.format(id=counties.plan_a.id), data=plan_form())
    assert response.status_code == 403
    assert count(Plan) == 2 and fresh(counties.plan_a).name == "甲縣國土計畫"
