"""A visitor subscribes and confirms from the e-mail; staff publish a meeting and the notice arrives with
its .ics; the visitor unsubscribes in one click (as a mail program does: a POST with no cookie and no
form token); the next notice does not reach them. axe-core checks every new page (P10, RFC 8058)."""
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import icalendar
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.meetings import services
from app.outbox.worker import send_due
from app.plans.models import Organizer, Plan

from .a11y import assert_no_serious_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
VISITOR = "visitor.e2e@example.tw"


def deliver(live_server, smtp) -> list:
    """Run the outbox worker once against the test's SMTP server; the messages the visitor received."""
    live_server.app.config.update(smtp.config)
    with live_server.app.app_context():
        try:
            send_due(now=datetime.now(timezone.utc) + timedelta(minutes=1), limit=500)
        finally:
            db.session.remove()
    return [m for m in smtp.messages if m["To"] == VISITOR]


def new_draft(live_server) -> int:
    """A draft workshop of Yilan County, 40 days ahead (the demo's own draft is left to other tests)."""
    from tests.factories import meeting_data
    with live_server.app.app_context():
        try:
            organizer = db.session.scalar(select(Organizer).where(Organizer.slug == "yilan"))
            plan = db.session.scalar(select(Plan).where(Plan.county_code == "yilan"))
            start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=40)
            meeting = services.create_meeting(plan, organizer, meeting_data(organizer, start=start, kind="workshop",
                                                                            title="宜蘭縣通知測試工作坊"),
                                              actor=None, now=datetime.now(timezone.utc), departure_reason="測試")
            db.session.commit()
            return meeting.id
        finally:
            db.session.remove()


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_subscribe_confirm_get_notice_with_ics_unsubscribe_in_one_click(new_context, live_server, smtp):
    visitor = new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto("/subscribe")
    assert_no_serious_axe_violations(visitor)
    visitor.locator("#email").fill(VISITOR)
    visitor.get_by_label("宜蘭縣", exact=True).check()
    visitor.locator("form.narrow-form button[type=submit]").click()
    expect(visitor).to_have_url(re.compile(r"/subscribe/sent$"))
    assert_no_serious_axe_violations(visitor)

    confirm, = deliver(live_server, smtp)
    link = re.search(r"https?://\S+/subscribe/confirm/\S+", body(confirm)).group(0)
    visitor.goto(link)
    assert_no_serious_axe_violations(visitor)
    visitor.locator("main form button[type=submit], form[action*='/subscribe/confirm/'] button").first.click()
    expect(visitor).to_have_url(re.compile(r"/subscribe/preferences/"))
    assert_no_serious_axe_violations(visitor)

    meeting_id = new_draft(live_server)
    staff = new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.goto("/staff/login")
    staff.locator("#email").fill("yilan@demo.landuse.tw")
    staff.locator("#password").fill(DEMO_PASSWORD)
    staff.locator("form", has=staff.locator("#password")).locator("button[type=submit]").click()
    staff.goto(f"/staff/meetings/{meeting_id}")
    staff.locator(f"form[action$='/staff/meetings/{meeting_id}/publish'] button").click()
    staff.locator('input[name="publish_anyway"] ~ p button[type=submit]').click()  # no agenda yet: confirm (P8)
    assert_no_serious_axe_violations(staff)

    notice = deliver(live_server, smtp)[-1]
    assert "宜蘭縣通知測試工作坊" in notice["Subject"]
    ics = next(p for p in notice.iter_attachments() if p.get_filename().endswith(".ics"))
    calendar = icalendar.Calendar.from_ical(ics.get_payload(decode=True))
    assert calendar["METHOD"] == "REQUEST" and "宜蘭縣通知測試工作坊" in str(calendar.walk("VEVENT")[0]["SUMMARY"])
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The worker writes links under PUBLIC_BASE_URL (the test app's is http://localhost): keep the path.
    unsubscribe = urlsplit(notice["List-Unsubscribe"].strip("<>")).path

    visitor.goto(unsubscribe)  # the page: a button, nothing changed yet
    assert_no_serious_axe_violations(visitor)
    mail_program = new_context().request  # no cookie, no CSRF token
    answer = mail_program.post(live_server.url + unsubscribe, form={"List-Unsubscribe": "One-Click"})
    assert answer.status == 200

    staff.goto(f"/staff/meetings/{meeting_id}/notices")
    assert_no_serious_axe_violations(staff)
    staff.locator("#note").fill("會場改在二樓大會議室，請提早十分鐘報到。")
    staff.locator("form[action$='/notices/preview'] button").click()
    expect(staff.locator("#preview-title")).to_be_visible()
    assert VISITOR not in staff.locator("main").inner_text()
    assert_no_serious_axe_violations(staff)
    staff.locator("form[action$='/notices/send'] button").click()
    expect(staff.locator(".flash")).to_be_visible()

    assert len(deliver(live_server, smtp)) == 2  # the confirmation and the first notice only
    assert any("二樓大會議室" in body(m) for m in smtp.messages)  # the notice went to the others
