"""The day of the meeting in headless Chromium with three pages: two consoles and the public display.

A speaker is called and started, paused and resumed; the display, whose clock runs 45 s fast, follows
each action within a second and shows the console's remaining time to the second; the second console's stale action is refused; deliberation
starts and the display asks the public to leave (V8, V11, V12). axe checks the console and the display.
"""
import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests import factories

from .a11y import assert_no_serious_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
FOLLOW_MS = 1000  # a change reaches every display within one second
STALE = "Someone else acted on this meeting a moment ago"
SKEWED_CLOCK = "(() => { const real = Date.now; Date.now = () => real() + 45000; })();"


@pytest.fixture
def course_day(live_server):
    """A hearing today with two speakers holding places, and its organizer's secretariat."""
    from app.extensions import db
    with live_server.app.app_context():
        org = factories.organizer()
        meeting = factories.open_meeting(org, start=factories.now() + timedelta(hours=1))
        before = factories.now() - timedelta(hours=23, minutes=30)  # inside the registration window
        for i, name in enumerate(("王小明", "陳美玲")):
            factories.application(meeting, name=name, organisation="東區自救會" if i == 0 else "",
                                  at=before + timedelta(seconds=i))
        staff = factories.staff("secretariat", org)
        ids = {"meeting": meeting.id, "email": staff.email}
        db.session.commit()
        db.session.remove()
    return ids


def signed_in_console(new_context, live_server, ids):
    context = new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.goto("/staff/login")
    page.locator("#email").fill(ids["email"])
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("form", has=page.locator("#password")).locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    page.goto(f"/staff/meetings/{ids['meeting']}/course")
    return page


def press(page, key: str, name: str):
    """Activate a console button from the keyboard (the one with access key `key`, named `name`): focus it
    and press Enter, then wait for the new page."""
    button = page.locator(f'button[accesskey="{key}"]')
    expect(button).to_have_accessible_name(name)
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def clock(page) -> str:
    return page.locator('[data-live="clock"]').inner_text()


def seconds(text: str) -> int:
    minutes, secs = text.replace("\u2212", "-").split(":")
    sign = -1 if minutes.startswith("-") else 1
    return sign * (abs(int(minutes)) * 60 + int(secs))


def test_two_consoles_and_a_display_follow_the_meeting(new_context, live_server, course_day):
    console = signed_in_console(new_context, live_server, course_day)
    projector = new_context(viewport={"width": 1600, "height": 900})
    projector.add_init_script(SKEWED_CLOCK)  # the projector's laptop runs 45 s fast
    display = projector.new_page()
    display.goto(f"/meetings/{course_day['meeting']}/display")
    expect(display.locator('[data-live="notice"]')).to_contain_text("會議尚未開始")

    press(console, "k", "Call the next case in")
    expect(display.locator('[data-live="notice"]')).to_contain_text("準備室", timeout=FOLLOW_MS)  # V8
    press(console, "o", "Open public comment")
    press(console, "n", "Call the next speaker")
    expect(display.locator('[data-live="speaker-name"]')).to_have_text("王○○", timeout=FOLLOW_MS)
    expect(display.locator('[data-live="next"]')).to_contain_text("陳○○")

    second = signed_in_console(new_context, live_server, course_day)  # loaded now: it will go stale
    press(console, "s", "Start")
    expect(display.locator('[data-live="clock"]')).to_have_text(re.compile(r"^[23]:[0-5]\d$"), timeout=FOLLOW_MS)
    time.sleep(1.2)  # let the countdown move, then compare the two screens to the second, despite the skew
    assert abs(seconds(clock(console)) - seconds(clock(display))) <= 1

    press(console, "p", "Pause")
    held = clock(console)
    expect(display.locator('[data-live="clock"]')).to_have_text(held, timeout=FOLLOW_MS)
    time.sleep(1.1)
    assert clock(console) == held and clock(display) == held  # held while paused, on both screens

    with second.expect_navigation():  # the second console still shows the speaker as called: Start is stale
        second.locator('button[accesskey="s"]').click()
    expect(second.get_by_role("alert")).to_contain_text(STALE)

    press(console, "r", "Resume")
    expect(display.locator(".dayof-live")).to_have_class(re.compile(r"light-green"), timeout=FOLLOW_MS)
    press(console, "t", "Stop")
    expect(display.locator('[data-live="speaker-name"]')).to_have_text("—", timeout=FOLLOW_MS)
    assert_no_serious_axe_violations(console)
    press(console, "d", "Start the committee's deliberation")
    expect(display.locator('[data-live="notice"]')).to_contain_text("請離開會場", timeout=FOLLOW_MS)  # V12
    assert_no_serious_axe_violations(display)
