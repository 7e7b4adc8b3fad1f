"""The staff meeting routine in a real browser (issue 9, items 5 and 12), at desktop and phone width:
the checklist, adding parts in place, publishing after confirming the gaps (P8), and postponing
until a new time is announced, online (W5). A refused form opens with the focus on its error
summary, whose links lead to the fields; axe-core finds nothing serious on the pages."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.plans.models import Plan

from .a11y import assert_no_serious_axe_violations
from .conftest import PHONE
from .test_hearing_journey import create_hearing, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

TAIPEI = ZoneInfo("Asia/Taipei")
WIDTHS = {"desktop": {"viewport": {"width": 1280, "height": 900}}, "phone": PHONE}


def draft_hearing(page, live_server, days: int) -> int:
    """A new draft hearing of Yilan (registration window set), created through the form; its id."""
    day = datetime.now(TAIPEI).date() + timedelta(days=days)
    starts, ends = datetime(day.year, day.month, day.day, 9, 0), datetime(day.year, day.month, day.day, 12, 0)
    [(plan_id,)] = live_server.rows(select(Plan.id).where(Plan.county_code == "yilan"))
    sign_in(page, "yilan@demo.landuse.tw")
    return create_hearing(page, plan_id, starts, ends)


def assert_focus_on_summary(page, fields: list[str]):
    """The refused form's page opened at its summary, which has the focus and links to `fields`."""
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    for field_id in fields:
        expect(summary.locator(f'a[href="#{field_id}"]')).to_have_count(1)


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_fill_the_checklist_in_place_then_publish_after_confirming(new_context, live_server, width):
    page = new_context(**WIDTHS[width]).new_page()
    meeting_id = draft_hearing(page, live_server, days=30)
    checklist = page.locator("ul.checklist")
    expect(checklist.locator("li.check-missing")).to_have_count(3)  # agenda, cases, materials
    assert_no_serious_axe_violations(page)

    agenda = page.locator("#agenda form.inline-form")
    agenda.locator("button[type=submit]").click()  # an empty agenda item: refused
    assert_focus_on_summary(page, ["agenda_starts_at", "agenda_ends_at", "agenda_title"])
    assert_no_serious_axe_violations(page)
    page.locator('#error-summary a[href="#agenda_title"]').click()
    expect(page.locator("#agenda_title")).to_be_focused()

    page.locator("#agenda_starts_at").fill("09:00")
    page.locator("#agenda_ends_at").fill("10:00")
    page.locator("#agenda_title").fill("計畫內容說明")
    page.locator("#agenda form.inline-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/staff/meetings/{meeting_id}#agenda$"))  # back at its list
    expect(page.locator("#agenda table")).to_contain_text("計畫內容說明")
    page.locator("#case_title").fill("宜蘭縣國土計畫（草案）")
    page.locator("#cases form.inline-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/staff/meetings/{meeting_id}#cases$"))
    expect(checklist.locator("li.check-missing")).to_have_count(1)  # materials

    page.locator(f'form[action*="/staff/meetings/{meeting_id}/publish"] button[type=submit]').click()
    expect(page.locator("h1")).to_contain_text("仍要公布")
    expect(page.locator("#publish-gaps li")).to_have_text(["會議資料"])
    assert_no_serious_axe_violations(page)
    page.locator('input[name="publish_anyway"] ~ p button[type=submit]').click()
    expect(page.locator("h1 .badge-published")).to_be_visible()
    expect(page.locator("#publication a.button")).to_have_count(2)  # postpone and cancel: buttons, not forms


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_postpone_until_a_new_time_is_announced_online(new_context, live_server, width):
    page = new_context(**WIDTHS[width]).new_page()
    meeting_id = draft_hearing(page, live_server, days=31)
    page.locator(f'form[action*="/staff/meetings/{meeting_id}/publish"] button[type=submit]').click()
    page.locator('input[name="publish_anyway"] ~ p button[type=submit]').click()
    original = page.locator("h1 ~ p").first.inner_text()

    page.locator(f'a[href="/staff/meetings/{meeting_id}/postponement"]').click()
    expect(page.locator("h1")).to_have_text("會議延期")
    assert_no_serious_axe_violations(page)
    page.locator("form.narrow button[type=submit]").click()  # no time, no reason: refused
    assert_focus_on_summary(page, ["postpone_starts_at", "postpone_ends_at", "postpone_reason"])
    assert_no_serious_axe_violations(page)

    page.locator("#postpone_when-1").check()  # the new time is to be announced
    page.locator("#postpone_moved_online").check()
    page.locator("#postpone_online_link").fill("https://meet.example.tw/yilan")
    page.locator("#postpone_reason").fill("颱風停班停課，改期另行公告並改為線上")
    page.locator("form.narrow button[type=submit]").click()
    expect(page.locator("h1 .badge-postponed")).to_be_visible()
    expect(page.locator("h1 ~ p").first).to_contain_text("新時間另行公告")

    visitor = new_context(**WIDTHS[width]).new_page()
    visitor.goto(f"/meetings/{meeting_id}")
    notice = visitor.locator(".notice-postponed")
    expect(notice).to_contain_text("原訂時間：")
    expect(notice).to_contain_text(original.split(" – ")[0].strip())
    expect(notice).to_contain_text("新的時間：另行公告")
    expect(notice.locator('a[href="https://meet.example.tw/yilan"]')).to_be_visible()
    assert_no_serious_axe_violations(visitor)


def test_without_javascript_a_refused_form_still_opens_at_its_summary(new_context, live_server):
    page = new_context(java_script_enabled=False, **WIDTHS["phone"]).new_page()
    meeting_id = draft_hearing(page, live_server, days=32)
    page.locator("#attendance form.inline-form button[type=submit]").click()  # no agency: refused
    expect(page.locator("script:not([src])")).to_have_count(0)
    assert_focus_on_summary(page, ["attendance_agency"])
    expect(page.locator("#attendance #error-summary")).to_have_count(1)  # at the top of the refused form
    page.locator("#attendance_agency").fill("宜蘭縣政府農業處")
    page.locator("#attendance form.inline-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/staff/meetings/{meeting_id}#attendance$"))
    expect(page.locator("#attendance")).to_contain_text("宜蘭縣政府農業處")
