"""The whole path of a public hearing (P3, P8): staff create and publish it, a visitor finds it and saves it.

The staff member and the visitor use separate browser contexts (separate cookies), and every form is
the real one with its CSRF token, submitted by clicking its button.
"""
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect
from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.meetings.models import Meeting
from app.plans.models import Plan

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

TAIPEI = ZoneInfo("Asia/Taipei")
TITLE = "宜蘭縣國土計畫（草案）公聽會（頭城場）"
FORM_TIME = "%Y-%m-%dT%H:%M"


def sign_in(page, email: str):
    """Sign in through the staff login form."""
    page.goto("/staff/login")
    expect(page.locator('form input[name="csrf_token"]')).to_have_count(1)
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form", has=page.locator("#password")).locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


def create_hearing(page, plan_id: int, starts: datetime, ends: datetime) -> int:
    """Fill in and save the new-meeting form for a hearing; return the draft's id."""
    page.goto("/staff/meetings/new")
    page.locator("#plan_id").select_option(str(plan_id))
    page.locator("#kind").select_option("hearing")
    page.locator("#title").fill(TITLE)
    page.locator("#summary").fill("說明頭城鎮範圍內的國土功能分區劃設，並聽取民眾與團體意見。")
    page.locator("#starts_at").fill(starts.strftime(FORM_TIME))
    page.locator("#ends_at").fill(ends.strftime(FORM_TIME))
    page.locator("#venue_name").fill("頭城鎮公所 3 樓禮堂")
    page.locator("#venue_address").fill("宜蘭縣頭城鎮開蘭路一段 1 號")
    page.locator("#directions").fill("火車：頭城火車站步行約 5 分鐘。")
    page.locator("#overflow_room").fill("頭城鎮公所 1 樓會議室")
    page.locator("#contact").fill("宜蘭縣政府建設處\n電話：(03) 925-1000")
    page.locator("#registration_opens_at").fill((starts - timedelta(days=20)).replace(hour=9).strftime(FORM_TIME))
    page.locator("#registration_closes_at").fill((starts - timedelta(days=3)).replace(hour=17).strftime(FORM_TIME))
    page.locator("form", has=page.locator("#title")).locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/meetings/\d+$"))
    expect(page.locator("h1 .badge-draft")).to_be_visible()
    return int(re.search(r"/staff/meetings/(\d+)$", page.url).group(1))


def test_staff_publishes_hearing_and_visitor_finds_it_by_filter_and_downloads_its_calendar_file(new_context,
                                                                                                live_server):
    day = datetime.now(TAIPEI).date() + timedelta(days=21)
    starts, ends = datetime(day.year, day.month, day.day, 14, 0), datetime(day.year, day.month, day.day, 16, 30)
    [(yilan_plan,)] = live_server.rows(select(Plan.id).where(Plan.county_code == "yilan"))

    staff = new_context().new_page()
    sign_in(staff, "yilan@demo.landuse.tw")
    meeting_id = create_hearing(staff, yilan_plan, starts, ends)
    staff.locator(f'form[action$="/staff/meetings/{meeting_id}/publish"] button[type=submit]').click()
    staff.locator('input[name="publish_anyway"] ~ p button[type=submit]').click()  # no agenda yet: confirm (P8)
    expect(staff.locator("h1 .badge-published")).to_be_visible()
    [(status, kind, title, uid)] = live_server.rows(
        select(Meeting.status, Meeting.kind, Meeting.title, Meeting.uid).where(Meeting.id == meeting_id))
    assert (status, kind, title) == ("published", "hearing", TITLE)

    visitor = new_context().new_page()
    visitor.goto("/meetings")
    visitor.locator("#f-county").select_option("yilan")
    visitor.locator("#f-kind").select_option("hearing")
    visitor.locator(".filters button[type=submit]").click()
    expect(visitor).to_have_url(re.compile(r"/meetings\?(?=.*county=yilan)(?=.*kind=hearing)"))
    listed = [int(href.rsplit("/", 1)[1]) for href in
              visitor.locator(".meeting-card h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")]
    assert meeting_id in listed
    shown = live_server.rows(select(Meeting.kind, Plan.county_code).join(Plan, Plan.id == Meeting.plan_id)
                             .where(Meeting.id.in_(listed)))
    assert len(shown) == len(listed) and set(shown) == {("hearing", "yilan")}

    visitor.locator(f'.meeting-card h2 a[href="/meetings/{meeting_id}"]').click()
    expect(visitor).to_have_url(re.compile(rf"/meetings/{meeting_id}$"))
    expect(visitor.locator("h1")).to_have_text(TITLE)
    with visitor.expect_download() as download_info:
        visitor.locator(f'a[href="/meetings/{meeting_id}.ics"][download]').click()
    download = download_info.value
    assert download.suggested_filename == f"meeting-{meeting_id}.ics"

    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == uid
    assert str(event["SUMMARY"]) == TITLE
    assert event["DTSTART"].params["TZID"] == "Asia/Taipei"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.tzinfo.key, start.replace(tzinfo=None)) == ("Asia/Taipei", starts)
    assert (end.tzinfo.key, end.replace(tzinfo=None)) == ("Asia/Taipei", ends)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Taipei"]
