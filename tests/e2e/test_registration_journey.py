"""Applying to speak at a hearing, end to end (V3, V6, W4): a citizen applies in the browser,
confirms from the e-mail a real SMTP server received, sees the place and check-in code on the
private page, cancels — and the first person on the waiting list is promoted and told by e-mail.

The outbox worker's own function (send_due) delivers the mail to aiosmtpd between the steps.
"""
import re
from datetime import datetime, timezone

import pytest
from icalendar import Calendar
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db as _db
from app.meetings.models import Meeting
from app.outbox.worker import send_due
from app.registrations import services
from app.registrations.models import Application, SpeakingRequest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

HEARING = "宜蘭縣國土計畫（草案）公聽會（宜蘭市場）"
CITIZEN = "citizen.e2e@example.tw"
NEXT_IN_LINE = "next.in.line@example.tw"


def now():
    return datetime.now(timezone.utc)


def deliver(live_server, smtp, recipient: str, count: int) -> list:
    """Run the outbox worker once, then return every message `recipient` has received, which must
    be `count` (the SMTP server has them when the worker's send returns)."""
    with live_server.app.app_context():
        live_server.app.config.update(smtp.config)
        send_due(now=now(), limit=500)
        _db.session.remove()
    mine = [m for m in smtp.messages if m["To"] == recipient]
    assert len(mine) == count, [m["Subject"] for m in mine]
    return mine


def body(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def fill_places_but_one(live_server, meeting_id: int):
    """Confirmed speakers (through the services) until exactly one speaking place is left."""
    with live_server.app.app_context():
        meeting = _db.session.get(Meeting, meeting_id)
        taken = _db.session.scalar(select(func.count()).select_from(SpeakingRequest).where(
            SpeakingRequest.meeting_id == meeting_id, SpeakingRequest.outcome == "allocated"))
        for n in range(meeting.speaker_cap - taken - 1):
            _apply_and_confirm(meeting, f"filler{n}@example.tw", f"補位者{n}")
        _db.session.commit()
        _db.session.remove()


def _apply_and_confirm(meeting, email, name):
    application = services.submit_application(meeting, {
        "kind": "speak", "name": name, "organisation": "", "township": "", "village": "", "email": email,
        "phone": "", "case_ids": [], "consent": True, "party_concerned": False, "party_statement": "",
        "locale": "en"}, now=now())
    return services.confirm_application(application, now=now())


def test_apply_confirm_cancel_and_the_next_person_is_promoted_V3_V6_W4(live_server, new_context, smtp):
    meeting_id = live_server.rows(select(Meeting.id).where(Meeting.title == HEARING))[0][0]
    fill_places_but_one(live_server, meeting_id)
    page = new_context(**{"viewport": {"width": 390, "height": 844}}).new_page()

    page.goto(f"/meetings/{meeting_id}")
    page.locator(f'a[href$="/meetings/{meeting_id}/register"]').first.click()
    page.locator('input[name="kind"][value="speak"]').check()
    page.locator("#name").fill("陳志豪")
    page.locator("#organisation").fill("蘭陽溪口守護聯盟")
    page.locator("#email").fill(CITIZEN)
    page.locator("#consent").check()
    page.locator("form", has=page.locator("#consent")).locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(CITIZEN)

    confirmation, = deliver(live_server, smtp, CITIZEN, 1)
    link = re.search(r"https?://\S+/registration/confirm/\S+", body(confirmation)).group(0)
    page.goto(link)
    page.locator("form").filter(has=page.locator('input[name="csrf_token"]')).locator(
        "button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/registration/[^/]+$"))
    code = live_server.rows(select(Application.check_in_code).where(Application.email_key == CITIZEN))[0][0]
    expect(page.locator("main")).to_contain_text(code)
    expect(page.locator("main img[src^='data:image']")).to_have_count(1)  # the check-in QR code
    outcome = live_server.rows(select(SpeakingRequest.outcome, SpeakingRequest.position).join(Application)
                               .where(Application.email_key == CITIZEN))
    assert outcome[0][0] == "allocated"

    received = deliver(live_server, smtp, CITIZEN, 2)[-1]
    assert code in body(received)
    ics = [part for part in received.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert Calendar.from_ical(ics[0].get_content())  # the meeting's .ics is attached

    # The meeting is now full: the next applicant waits, first in line (V3, V6).
    with live_server.app.app_context():
        waiting = _apply_and_confirm(_db.session.get(Meeting, meeting_id), NEXT_IN_LINE, "林雅婷")
        assert (waiting.requests[0].outcome, waiting.requests[0].position) == ("waitlisted", 1)
        _db.session.commit()
        _db.session.remove()
    deliver(live_server, smtp, NEXT_IN_LINE, 2)  # confirmation request and "received"

    page.reload()
    page.locator('input[name="confirm"]').check()
    page.locator("form", has=page.locator('input[name="confirm"]')).locator("button[type=submit]").click()
    expect(page.locator('input[name="confirm"]')).to_have_count(0)  # nothing left to cancel
    status = live_server.rows(select(Application.status).where(Application.email_key == CITIZEN))[0][0]
    assert status == "cancelled"

    promoted = deliver(live_server, smtp, NEXT_IN_LINE, 3)[-1]
    assert promoted["X-Portal-Topic"] == "registration.promoted"
    assert "You have a place" in promoted["Subject"]
    assert deliver(live_server, smtp, CITIZEN, 3)[-1]["X-Portal-Topic"] == "registration.cancelled"
    place = live_server.rows(select(SpeakingRequest.outcome).join(Application).where(
        Application.email_key == NEXT_IN_LINE))
    assert place == [("allocated",)]
