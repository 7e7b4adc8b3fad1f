"""The secretariat's registration desk passes axe-core (WCAG 2.1 A/AA, no serious or critical
violation): the list with its summary and forms, an application with its history and actions, the
form for other channels, the printable sign-in sheet, the suspensions and the group names."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.registrations.models import Application

from .a11y import assert_no_serious_axe_violations
from .test_hearing_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# path (with {meeting} and {application}); a selector only that page shows
DESK_PAGES = {
    "applications": ("/staff/meetings/{meeting}/applications", "form[action$='/caps']"),
    "application": ("/staff/applications/{application}", "form[action$='/reject']"),
    "record": ("/staff/meetings/{meeting}/applications/new", "select#channel"),
    "sign-in-sheet": ("/staff/meetings/{meeting}/sign-in-sheet", "th.signature"),
    "suspensions": ("/staff/suspensions", "main h1"),
    "new-suspension": ("/staff/suspensions/new", "input#until"),
    "group-names": ("/staff/groups", "input#alias_name"),
}


@pytest.fixture(scope="module")
def desk_ids(live_server):
    meeting = live_server.ids["open_hearing"]
    application = live_server.rows(select(Application.id).where(Application.meeting_id == meeting)
                                   .order_by(Application.id))[0][0]
    return {"meeting": meeting, "application": application}


@pytest.mark.parametrize("name", DESK_PAGES)
def test_desk_page_has_no_serious_or_critical_axe_violations(page, live_server, desk_ids, name):
    sign_in(page, "yilan@demo.landuse.tw")
    path, marker = DESK_PAGES[name]
    response = page.goto(path.format(**desk_ids))
    assert response.status == 200
    expect(page.locator(marker).first).to_be_attached()
    assert_no_serious_axe_violations(page)
