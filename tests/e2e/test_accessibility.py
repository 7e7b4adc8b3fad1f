"""axe-core finds no serious or critical WCAG 2.1 A/AA violation on any public page, in either language.

Each page is first checked to be the page it claims to be (its status code and one element that only
it shows), so that an error page cannot pass in place of, say, a cancelled meeting's notice.
English is reached the way a visitor reaches it: through the page's own "English" link.
"""
import pytest
from playwright.sync_api import expect

from .a11y import assert_no_serious_axe_violations, switch_to_english

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# name: (path, with {demo ids} filled in; expected status; selectors of what only that page shows)
PUBLIC_PAGES = {
    "home": ("/", 200, ["#upcoming-heading ~ ul.cards"]),
    "meetings": ("/meetings", 200, ["details.filter-panel .filters", "ul.cards .meeting-card"]),
    "meetings-table": ("/meetings?when=all&view=table", 200, ["section.month table.meeting-table caption"]),
    "meetings-search": ("/meetings?q=%E5%85%AC%E8%81%BD", 200, ["input#f-q[value]", "ul.cards .meeting-card"]),
    "meetings-filtered": ("/meetings?county=yilan&kind=hearing", 200,
                          ["#f-county option[value=yilan][selected]", "#f-kind option[value=hearing][selected]",
                           "ul.cards .meeting-card"]),
    "meetings-past": ("/meetings?when=past", 200, ["input[name=when][value=past][checked]", "ul.cards .meeting-card"]),
    "meetings-empty": ("/meetings?county=penghu", 200, ["p.empty"]),
    "meeting-published": ("/meetings/{published}", 200,
                          ["#reg-heading", "#agenda-heading ~ table", "#cases-heading ~ ol.cases",
                           "#attendance-heading ~ table", "ul.materials"]),
    "meeting-postponed": ("/meetings/{postponed}", 200, [".notice-postponed", "#history-heading"]),
    "meeting-cancelled": ("/meetings/{cancelled}", 200, [".notice-cancelled", "#history-heading"]),
    "meeting-past-with-minutes": ("/meetings/{past_with_minutes}", 200, ["ul.materials"]),
    "plans": ("/plans", 200, ["ul.cards .card"]),
    "plan": ("/plans/{yilan_plan}", 200, ["ol.timeline", "ul.materials"]),
    "register": ("/meetings/{open_hearing}/register", 200,
                 ["input[name=kind][value=speak]", "input#consent", "form button[type=submit]"]),
    "register-not-open": ("/meetings/{not_yet_open}/register", 200, ["main .notice[role=alert]"]),
    "privacy": ("/privacy/registration", 200, [".notice-text"]),
    "site-privacy": ("/privacy", 200, ["article.prose h2"]),
    "accessibility": ("/accessibility", 200, ["article.prose h2"]),
    "calendar": ("/calendar", 200, [".subscribe a[href^='webcal://']"]),
    "application": ("/registration/{manage_token}", 200, ["main img[src^='data:image']", "input[name=confirm]"]),
    "not-found": ("/no-such-page", 404, ["main h1"]),
    "staff-login": ("/staff/login", 200, ["input#email", "input#password"]),
}
PHONE_PAGES = ("home", "meetings-filtered", "meetings-table", "meeting-published", "meeting-postponed", "register", "application")


def open_public_page(page, live_server, name: str, language: str):
    """Open one of PUBLIC_PAGES in the language, checking it is the page it is meant to be."""
    path, status, markers = PUBLIC_PAGES[name]
    response = page.goto(path.format(**live_server.ids))
    assert response.status == status
    if language == "en":
        switch_to_english(page)
    for marker in markers:
        expect(page.locator(marker).first).to_be_attached()


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_has_no_serious_or_critical_axe_violations(page, live_server, name, language):
    open_public_page(page, live_server, name, language)
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("name", PHONE_PAGES)
def test_public_page_on_a_phone_has_no_serious_or_critical_axe_violations(phone_page, live_server, name,
                                                                          language):
    open_public_page(phone_page, live_server, name, language)
    assert phone_page.viewport_size == {"width": 390, "height": 844}
    assert_no_serious_axe_violations(phone_page)


def test_english_link_sets_the_language_cookie_and_returns_to_the_same_filtered_page(page, live_server):
    page.goto("/meetings?county=yilan&kind=hearing")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")
    switch_to_english(page)
    assert {c["name"]: c["value"] for c in page.context.cookies()}.get("lang") == "en"
    expect(page.locator("h1")).to_have_text("Upcoming meetings")
    expect(page.locator("#f-county option[value=yilan]")).to_have_text("Yilan County")
    page.goto("/plans")
    expect(page.locator("html")).to_have_attribute("lang", "en")
