"""Screenshots of the staff-security pages, for reviewers: `.venv/bin/python scripts/screens_security.py`.

Serves the app itself (SQLite in a temporary folder, the demo data, CSRF on) on a free loopback port, walks
the pages in headless Debian Chromium at phone (390×844) and desktop (1280×900) width, in Traditional Chinese,
and writes PNGs to docs/screens/security/ (the accounts list, the invitation page, the two-factor set-up, the
sessions page and the group names; `-phone` and `-desktop`). `--all DIR` also writes every step of the
journeys (both languages, error states, the citizen's side) to DIR, for a closer look.
"""
import argparse
import re
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pyotp
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo_data  # noqa: E402
from app.extensions import db  # noqa: E402
from app.meetings.models import Meeting  # noqa: E402
from app.outbox.models import OutboxMessage  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZES = {"phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True,
                   "has_touch": True},
         "desktop": {"viewport": {"width": 1280, "height": 900}}}
ADMIN = "admin@demo.landuse.tw"
DESK = "yilan@demo.landuse.tw"
HEARING = "宜蘭縣國土計畫（草案）公聽會（宜蘭市場）"
MEMBER = "new.clerk@demo.landuse.tw"
MEMBER_PASSWORD = "a clerk's long passphrase"


class QuietHandler(WSGIRequestHandler):
    """No line per request on the terminal."""

    def log_request(self, *args):
        pass


class Portal:
    """The served app and a few helpers that read its database."""

    def __init__(self, folder: Path):
        self.app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'portal.sqlite3'}",
                               "WTF_CSRF_ENABLED": True, "UPLOAD_FOLDER": str(folder / "uploads"),
                               "RATELIMIT_ENABLED": False})
        with self.app.app_context():
            db.create_all()
            load_demo_data(now=datetime.now(timezone.utc))
            db.session.commit()
            db.session.remove()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=QuietHandler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def scalar(self, statement):
        """One value from the served database."""
        with self.app.app_context():
            try:
                return db.session.scalar(statement)
            finally:
                db.session.remove()

    def reset_two_factor(self, email: str):
        """Turn the account's two-factor sign-in off, as before a walk that sets it up."""
        with self.app.app_context():
            user = db.session.scalar(select(User).where(User.email == email))
            user.totp_secret = user.totp_pending_secret = user.totp_last_step = None
            db.session.commit()
            db.session.remove()

    def code(self, email: str, secret: str) -> str:
        """A TOTP code the portal has not seen yet for this account (the current step or the next)."""
        last = self.scalar(select(User.totp_last_step).where(User.email == email)) or 0
        totp = pyotp.TOTP(secret)
        while last + 1 > totp.timecode(datetime.now(timezone.utc)) + 1:
            time.sleep(1)  # both of the steps the portal accepts now were used: wait for the next
        return totp.generate_otp(max(totp.timecode(datetime.now(timezone.utc)), last + 1))

    def link(self, recipient: str, pattern: str) -> str:
        """The newest link matching `pattern` in the mail queued for `recipient`."""
        body = self.scalar(select(OutboxMessage.body).where(OutboxMessage.recipient == recipient)
                           .order_by(OutboxMessage.id.desc()))
        return re.search(pattern, body).group(0)


class Shots:
    """Writes the chosen screenshots to docs/screens/security/ and, with --all, every step to a folder."""

    def __init__(self, final: Path, everything: Path | None):
        self.final, self.everything = final, everything
        final.mkdir(parents=True, exist_ok=True)
        if everything:
            everything.mkdir(parents=True, exist_ok=True)

    def take(self, page, name: str, *, keep=False):
        """Screenshot the whole page; `keep` puts it among the reviewers' screenshots."""
        if keep:
            page.screenshot(path=str(self.final / f"{name.removesuffix('-zh_Hant_TW')}.png"), full_page=True)
        if self.everything:
            page.screenshot(path=str(self.everything / f"{name}.png"), full_page=True)


def submit(page, field: str):
    """Click the submit button of the form that holds `field`."""
    page.locator("form", has=page.locator(field)).locator("button[type=submit]").click()


def sign_in(page, portal: Portal, email: str, password: str, secret: str | None):
    """The real two-step sign-in form."""
    page.goto("/staff/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    submit(page, "#password")
    if secret:
        page.locator("#code").fill(portal.code(email, secret))
        submit(page, "#code")
    expect(page).not_to_have_url(re.compile(r"/staff/login"))


def admin_journey(browser, portal: Portal, shots: Shots, size: str, lang: str):
    """Accounts list, invitation, the invitee's password page, role change, disable, the last-admin guard."""
    context = browser.new_context(base_url=portal.url, **SIZES[size])
    admin = context.new_page()
    admin.goto(f"/language/{lang}")
    sign_in(admin, portal, ADMIN, DEMO_PASSWORD, DEMO_TOTP_SECRET)
    tag = f"{size}-{lang}"
    member = f"{size}.{lang.lower()}.{MEMBER}"
    admin.goto("/staff/accounts/invite")
    shots.take(admin, f"invite-form-{tag}")
    admin.locator("#name").fill("林書記")
    admin.locator("#email").fill(member)
    admin.locator("#role").select_option("secretariat")
    if admin.locator("#organizer_id").count():
        admin.locator("#organizer_id").select_option(index=2)
    submit(admin, "#email")
    shots.take(admin, f"accounts-{tag}", keep=lang == "zh_Hant_TW")

    invitee = browser.new_context(base_url=portal.url, **SIZES[size]).new_page()
    invitee.goto(f"/language/{lang}")
    invitee.goto(portal.link(member, r"https?://\S+/staff/invitation/\S+"))
    shots.take(invitee, f"invitation-{tag}", keep=lang == "zh_Hant_TW")
    invitee.locator("#password").fill("short")
    invitee.locator("#confirm_password").fill("other")
    submit(invitee, "#password")
    shots.take(invitee, f"invitation-error-{tag}")
    invitee.locator("#password").fill(MEMBER_PASSWORD)
    invitee.locator("#confirm_password").fill(MEMBER_PASSWORD)
    submit(invitee, "#password")
    shots.take(invitee, f"invitation-done-{tag}")
    sign_in(invitee, portal, member, MEMBER_PASSWORD, None)
    shots.take(invitee, f"member-dashboard-{tag}")

    admin.goto("/staff/accounts/")
    admin.locator("main a", has_text="林書記").first.click()
    shots.take(admin, f"account-edit-{tag}")
    admin.locator("#role").select_option("planner")
    submit(admin, "#role")
    shots.take(admin, f"account-role-saved-{tag}")
    admin.locator("form[action$='/disable'] button").click()
    shots.take(admin, f"account-disabled-{tag}")
    invitee.goto("/staff/")
    shots.take(invitee, f"member-after-disable-{tag}")
    own = portal.scalar(select(User.id).where(User.email == ADMIN))
    admin.goto(f"/staff/accounts/{own}")
    shots.take(admin, f"account-own-{tag}")
    invitee.context.close()
    context.close()


def security_journey(browser, portal: Portal, shots: Shots, size: str, lang: str):
    """Sessions (end another), two-factor set-up with a wrong then a right code, a reused code at sign-in."""
    tag = f"{size}-{lang}"
    email = "planner@demo.landuse.tw"
    portal.reset_two_factor(email)
    other = browser.new_context(base_url=portal.url, user_agent="Mozilla/5.0 (iPhone) Safari/604.1").new_page()
    sign_in(other, portal, email, DEMO_PASSWORD, None)
    context = browser.new_context(base_url=portal.url, **SIZES[size])
    page = context.new_page()
    page.goto(f"/language/{lang}")
    sign_in(page, portal, email, DEMO_PASSWORD, None)
    page.goto("/staff/security/sessions")
    shots.take(page, f"sessions-{tag}", keep=lang == "zh_Hant_TW")
    page.locator("form[action$='/end'] button").first.click()
    shots.take(page, f"sessions-ended-{tag}")
    page.goto("/staff/security/two-factor")
    shots.take(page, f"two-factor-off-{tag}")
    page.locator("form[action$='/two-factor/start'] button").click()
    shots.take(page, f"two-factor-setup-{tag}", keep=lang == "zh_Hant_TW")
    page.locator("#code").fill("000000")
    submit(page, "#code")
    shots.take(page, f"two-factor-wrong-{tag}")
    secret = page.locator("#totp-key").inner_text().replace(" ", "")
    page.locator("#code").fill(portal.code(email, secret))
    submit(page, "#code")
    shots.take(page, f"two-factor-on-{tag}")
    used = pyotp.TOTP(secret).generate_otp(portal.scalar(select(User.totp_last_step).where(User.email == email)))
    page.locator("form[action$='/logout'] button").first.click()
    page.goto("/staff/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    submit(page, "#password")
    shots.take(page, f"login-code-{tag}")
    page.locator("#code").fill(used)
    submit(page, "#code")
    shots.take(page, f"login-code-reused-{tag}")
    page.locator("#code").fill(portal.code(email, secret))
    submit(page, "#code")
    other.context.close()
    context.close()


def desk_journey(browser, portal: Portal, shots: Shots, size: str, lang: str):
    """Group names: mark a Simplified spelling, an error, undo; the check-identity flag on the desk."""
    tag = f"{size}-{lang}"
    page = browser.new_context(base_url=portal.url, **SIZES[size]).new_page()
    page.goto(f"/language/{lang}")
    sign_in(page, portal, DESK, DEMO_PASSWORD, None)
    page.goto("/staff/groups")
    page.locator("#alias_name").fill("台湾环境资讯协会")
    page.locator("#canonical_name").fill("臺灣環境資訊協會")
    submit(page, "#alias_name")
    shots.take(page, f"groups-same-{tag}")
    page.locator("#alias_name").fill("Taiwan Environmental Information Association")
    page.locator("#canonical_name").fill("臺灣環境資訊協會")
    submit(page, "#alias_name")
    shots.take(page, f"groups-{tag}", keep=lang == "zh_Hant_TW")
    page.locator("form[action$='/remove'] button").first.click()
    shots.take(page, f"groups-undone-{tag}")
    meeting = portal.scalar(select(Meeting.id).where(Meeting.title == HEARING))
    page.goto(f"/staff/meetings/{meeting}/applications")
    shots.take(page, f"desk-list-{tag}")
    badge = page.locator(".badge.needs-review").first
    if badge.count():
        if shots.everything:
            row = page.locator("tr", has=badge).first
            row.screenshot(path=str(shots.everything / f"desk-list-flagged-row-{tag}.png"))
        page.locator("tr", has=badge).locator("a").first.click()
        shots.take(page, f"desk-application-{tag}")
    page.context.close()


def citizen_journey(browser, portal: Portal, shots: Shots, size: str, lang: str):
    """Apply with a +tag address of an existing applicant, a non-ASCII address, and twice unconfirmed."""
    tag = f"{size}-{lang}"
    meeting = portal.scalar(select(Meeting.id).where(Meeting.title == HEARING))
    page = browser.new_context(base_url=portal.url, **SIZES[size]).new_page()
    page.goto(f"/language/{lang}")

    def apply(email, name="陳志豪", phone="", server_check=False):
        page.goto(f"/meetings/{meeting}/register")
        if server_check:  # what the portal itself answers, past the browser's own check of the address
            page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
        page.locator('input[name="kind"][value="speak"]').check()
        page.locator("#name").fill(name)
        page.locator("#email").fill(email)
        if phone:
            page.locator("#phone").fill(phone)
        page.locator("#consent").check()
        submit(page, "#consent")

    local = f"{size}{lang.lower().replace('_', '')}"
    apply(f"{local}@example.com")
    shots.take(page, f"apply-first-{tag}")
    page.goto(portal.link(f"{local}@example.com", r"https?://\S+/registration/confirm/\S+"))
    page.locator("form").filter(has=page.locator('input[name="csrf_token"]')).locator("button[type=submit]").last.click()
    apply(f"{local.capitalize()}+hearing@example.com")
    shots.take(page, f"apply-plus-tag-{tag}")
    page.goto(portal.link(f"{local.capitalize()}+hearing@example.com", r"https?://\S+/registration/confirm/\S+"))
    page.locator("form").filter(has=page.locator('input[name="csrf_token"]')).locator("button[type=submit]").last.click()
    shots.take(page, f"apply-plus-tag-confirmed-{tag}")
    apply("陳志豪@例子.台灣")
    shots.take(page, f"apply-non-ascii-{tag}")
    apply("陳志豪@例子.台灣", server_check=True)
    shots.take(page, f"apply-non-ascii-server-{tag}")
    apply("chen@例子.台灣")
    shots.take(page, f"apply-idn-domain-{tag}")
    apply(f"twice.{local}@example.com")
    apply(f"twice.{local}@example.com")
    shots.take(page, f"apply-twice-{tag}")
    apply(f"same.phone.{local}@example.com", name="周美玲", phone="0912-345-678")
    page.goto(portal.link(f"same.phone.{local}@example.com", r"https?://\S+/registration/confirm/\S+"))
    page.locator("form").filter(has=page.locator('input[name="csrf_token"]')).locator("button[type=submit]").last.click()
    apply(f"other.phone.{local}@example.com", name="周美玲", phone="0912345678")
    page.goto(portal.link(f"other.phone.{local}@example.com", r"https?://\S+/registration/confirm/\S+"))
    page.locator("form").filter(has=page.locator('input[name="csrf_token"]')).locator("button[type=submit]").last.click()
    shots.take(page, f"apply-same-phone-confirmed-{tag}")
    page.context.close()


def main():
    """Serve the app, walk the journeys at both widths, write the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", type=Path, help="also write every step, in both languages, to this folder")
    options = parser.parse_args()
    shots = Shots(ROOT / "docs" / "screens" / "security", options.all)
    languages = ["zh_Hant_TW", "en"] if options.all else ["zh_Hant_TW"]
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        portal = Portal(Path(folder))
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        journeys = [admin_journey, security_journey, desk_journey] + ([citizen_journey] if options.all else [])
        try:
            for size in SIZES:
                for lang in languages:
                    if options.all:
                        citizen_journey(browser, portal, shots, size, lang)
                    for journey in journeys[:3]:
                        journey(browser, portal, shots, size, lang)
        finally:
            browser.close()
            portal.server.shutdown()
    print(f"screenshots in {shots.final}" + (f" and {options.all}" if options.all else ""))


if __name__ == "__main__":
    main()
