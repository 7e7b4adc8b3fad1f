"""The staff-security pages at phone width (390×844), as a clerk or an administrator uses them on the go.

Staff lists become one card per row (no sideways scrolling), the sign-in security pages show tabs, a long
e-mail address wraps instead of widening the page, and the group-names journey (V5, V7) reads plainly:
names the portal already folds alike are reported as such, not as a mistake; the desk's "check identity"
flag stays one pill and links to the other application by name. Every page passes axe-core.
"""
import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from app.extensions import db as _db
from app.meetings.models import Meeting
from app.outbox.models import OutboxMessage
from app.registrations import services
from app.registrations.models import Application

from .a11y import assert_no_serious_axe_violations, switch_to_english
from .conftest import PHONE
from .test_hearing_journey import sign_in as sign_in_desk
from .test_staff_invitation_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

LONG_ADDRESS = "a.rather.long.name.for.a.new.clerk.of.the.secretariat@demo.landuse.tw"


def assert_fits_the_phone(page):
    """Nothing on the page is wider than the phone's screen (no sideways scrolling), once styled."""
    page.wait_for_load_state("load")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]}px wide on a {widths[1]}px screen"


def test_staff_accounts_are_cards_and_the_invitation_page_fits_a_phone(new_context, live_server):
    admin = new_context(**PHONE).new_page()
    sign_in(admin, live_server, "admin@demo.landuse.tw", DEMO_PASSWORD, DEMO_TOTP_SECRET)
    admin.goto("/staff/accounts/invite")
    expect(admin.locator("#role")).to_have_value("secretariat")  # not administrator unless chosen
    admin.locator("#name").fill("林書記")
    admin.locator("#email").fill(LONG_ADDRESS)
    admin.locator("#role").select_option("secretariat")
    admin.locator("#organizer_id").select_option(index=1)
    admin.locator("form", has=admin.locator("#email")).locator("button[type=submit]").click()
    expect(admin).to_have_url(re.compile(r"/staff/accounts/$"))
    # A person's name is 姓名 (it used to read 計畫名稱, a plan's name).
    expect(admin.locator("table.row-cards thead th").first).to_have_text("姓名")
    first = admin.locator("table.row-cards tbody tr").first
    expect(first).to_have_css("display", "block")  # one card per account
    expect(first.locator("td.email")).to_be_visible()
    assert_fits_the_phone(admin)
    assert_no_serious_axe_violations(admin)
    admin.locator("main a", has_text="臺中市規劃師").click()
    disable = admin.locator("form[action$='/disable'] button")
    expect(disable).to_have_css("background-color", "rgb(168, 32, 26)")  # reads as destructive
    assert_fits_the_phone(admin)
    assert_no_serious_axe_violations(admin)

    [(body,)] = live_server.rows(select(OutboxMessage.body).where(OutboxMessage.recipient == LONG_ADDRESS))
    invitee = new_context(**PHONE).new_page()
    invitee.goto(re.search(r"https?://\S+/staff/invitation/\S+", body).group(0))
    expect(invitee.locator("main")).to_contain_text(LONG_ADDRESS)
    assert_fits_the_phone(invitee)
    assert_no_serious_axe_violations(invitee)


def test_sign_in_security_pages_show_tabs_and_errors_by_the_field_on_a_phone(phone_page):
    sign_in_desk(phone_page, "taichung@demo.landuse.tw")
    for path in ("/staff/security/sessions", "/staff/security/two-factor"):
        phone_page.goto(path)
        tabs = phone_page.locator("nav.tabs a")
        expect(tabs).to_have_count(3)
        tops = [tabs.nth(n).bounding_box()["y"] for n in range(3)]
        assert max(tops) - min(tops) < 2, "the three tabs should sit on one line"
        current = phone_page.locator('nav.tabs a[aria-current="page"]')
        expect(current).to_have_count(1)
        expect(current).to_have_css("text-decoration-line", "none")
        assert_fits_the_phone(phone_page)
        assert_no_serious_axe_violations(phone_page)
    phone_page.goto("/staff/security/sessions")
    expect(phone_page.locator("table.row-cards tbody tr").first).to_have_css("display", "block")

    # A wrong first code: the message sits in the form, by the field, not above the set-up steps.
    phone_page.goto("/staff/security/two-factor")
    phone_page.locator("form[action$='/two-factor/start'] button[type=submit]").click()
    phone_page.locator("#code").fill("000000")
    phone_page.locator("form[action$='/two-factor/confirm'] button[type=submit]").click()
    confirm = phone_page.locator("form[action$='/two-factor/confirm']")
    expect(confirm.locator(".error-summary")).to_be_visible()
    expect(phone_page.locator(".error-summary")).to_have_count(1)
    expect(confirm.locator("#code-error")).to_be_visible()
    expect(phone_page.locator("#code")).to_have_value("000000")
    assert_no_serious_axe_violations(phone_page)


def mark(page, alias: str, canonical: str):
    page.locator("#alias_name").fill(alias)
    page.locator("#canonical_name").fill(canonical)
    page.locator("form", has=page.locator("#alias_name")).locator("button[type=submit]").click()


def test_group_names_journey_on_a_phone_V5_V7(phone_page):
    sign_in_desk(phone_page, "yilan@demo.landuse.tw")
    phone_page.goto("/staff/groups")
    assert_no_serious_axe_violations(phone_page)

    # Simplified characters already fold to the Traditional name: said plainly, nothing to correct.
    mark(phone_page, "台湾环境资讯协会", "臺灣環境資訊協會")
    expect(phone_page).to_have_url(re.compile(r"/staff/groups$"))
    expect(phone_page.locator(".flash-info")).to_contain_text("系統已將「台湾环境资讯协会」與「臺灣環境資訊協會」視為同一團體")
    expect(phone_page.locator("p.error")).to_have_count(0)
    expect(phone_page.locator(".error-summary")).to_have_count(0)
    assert_no_serious_axe_violations(phone_page)

    # An English name it cannot know: marked, listed as a card, then undone.
    mark(phone_page, "Taiwan Environmental Information Association", "臺灣環境資訊協會")
    expect(phone_page.locator(".flash-success")).to_be_visible()
    row = phone_page.locator("table.aliases tbody tr", has_text="Taiwan Environmental Information Association")
    expect(row).to_contain_text("臺灣環境資訊協會")
    expect(row).to_have_css("display", "block")
    assert_fits_the_phone(phone_page)
    assert_no_serious_axe_violations(phone_page)
    switch_to_english(phone_page)
    expect(phone_page.locator("table.aliases caption")).to_contain_text("Names that count as another group's name")
    assert_no_serious_axe_violations(phone_page)
    row.locator("form[action$='/remove'] button").click()
    expect(phone_page.locator(".flash-success")).to_contain_text("counts as a group of its own again")
    expect(phone_page.locator("table.aliases")).to_have_count(0)
    assert_no_serious_axe_violations(phone_page)


def _confirmed(live_server, meeting_id: int, email: str):
    """A confirmed speaker 周美玲 with one phone number, whatever the e-mail (through the services)."""
    with live_server.app.app_context():
        meeting = _db.session.get(Meeting, meeting_id)
        application = services.submit_application(meeting, {
            "kind": "speak", "name": "周美玲", "organisation": "", "township": "", "village": "", "email": email,
            "phone": "0912-345-678", "case_ids": [], "consent": True, "party_concerned": False,
            "party_statement": "", "locale": "zh_Hant_TW"}, now=datetime.now(timezone.utc))
        services.confirm_application(application, now=datetime.now(timezone.utc))
        _db.session.commit()
        application_id = application.id
        _db.session.remove()
    return application_id


def _withdraw(live_server, *application_ids: int):
    """Cancel the test's applications again: the session's served app is shared, and the registration
    journey needs the hearing's last speaking place free, whatever order the tests run in."""
    with live_server.app.app_context():
        for application_id in application_ids:
            services.cancel_application(_db.session.get(Application, application_id), now=datetime.now(timezone.utc))
        _db.session.commit()
        _db.session.remove()


@pytest.fixture
def two_chous(live_server):
    """Two confirmed 周美玲 with one phone number on the open hearing, withdrawn after the test."""
    meeting = live_server.ids["open_hearing"]
    made = (_confirmed(live_server, meeting, "mei.ling@example.tw"),
            _confirmed(live_server, meeting, "meiling.chou@example.tw"))
    yield made
    _withdraw(live_server, *made)


def test_check_identity_flag_on_the_desk_at_phone_width_V5(phone_page, live_server, two_chous):
    meeting = live_server.ids["open_hearing"]
    first, second = two_chous
    sign_in_desk(phone_page, "yilan@demo.landuse.tw")
    phone_page.goto(f"/staff/meetings/{meeting}/applications")
    badge = phone_page.locator(f"a[href$='/staff/applications/{second}'] ~ .badge.needs-review")
    expect(badge).to_have_text("請核對身分")
    line = badge.evaluate("b => parseFloat(getComputedStyle(b).lineHeight)")
    assert badge.bounding_box()["height"] < 1.6 * line, "the flag should be one pill, not a column of characters"
    assert_no_serious_axe_violations(phone_page)

    phone_page.goto(f"/staff/applications/{second}")
    panel = phone_page.locator("section.needs-review")
    expect(panel.locator("h2")).to_have_text("請核對申請人身分")
    other = panel.get_by_role("link", name=f"申請 #{first}")
    other.click()
    expect(phone_page).to_have_url(re.compile(rf"/staff/applications/{first}$"))
    assert_no_serious_axe_violations(phone_page)
