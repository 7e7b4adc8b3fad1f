"""The applicant's own changes in the browser at phone width (issue 9, items 2 and 7): resend my link
(the link arrives at a real SMTP server), correct a name, switch to observing after the step that
names the lost place, add and drop a case, and the apply form's speaking part folding away — each
page axe-clean and without sideways scrolling."""
import re
from datetime import datetime, timezone
from itertools import count

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db as _db
from app.meetings.models import Meeting
from app.outbox.worker import send_due
from app.registrations import links, services
from app.registrations.models import Application, SpeakingRequest

from .a11y import assert_no_serious_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

COMMITTEE = "內政部國土計畫審議會第 12 次會議（臺中市國土計畫）"
_people = count(1)


def now():
    return datetime.now(timezone.utc)


def applicant(live_server, *, cases: int = 1) -> tuple[str, str, int]:
    """A confirmed speaker on the committee meeting's first `cases` cases: (e-mail, private path, id)."""
    email = f"changer{next(_people)}@example.tw"
    with live_server.app.app_context():
        meeting = _db.session.scalar(select(Meeting).where(Meeting.title == COMMITTEE))
        application = services.submit_application(meeting, {
            "kind": "speak", "name": "張美惠", "organisation": "", "township": "", "village": "", "email": email,
            "phone": "", "case_ids": [c.id for c in meeting.cases[:cases]], "consent": True,
            "party_concerned": False, "party_statement": "", "locale": "zh_Hant_TW"}, now=now())
        application = services.confirm_application(application, now=now())
        _db.session.commit()
        path = f"/registration/{links.make_token(application, links.MANAGE)}"
        application_id = application.id
        _db.session.remove()
    return email, path, application_id


def checked(page):
    """The page is axe-clean and fits the phone's width."""
    assert_no_serious_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def row(live_server, application_id: int) -> tuple:
    return live_server.rows(select(Application.name, Application.kind).where(Application.id == application_id))[0]


def cases_of(live_server, application_id: int) -> list[int]:
    return [r[0] for r in live_server.rows(select(SpeakingRequest.case_key).where(
        SpeakingRequest.application_id == application_id).order_by(SpeakingRequest.case_key))]


def test_resend_my_link_mails_the_private_page(live_server, phone_page, smtp):
    email, path, _ = applicant(live_server)
    page = phone_page
    page.goto("/resend-link")
    checked(page)
    page.locator("#email").fill(email.upper())
    page.locator("form", has=page.locator("#email")).locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/resend-link/sent$"))
    checked(page)
    with live_server.app.app_context():
        live_server.app.config.update(smtp.config)
        send_due(now=now(), limit=500)
        _db.session.remove()
    mail, = [m for m in smtp.messages if m["To"] == email and m["X-Portal-Topic"] == "registration.links"]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert COMMITTEE in text
    link = re.search(r"https?://[^/\s]+(/registration/[\w.\-]+)", text).group(1)
    with live_server.app.app_context():  # a newly signed link to the same application (tokens carry a time)
        assert links.read_token(link.rsplit("/", 1)[1], links.MANAGE) == links.read_token(
            path.rsplit("/", 1)[1], links.MANAGE)
    page.goto(link)
    expect(page.locator("main")).to_contain_text("張美惠")


def test_an_applicant_corrects_their_name(live_server, phone_page):
    _, path, application_id = applicant(live_server)
    page = phone_page
    page.goto(path)
    checked(page)
    page.locator("#name").fill("張美蕙")
    page.locator('form[action$="/details"] button[type=submit]').click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main dl.facts").last).to_contain_text("張美蕙")
    assert row(live_server, application_id) == ("張美蕙", "speak")


def test_switching_to_observing_names_the_lost_place_first(live_server, phone_page):
    _, path, application_id = applicant(live_server)
    page = phone_page
    page.goto(path)
    page.locator('form[action$="/observe"] button[type=submit]').click()
    expect(page.locator("h1")).to_have_text("這項變更會讓您失去名額")
    expect(page.locator("ul.losses li")).to_have_count(1)
    checked(page)
    assert row(live_server, application_id)[1] == "speak"  # nothing saved before the applicant agrees
    page.locator("form button[type=submit].danger").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator('form[action$="/observe"]')).to_have_count(0)
    checked(page)
    assert row(live_server, application_id)[1] == "observe"


def test_adding_and_dropping_a_case(live_server, phone_page):
    _, path, application_id = applicant(live_server)
    first, second = cases_of(live_server, application_id)[0], None
    page = phone_page
    page.goto(path)
    boxes = page.locator('form[action$="/cases"] input[name="case_ids"]')
    expect(boxes).to_have_count(2)
    boxes.nth(1).check()
    page.locator('form[action$="/cases"] button[type=submit]').click()
    expect(page.locator(".flash-success")).to_be_visible()
    added = cases_of(live_server, application_id)
    assert len(added) == 2
    second = [c for c in added if c != first][0]
    page.locator(f'form[action$="/cases"] input[value="{first}"]').uncheck()
    page.locator('form[action$="/cases"] button[type=submit]').click()
    expect(page.locator("ul.losses li")).to_have_count(1)  # the first case's speaking place
    checked(page)
    page.locator("form button[type=submit].danger").click()
    expect(page.locator(".flash-success")).to_be_visible()
    assert cases_of(live_server, application_id) == [second]


def test_the_speaking_part_folds_away_for_observers(live_server, phone_page):
    meeting_id = live_server.rows(select(Meeting.id).where(Meeting.title == COMMITTEE))[0][0]
    page = phone_page
    page.goto(f"/meetings/{meeting_id}/register")
    expect(page.locator("#phone")).to_have_attribute("type", "tel")
    page.locator('input[name="kind"][value="observe"]').check()
    expect(page.locator("#speaking-part")).to_be_hidden()
    checked(page)
    page.locator('input[name="kind"][value="speak"]').check()
    expect(page.locator("#speaking-part")).to_be_visible()
