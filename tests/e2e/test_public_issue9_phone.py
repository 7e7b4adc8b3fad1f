"""Issue 9 on a phone (390 CSS px): dates never break in the middle (item 6), the meeting filters fold
behind one button that works without JavaScript (item 10), and the places left and the calendar
subscription read as they should (items 3, 9)."""
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# Each date (a .when span or <time class="when">) whose pieces a phone laid out on more than one line.
BROKEN_DATES = """() => [...document.querySelectorAll('main .when')]
  .filter(el => new Set([...el.getClientRects()].map(r => Math.round(r.bottom))).size > 1)
  .map(el => el.textContent.trim())"""


@pytest.mark.parametrize("path", ["/", "/meetings?when=all", "/meetings?when=all&view=table", "/meetings/{published}",
                                  "/meetings/{postponed}", "/plans/{yilan_plan}"])
def test_no_date_breaks_in_the_middle_on_a_phone(phone_page, live_server, path):
    phone_page.goto(path.format(**live_server.ids))
    phone_page.wait_for_load_state("load")  # the stylesheet too
    expect(phone_page.locator("main .when").first).to_be_visible()
    assert phone_page.evaluate(BROKEN_DATES) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("javascript", [True, False])
def test_the_filters_fold_behind_one_button_with_or_without_javascript(new_context, live_server, javascript):
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                       java_script_enabled=javascript).new_page()
    page.goto(live_server.url + "/meetings")
    page.wait_for_load_state("load")
    county = page.locator("#f-county")
    expect(page.locator("#f-q")).to_be_visible()
    expect(county).to_be_hidden()
    page.locator("details.filter-panel > summary").click()
    expect(county).to_be_visible()
    county.select_option("yilan")
    page.locator("details.filter-panel button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/meetings?county=yilan")
    expect(page.locator("#f-county")).to_be_visible()  # filters in use stay unfolded


def test_a_meeting_page_offers_a_webcal_subscription_and_says_places_left(phone_page, live_server):
    phone_page.goto(f"/meetings/{live_server.ids['open_hearing']}")
    expect(phone_page.locator(".subscribe a[href^='webcal://']")).to_be_visible()
    expect(phone_page.locator("ul.places li").first).to_contain_text("尚餘")
    phone_page.locator(".subscribe summary").click()
    expect(phone_page.locator(".subscribe input.copy-url")).to_have_value(
        f"{live_server.url}/meetings/{live_server.ids['open_hearing']}.ics")
