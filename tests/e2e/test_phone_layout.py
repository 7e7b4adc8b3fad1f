"""On a phone (390 CSS px wide) the public pages reflow to the screen: nothing needs sideways scrolling
(WCAG 2.1, 1.4.10 Reflow)."""
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# An element reaching past the right edge of the layout viewport, described for the failure message.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('main *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .map(el => `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}: ${el.textContent.trim().slice(0, 50)}`);
}"""
@pytest.mark.parametrize("path", [
    "/",
    "/meetings?county=yilan&kind=hearing",
    "/plans/{yilan_plan}",
    "/meetings/{published}",
    "/meetings/{postponed}",
    "/meetings/{cancelled}",
])
def test_public_page_fits_a_phone_screen_without_sideways_scrolling(phone_page, live_server, path):
    phone_page.goto(path.format(**live_server.ids))
    expect(phone_page.locator("main h1")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.clientWidth")
    assert width == 390
    assert phone_page.evaluate(OVERFLOWING) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= width
