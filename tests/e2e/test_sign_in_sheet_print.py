"""The sign-in sheet printed by Chromium (V2, issue 9 item 14), read back from the PDF: the meeting's
title and date at the top of every page, no site header or footer, sections running on without a page
each, and the blank rows for walk-ins, agency representatives and committee members."""
import re

import pytest
from playwright.sync_api import expect

from .pdftext import page_texts
from .test_hearing_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def squeeze(text: str) -> str:
    """Text without whitespace: the PDF's runs carry no spaces between them."""
    return re.sub(r"\s+", "", text)


def test_printed_sheet_has_the_meeting_on_every_page_and_no_site_header(page, live_server):
    sign_in(page, "yilan@demo.landuse.tw")
    response = page.goto(f"/staff/meetings/{live_server.ids['open_hearing']}/sign-in-sheet")
    assert response.status == 200
    site_name = page.locator(".site-name").inner_text()
    footer = page.locator(".site-footer p").first.inner_text()
    expect(page.locator(".site-header")).to_be_visible()  # on screen the header stays
    expect(page.locator("tr.running-head").first).to_be_hidden()  # …and the running head is for paper
    title = page.locator("tr.running-head td").first.text_content()
    captions = [squeeze(c) for c in page.locator("table.sign-in caption").all_text_contents()]
    pages = [squeeze(text) for text in page_texts(page.pdf(format="A4"))]

    assert len(pages) >= 2  # the check below means something only across a page break
    for number, text in enumerate(pages, 1):
        assert squeeze(title) in text, f"page {number} lacks the meeting's title and date"
        assert squeeze(site_name) not in text and squeeze(footer) not in text
    # continuous: sections follow one another on a page instead of each starting a new one
    assert len(pages) < len(captions)
    assert sum(caption in pages[0] for caption in captions) >= 2
    # the blank tables are printed, the last one numbered to its end
    whole = "".join(pages)
    for caption in captions[-3:]:
        assert caption in whole
    assert whole.endswith("12345")  # the committee table's five numbered blank rows close the sheet


def test_printed_rows_are_never_split_across_pages(page, live_server):
    sign_in(page, "yilan@demo.landuse.tw")
    page.goto(f"/staff/meetings/{live_server.ids['open_hearing']}/sign-in-sheet")
    page.emulate_media(media="print")
    styles = page.evaluate("""() => [...document.querySelectorAll('table.sign-in tbody tr')].map(
        row => getComputedStyle(row).breakInside)""")
    assert styles and set(styles) == {"avoid"}
    assert set(page.evaluate("""() => [...document.querySelectorAll('table.sign-in thead')].map(
        head => getComputedStyle(head).display)""")) == {"table-header-group"}
    expect(page.locator(".site-header")).to_be_hidden()
