"""Screenshots of the pages issue 9 changed, for reviewers: `make screens` (or `.venv/bin/python scripts/screens.py`).

Serves the app itself (SQLite in a temporary folder, the demo data, CSRF on) on a free loopback port, as
scripts/screens_security.py does, opens each page in headless Debian Chromium at phone (390 px) and desktop
(1280 px) width in Traditional Chinese, and writes full-page PNGs to docs/screens/: the public meeting page,
the application form refused with its errors, the applicant's private page and the staff meeting page
(`<page>-phone.png`, `<page>-desktop.png`). `--lang en` takes them in English (named `…-en.png`).

Then the day of the meeting, the comments and the notices (issues 10–12), on the demo's meeting happening
today and the plan on exhibition: the sign-in desk, the speaking-queue console, the public display, the
written-opinion form, the adoption-status page, published minutes and the subscription form.
"""
import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from screens_security import CHROMIUM_ARGS, DESK, HEARING, SIZES, Portal, sign_in  # noqa: E402

from app.demo import DEMO_PASSWORD  # noqa: E402
from app.extensions import db  # noqa: E402
from app.meetings.models import Meeting  # noqa: E402
from app.plans.models import Plan  # noqa: E402

OUT = ROOT / "docs" / "screens"


def manage_token(portal: Portal) -> str:
    """The private-page link token of the demo's first application (a speaker with a place)."""
    from app.registrations.links import MANAGE, make_token
    from app.registrations.models import Application
    with portal.app.test_request_context():
        try:
            return make_token(db.session.scalars(select(Application).order_by(Application.id)).first(), MANAGE)
        finally:
            db.session.remove()


def shoot(page, name: str, size: str, lang: str):
    """A full-page PNG of what the page shows once its stylesheet has loaded."""
    page.wait_for_load_state("load")
    suffix = "" if lang == "zh_Hant_TW" else f"-{lang}"
    page.screenshot(path=str(OUT / f"{name}-{size}{suffix}.png"), full_page=True)


def walk(browser, portal: Portal, size: str, lang: str, meeting_id: int, token: str):
    """The four pages, as a visitor, an applicant and the organizer's secretariat see them."""
    visitor = browser.new_context(base_url=portal.url, **SIZES[size]).new_page()
    visitor.goto(f"/language/{lang}")
    visitor.goto(f"/meetings/{meeting_id}")
    shoot(visitor, "meeting", size, lang)
    visitor.goto(f"/meetings/{meeting_id}/register")
    visitor.locator("main form #email").fill("not-an-address")  # an empty name and a wrong address
    visitor.evaluate("document.querySelectorAll('main form').forEach(f => f.noValidate = true)")
    visitor.locator("main form button[type=submit]").last.click()
    visitor.locator(".error-summary, [role=alert]").first.wait_for()
    shoot(visitor, "apply-errors", size, lang)
    visitor.goto(f"/registration/{token}")
    shoot(visitor, "manage", size, lang)
    visitor.context.close()
    staff = browser.new_context(base_url=portal.url, **SIZES[size]).new_page()
    staff.goto(f"/language/{lang}")
    sign_in(staff, portal, DESK, DEMO_PASSWORD, None)
    staff.goto(f"/staff/meetings/{meeting_id}")
    shoot(staff, "staff-meeting", size, lang)
    staff.context.close()


TAICHUNG_DESK = "taichung@demo.landuse.tw"


def mission_ids(portal: Portal) -> dict:
    """The demo's meeting happening today, the plan on exhibition and the meeting with published minutes."""
    from app.comments.models import MinutesVersion
    from app.dayof.demo import TITLE as TODAY
    return {"today": portal.scalar(select(Meeting.id).where(Meeting.title == TODAY)),
            "plan": portal.scalar(select(Plan.id).where(Plan.exhibition_ends_on.is_not(None))
                                  .order_by(Plan.exhibition_ends_on.desc())),  # the one on exhibition now
            "minutes": portal.scalar(select(MinutesVersion.meeting_id).order_by(MinutesVersion.id))}


def walk_mission(browser, portal: Portal, size: str, lang: str, ids: dict):
    """The day of the meeting (staff and room), a citizen's opinion and its answer, and the mailing list."""
    visitor = browser.new_context(base_url=portal.url, **SIZES[size]).new_page()
    visitor.goto(f"/language/{lang}")
    for name, path in (("display", f"/meetings/{ids['today']}/display"),
                       ("opinion-form", f"/plans/{ids['plan']}/opinions"),
                       ("adoption", f"/plans/{ids['plan']}/adoption"),
                       ("minutes", f"/meetings/{ids['minutes']}/minutes"),
                       ("subscribe", "/subscribe")):
        visitor.goto(path)
        shoot(visitor, name, size, lang)
    visitor.context.close()
    staff = browser.new_context(base_url=portal.url, **SIZES[size]).new_page()
    staff.goto(f"/language/{lang}")
    sign_in(staff, portal, TAICHUNG_DESK, DEMO_PASSWORD, None)
    for name, path in (("day-desk", f"/staff/meetings/{ids['today']}/day/desk"),
                       ("day-console", f"/staff/meetings/{ids['today']}/course")):
        staff.goto(path)
        shoot(staff, name, size, lang)
    staff.context.close()


def main():
    """Serve the demo portal and take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="zh_Hant_TW", choices=["zh_Hant_TW", "en"])
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        portal = Portal(Path(folder))
        meeting_id = portal.scalar(select(Meeting.id).where(Meeting.title == HEARING))
        token = manage_token(portal)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            try:
                ids = mission_ids(portal)
                for size in SIZES:
                    walk(browser, portal, size, args.lang, meeting_id, token)
                    walk_mission(browser, portal, size, args.lang, ids)
            finally:
                browser.close()
        portal.server.shutdown()
    print(f"screenshots in {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
