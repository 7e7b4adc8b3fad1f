"""The public site needs no JavaScript: filtering, reading a meeting and saving it to a calendar all work
with scripts turned off in the browser."""
import re
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_visitor_filters_reads_a_meeting_and_downloads_its_calendar_file_without_javascript(new_context,
                                                                                           live_server):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/meetings")
    expect(page.locator("script")).to_have_count(0)
    page.locator("#f-county").select_option("taichung")
    page.locator("#f-kind").select_option("committee")
    page.locator(".filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/meetings\?(?=.*county=taichung)(?=.*kind=committee)"))

    published = live_server.ids["published"]
    page.locator(f'.meeting-card h2 a[href="/meetings/{published}"]').click()
    expect(page).to_have_url(re.compile(rf"/meetings/{published}$"))
    expect(page.locator("script")).to_have_count(0)
    for section in ("#reg-heading", "#agenda-heading", "#cases-heading", "#attendance-heading", "#materials-heading"):
        expect(page.locator(section)).to_be_visible()
    expect(page.locator("#agenda-heading ~ table tbody tr")).to_have_count(4)

    with page.expect_download() as download_info:
        page.locator(f'a[href="/meetings/{published}.ics"][download]').click()
    (event,) = Calendar.from_ical(Path(download_info.value.path()).read_bytes()).walk("VEVENT")
    expect(page.locator("h1")).to_have_text(str(event["SUMMARY"]))
