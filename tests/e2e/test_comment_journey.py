"""Every comment answered, end to end (P2, P4, P5, P8): a citizen sends a written opinion and receives the
receipt; a planner drafts the answer and another staff member approves it; the hearing's minutes are
published; the citizen follows the receipt link, reads the answer and gets the e-mail saying it was
published. axe-core finds no serious or critical violation on the new public pages. Mail goes through the
outbox worker to a real SMTP server (aiosmtpd) on loopback."""
import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.services import create_staff
from app.comments.models import Comment, Submission
from app.demo import DEMO_PASSWORD
from app.extensions import db as _db
from app.meetings.models import Meeting
from app.outbox.worker import send_due
from app.plans.models import Organizer

from .a11y import assert_no_serious_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

CITIZEN = "opinion.e2e@example.tw"
PLANNER = "yilan.planner.e2e@demo.landuse.tw"
CLERK = "yilan@demo.landuse.tw"
HEARING = "宜蘭縣國土計畫（草案）公聽會（宜蘭市場）"


def deliver(live_server, smtp, count: int) -> list:
    """Run the outbox worker once; the citizen must have received `count` messages."""
    with live_server.app.app_context():
        live_server.app.config.update(smtp.config)
        send_due(now=datetime.now(timezone.utc), limit=500)
        _db.session.remove()
    mine = [m for m in smtp.messages if m["To"] == CITIZEN]
    assert len(mine) == count, [m["Subject"] for m in mine]
    return mine


def text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def sign_in(page, email: str):
    page.goto("/staff/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form", has=page.locator("#password")).locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


def _yilan_planner(live_server):
    with live_server.app.app_context():
        if _db.session.scalar(select(Organizer.id).where(Organizer.slug == "yilan")) is not None:
            yilan = _db.session.scalar(select(Organizer).where(Organizer.slug == "yilan"))
            from app.accounts.models import User
            if _db.session.scalar(select(User.id).where(User.email == PLANNER)) is None:
                create_staff(email=PLANNER, name="宜蘭縣規劃師", role="planner", organizer=yilan,
                             password=DEMO_PASSWORD, now=datetime.now(timezone.utc))
                _db.session.commit()
        hearing_id = _db.session.scalar(select(Meeting.id).where(Meeting.title == HEARING))
        _db.session.remove()
    return hearing_id


def _draft(page, comment_id: int, decision: str, reasoning: str):
    page.goto(f"/staff/comments/{comment_id}")
    page.locator("#decision").select_option(decision)
    page.locator("#reasoning").fill(reasoning)
    page.get_by_role("button", name=re.compile("Save the draft|儲存草稿")).click()
    expect(page.locator("#current-response")).to_contain_text(reasoning[:6])


def test_a_written_opinion_is_answered_minuted_and_followed_by_its_sender(live_server, new_context, smtp):
    plan_id, hearing_id = live_server.ids["yilan_plan"], _yilan_planner(live_server)
    citizen = new_context(viewport={"width": 1280, "height": 900}).new_page()
    citizen.goto(f"/plans/{plan_id}/opinions")
    assert_no_serious_axe_violations(citizen)
    citizen.locator("#name").fill("張小姐")
    citizen.locator("#address").fill("宜蘭縣礁溪鄉中山路 1 號")
    citizen.locator("#email").fill(CITIZEN)
    citizen.locator("#text").fill("請將壯圍鄉沿海的農地維持為農業發展地區，不要劃入城鄉發展地區。")
    citizen.locator("#consent").check()
    citizen.get_by_role("button", name=re.compile("送出意見|Send my opinion")).click()
    expect(citizen.locator("h1")).to_contain_text(re.compile("已收到您的意見|Your opinion was received"))
    assert_no_serious_axe_violations(citizen)
    receipt_mail, = deliver(live_server, smtp, 1)
    link = re.search(r"https?://\S+/opinions/\S+", text(receipt_mail)).group(0)
    with live_server.app.app_context():
        submission = _db.session.scalar(select(Submission).where(Submission.email == CITIZEN))
        assert submission.receipt in receipt_mail["Subject"]
        comment_id = submission.comments[0].id
        _db.session.remove()

    clerk = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(clerk, CLERK)
    clerk.goto(f"/staff/comments/meetings/{hearing_id}/new")
    clerk.locator("#name").fill("游先生")
    clerk.locator("#text").fill("希望增加羅東地區的公聽會場次。")
    clerk.get_by_role("button", name=re.compile("記錄意見|Record the comment")).click()
    with live_server.app.app_context():
        oral_id = _db.session.scalar(select(Comment.id).where(Comment.meeting_id == hearing_id)
                                     .order_by(Comment.id.desc()))
        _db.session.remove()

    planner = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(planner, PLANNER)
    _draft(planner, comment_id, "partly", "部分參採：壯圍鄉沿海農地維持農業發展地區第一類。")
    expect(planner.get_by_role("button", name=re.compile("^(核可|Approve)$"))).to_have_count(0)  # P2: not their own
    _draft(planner, oral_id, "adopted", "參採：將於羅東鎮加開一場公聽會。")

    for cid in (comment_id, oral_id):
        clerk.goto(f"/staff/comments/{cid}")
        clerk.get_by_role("button", name=re.compile("^(核可|Approve)$")).click()
        expect(clerk.get_by_role("button", name=re.compile("^(公布|公開|Publish)$"))).to_be_visible()
    clerk.goto(f"/staff/comments/{comment_id}")
    clerk.get_by_role("button", name=re.compile("^(公布|公開|Publish)$")).click()
    clerk.goto(f"/staff/comments/meetings/{hearing_id}/minutes")
    clerk.locator("#members").fill("（公聽會無委員出席）")
    clerk.get_by_role("button", name=re.compile("公開會議紀錄|Publish the minutes")).click()
    expect(clerk.locator(".flash")).to_contain_text(re.compile("已公開會議紀錄|Minutes published"))

    citizen.goto(f"/meetings/{hearing_id}/minutes")
    expect(citizen.locator("main")).to_contain_text("將於羅東鎮加開一場公聽會")
    assert_no_serious_axe_violations(citizen)
    citizen.goto(link)
    expect(citizen.locator("main")).to_contain_text("壯圍鄉沿海農地維持農業發展地區第一類")
    assert_no_serious_axe_violations(citizen)
    citizen.goto(f"/plans/{plan_id}/adoption?q=農地")
    expect(citizen.locator("table.adoption")).to_contain_text("張○○")
    assert_no_serious_axe_violations(citizen)
    _receipt, published = deliver(live_server, smtp, 2)
    assert submission.receipt in published["Subject"] and link in text(published)
