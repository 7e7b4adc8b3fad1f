"""An admin invites a new administrator by e-mail; the invitee sets a password through the link, is made to
set up two-factor sign-in, and afterwards signs in with password and code. Every new page passes axe-core.

The admin and the invitee use separate browser contexts; every form is the real one, submitted by clicking.
"""
import re
import time
from datetime import datetime, timezone

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import User
from app.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from app.outbox.models import OutboxMessage

from .a11y import assert_no_serious_axe_violations, switch_to_english

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

INVITEE = "new.admin@demo.landuse.tw"
INVITEE_PASSWORD = "a new administrator's passphrase"


def unused_code(live_server, email: str, secret: str) -> str:
    """A code the portal will accept now: of the current 30-second step, or the next if that one was used."""
    [(last,)] = live_server.rows(select(User.totp_last_step).where(User.email == email))
    totp = pyotp.TOTP(secret)
    while True:
        now = datetime.now(timezone.utc)
        step = max(totp.timecode(now), (last or 0) + 1)
        if step <= totp.timecode(now) + 1:
            return totp.generate_otp(step)
        time.sleep(1)


def sign_in(page, live_server, email: str, password: str, secret: str | None, *, check_axe=False):
    """Password, then (with a secret) the code: the real two-step form."""
    page.goto("/staff/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("form", has=page.locator("#password")).locator("button[type=submit]").click()
    if secret is None:
        return
    expect(page).to_have_url(re.compile(r"/staff/login/code$"))
    if check_axe:
        assert_no_serious_axe_violations(page)
    page.locator("#code").fill(unused_code(live_server, email, secret))
    page.locator("form", has=page.locator("#code")).locator("button[type=submit]").click()


def test_invited_admin_sets_password_then_two_factor_and_signs_in_with_a_code(new_context, live_server):
    admin = new_context().new_page()
    sign_in(admin, live_server, "admin@demo.landuse.tw", DEMO_PASSWORD, DEMO_TOTP_SECRET, check_axe=True)
    expect(admin).to_have_url(re.compile(r"/staff/$"))
    admin.goto("/staff/accounts/invite")
    assert_no_serious_axe_violations(admin)
    admin.locator("#name").fill("新任系統管理員")
    admin.locator("#email").fill(INVITEE)
    admin.locator("#role").select_option("admin")
    admin.locator("form", has=admin.locator("#email")).locator("button[type=submit]").click()
    expect(admin).to_have_url(re.compile(r"/staff/accounts/$"))
    expect(admin.locator("main")).to_contain_text(INVITEE)
    assert_no_serious_axe_violations(admin)

    [(body,)] = live_server.rows(select(OutboxMessage.body).where(OutboxMessage.recipient == INVITEE))
    link = re.search(r"https?://\S+/staff/invitation/\S+", body).group(0)
    invitee = new_context().new_page()
    invitee.goto(link)
    expect(invitee.locator("main")).to_contain_text("新任系統管理員")
    assert_no_serious_axe_violations(invitee)
    invitee.locator("#password").fill(INVITEE_PASSWORD)
    invitee.locator("#confirm_password").fill(INVITEE_PASSWORD)
    invitee.locator("form", has=invitee.locator("#password")).locator("button[type=submit]").click()
    expect(invitee).to_have_url(re.compile(r"/staff/login$"))
    invitee.goto(link)  # the link works once
    expect(invitee.locator("h1")).to_have_text("這個邀請連結已失效")

    # An administrator without two-factor sign-in is led to set it up, and to nothing else.
    sign_in(invitee, live_server, INVITEE, INVITEE_PASSWORD, None)
    expect(invitee).to_have_url(re.compile(r"/staff/security/two-factor$"))
    invitee.goto("/staff/")
    expect(invitee).to_have_url(re.compile(r"/staff/security/two-factor$"))
    assert_no_serious_axe_violations(invitee)
    invitee.locator("form[action$='/two-factor/start'] button[type=submit]").click()
    expect(invitee.locator("img.qr")).to_be_visible()
    assert_no_serious_axe_violations(invitee)
    secret = invitee.locator("#totp-key").inner_text().replace(" ", "")
    invitee.locator("#code").fill(unused_code(live_server, INVITEE, secret))
    invitee.locator("form[action$='/two-factor/confirm'] button[type=submit]").click()
    expect(invitee.locator(".flash-success")).to_be_visible()
    invitee.goto("/staff/security/sessions")
    assert_no_serious_axe_violations(invitee)
    invitee.locator("form[action$='/logout'] button[type=submit]").first.click()

    sign_in(invitee, live_server, INVITEE, INVITEE_PASSWORD, secret)
    expect(invitee).to_have_url(re.compile(r"/staff/$"))
    [(has_secret, last_login)] = live_server.rows(select(User.totp_secret, User.last_login_at)
                                                  .where(User.email == INVITEE))
    assert has_secret == secret and last_login is not None

    admin.goto("/staff/accounts/")
    admin.locator("main a", has_text="新任系統管理員").click()
    expect(admin.locator("form[action$='/disable']")).to_be_attached()
    assert_no_serious_axe_violations(admin)
    switch_to_english(admin)
    assert_no_serious_axe_violations(admin)
