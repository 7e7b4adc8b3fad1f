"""The sign-in desk in headless Chromium at desktop, tablet and phone width (V2): a code typed as a
hand-held scanner types it, then Enter, signs the person in; a walk-in is recorded and told their seat;
a sign-in is undone. axe-core finds no serious or critical violation, and nothing scrolls sideways."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.dayof.demo import TITLE
from app.meetings.models import Meeting
from app.registrations.models import Application

from .a11y import assert_no_serious_axe_violations
from .test_hearing_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# width: (viewport and options, the demo person signed in by code, the walk-in's name and phone)
WIDTHS = {
    "desktop": ({"viewport": {"width": 1280, "height": 900}}, "林志豪", "現場旁聽甲", "0988-000-001"),
    "tablet": ({"viewport": {"width": 820, "height": 1180}, "is_mobile": True, "has_touch": True}, "鄭文傑",
               "現場旁聽乙", "0988-000-002"),
    "phone": ({"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
               "has_touch": True}, "張雅婷", "現場旁聽丙", "0988-000-003"),
}


def fits(page, width: int):
    """The page does not scroll sideways at this width."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_sign_in_by_code_and_enter_walk_in_and_undo(new_context, live_server, width):
    options, person, walk_in, phone = WIDTHS[width]
    page = new_context(**options).new_page()
    meeting_id = live_server.rows(select(Meeting.id).where(Meeting.title == TITLE))[0][0]
    code = live_server.rows(select(Application.check_in_code).where(
        Application.meeting_id == meeting_id, Application.name == person))[0][0]
    sign_in(page, "taichung@demo.landuse.tw")
    page.goto(f"/staff/meetings/{meeting_id}/day/desk")
    expect(page.locator("#desk_code")).to_be_focused()  # ready for the scanner: no click needed
    assert_no_serious_axe_violations(page)
    fits(page, options["viewport"]["width"])

    page.keyboard.type("ZZZZ-ZZZZ")  # a code no one has: told so beside the field, nothing changes
    page.keyboard.press("Enter")
    expect(page.locator("#desk_code-error")).to_contain_text("查無報到碼 ZZZZZZZZ")
    expect(page.locator("#desk_code")).to_be_focused()  # and selected: the next scan replaces it
    page.keyboard.type(code.lower())  # as a scanner types it, then Enter
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text(f"{person} 已完成簽到")
    expect(page.locator(".flash-info").first).to_be_visible()  # where they sit, or that they wait
    expect(page.locator("#desk_code")).to_be_focused()  # ready for the next person
    expect(page.locator(".desk-recent")).to_contain_text(person)

    page.get_by_role("link", name="現場報名").first.click()
    page.locator("#walkin_kind-1").check()  # to observe
    page.locator("#walkin_name").fill(walk_in)
    page.locator("#walkin_phone").fill(phone)
    assert_no_serious_axe_violations(page)
    fits(page, options["viewport"]["width"])
    page.get_by_role("button", name="登記並簽到").click()
    expect(page.locator(".flash-success")).to_contain_text(f"{walk_in} 已完成簽到")
    expect(page.locator(".flash-info")).to_contain_text("旁聽")  # a gallery seat or the overflow room

    page.get_by_role("button", name=f"撤銷 {walk_in} 的簽到").click()
    expect(page.locator(".flash-success")).to_contain_text(f"已撤銷 {walk_in} 的簽到")
    expect(page.get_by_role("button", name=f"撤銷 {walk_in} 的簽到")).to_have_count(0)

    page.get_by_role("link", name="發言者到場情形").click()
    expect(page.locator("h1")).to_have_text("發言者到場情形")
    assert_no_serious_axe_violations(page)
    fits(page, options["viewport"]["width"])
    page.get_by_role("link", name="（未到）").first.click()  # passing over asks first
    expect(page.get_by_role("button", name="跳過並遞補名額")).to_be_visible()
    assert_no_serious_axe_violations(page)
    fits(page, options["viewport"]["width"])


def test_counts_follow_a_sign_in_at_another_desk(new_context, live_server):
    meeting_id = live_server.rows(select(Meeting.id).where(Meeting.title == TITLE))[0][0]
    code = live_server.rows(select(Application.check_in_code).where(
        Application.meeting_id == meeting_id, Application.name == "王建民"))[0][0]
    desks = []
    for _ in range(2):
        page = new_context(viewport={"width": 1280, "height": 900}).new_page()
        sign_in(page, "taichung@demo.landuse.tw")
        page.goto(f"/staff/meetings/{meeting_id}/day/desk")
        desks.append(page)
    watching, other = desks
    signed_in = watching.locator(".desk-figures dd").first
    before = int(signed_in.inner_text())
    other.locator("#desk_code").fill(code)
    other.keyboard.press("Enter")
    expect(other.locator(".flash-success")).to_contain_text("王建民 已完成簽到")
    expect(signed_in).to_have_text(str(before + 1), timeout=8000)  # fetched again within 5 seconds
