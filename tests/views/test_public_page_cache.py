"""/meetings and /meetings/<id> never show a visitor a stale page.

A visitor's client (anonymous, Chinese by default) reads a page, staff change something through
the staff pages, and the visitor's next read must show the change. The portal keeps no rendered
page (issue 8 removed the per-worker cache); tests/views/test_public_freshness.py checks the
conditional GETs (ETag, 304) that replaced it.
"""
from datetime import datetime, timedelta

import flask_babel
import pytest
from sqlalchemy import update

from app.extensions import db as _db
from app.meetings import views_public
from app.meetings.models import Meeting
from app.registrations.models import Application
from app.timefmt import from_local, to_local

from .conftest import edit_form, meeting_form, text_of


@pytest.fixture
def visitor(app):
    """An anonymous visitor with their own cookies."""
    return app.test_client()


def page(visitor, url: str) -> str:
    response = visitor.get(url)
    assert response.status_code == 200, url
    return text_of(response)


def test_a_change_that_bypasses_the_services_is_shown_at_once(visitor, counties):
    url = f"/meetings/{counties.published_a.id}"
    assert "甲縣公開公聽會" in page(visitor, url) and "甲縣公開公聽會" in page(visitor, "/meetings")
    # No rendered page is kept anywhere in the portal: freshness cannot depend on every code path
    # remembering to stamp the meeting (issue 8). A raw UPDATE is seen by the next read.
    _db.session.execute(update(Meeting).where(Meeting.id == counties.published_a.id).values(title="繞過服務的標題"))
    _db.session.commit()
    assert "繞過服務的標題" in page(visitor, url) and "繞過服務的標題" in page(visitor, "/meetings")


def test_a_speaker_moved_between_pools_reorders_the_public_list_at_once_V4(visitor, client, make, counties, sign_in):
    """Issue 8's reproduction: two other-channel speakers with different interest groups, one moved
    to the online pool at the desk; the public list in speaking order must follow at once."""
    meeting = make.open_meeting(counties.a)
    make.commit()
    sign_in(counties.secretariat_a)
    for name, interest, phone in (("陳大文", "乙里居民", "04-2222-0001"), ("林小華", "甲里居民", "04-2222-0002")):
        response = client.post(f"/staff/meetings/{meeting.id}/applications/new", data={
            "channel": "paper", "kind": "speak", "name": name, "phone": phone, "locale": "zh_Hant_TW",
            "interest_group": interest})
        assert response.status_code == 302
    url = f"/meetings/{meeting.id}"
    before = visitor.get(url)
    shown = text_of(before)
    assert shown.index("陳○○") < shown.index("林○○")  # other channels, by interest group: 乙 sorts before 甲
    lin = _db.session.scalar(_db.select(Application.id).where(Application.name == "林小華"))
    assert client.post(f"/staff/applications/{lin}/pool", data={"pool": "online"}).status_code == 302
    shown = page(visitor, url)
    assert shown.index("林○○") < shown.index("陳○○")  # online places come first
    # A revalidating browser or proxy gets the new page too, not a 304.
    again = visitor.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert again.status_code == 200 and text_of(again).index("林○○") < text_of(again).index("陳○○")


def test_an_edited_meeting_is_shown_at_once(visitor, client, counties, sign_in):
    meeting = counties.published_a
    url = f"/meetings/{meeting.id}"
    page(visitor, url), page(visitor, "/meetings")
    sign_in(counties.secretariat_a)
    assert client.post(f"/staff/meetings/{meeting.id}/edit",
                       data=edit_form(meeting, title="甲縣公聽會（更名）")).status_code == 302
    assert "甲縣公聽會（更名）" in page(visitor, url)
    assert "甲縣公聽會（更名）" in page(visitor, "/meetings")


def test_agenda_and_material_changes_are_shown_at_once(visitor, client, counties, sign_in, make):
    day = to_local(counties.start).date()
    meeting = make.meeting(counties.a, counties.plan_a, title="下午的公聽會",
                           start=from_local(datetime(day.year, day.month, day.day, 14, 0)))
    make.commit()
    url = f"/meetings/{meeting.id}"
    page(visitor, url)
    sign_in(counties.secretariat_a)
    response = client.post(f"/staff/meetings/{meeting.id}/agenda",
                           data={"starts_at": "14:00", "ends_at": "14:30", "title": "計畫簡報"})
    assert response.status_code == 302
    assert "計畫簡報" in page(visitor, url)
    client.post(f"/staff/meetings/{meeting.id}/materials",
                data={"title": "會議簡報", "category": "briefing", "link_url": "https://example.tw/a.pdf"})
    assert "會議簡報" in page(visitor, url)
    material_id = _db.session.scalar(_db.select(views_public.Material.id))
    assert client.post(f"/staff/materials/{material_id}/edit", data={
        "title": "會議簡報（修正版）", "category": "briefing", "link_url": "https://example.tw/b.pdf"}).status_code == 302
    shown = page(visitor, url)
    assert "會議簡報（修正版）" in shown and "https://example.tw/b.pdf" in shown
    client.post(f"/staff/materials/{material_id}/delete")
    assert "會議簡報" not in page(visitor, url)


def test_cancellation_and_newly_published_meetings_are_shown_at_once(visitor, client, counties, sign_in):
    meeting = counties.published_a
    page(visitor, f"/meetings/{meeting.id}"), page(visitor, "/meetings")
    sign_in(counties.secretariat_a)
    client.post(f"/staff/meetings/{meeting.id}/cancel", data={"reason": "颱風停班"})
    assert "颱風停班" in page(visitor, f"/meetings/{meeting.id}")
    assert "颱風停班" in page(visitor, "/meetings")
    response = client.post("/staff/meetings/new", data=meeting_form(counties.plan_a, counties.a,
                                                                     start=counties.start, title="甲縣新公聽會"))
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert "甲縣新公聽會" not in page(visitor, "/meetings")  # a draft stays hidden
    assert visitor.get(f"/meetings/{new_id}").status_code == 404
    client.post(f"/staff/meetings/{new_id}/publish", data={"publish_anyway": "yes"})
    assert "甲縣新公聽會" in page(visitor, "/meetings")
    assert "甲縣新公聽會" in page(visitor, f"/meetings/{new_id}")


def test_a_renamed_plan_is_shown_at_once(visitor, client, counties, sign_in):
    url = f"/meetings/{counties.published_a.id}"
    page(visitor, url), page(visitor, "/meetings")
    sign_in(counties.planner_a)
    plan = counties.plan_a
    response = client.post(f"/staff/plans/{plan.id}/edit", data={
        "name": "甲縣國土計畫（第一次通盤檢討）", "name_en": "", "county_code": plan.county_code or "",
        "stage": plan.stage, "summary": "", "exhibition_starts_on": "", "exhibition_ends_on": "",
        "approval_letter_on": "", "announced_on": "", "announcement_exhibition_ends_on": ""})
    assert response.status_code == 302
    assert "甲縣國土計畫（第一次通盤檢討）" in page(visitor, url)
    assert "甲縣國土計畫（第一次通盤檢討）" in page(visitor, "/meetings")


def test_each_language_gets_its_own_page(visitor, counties):
    url = f"/meetings/{counties.published_a.id}"
    assert "會議地點" in page(visitor, url)
    visitor.set_cookie("lang", "en")
    # The test app context spans requests, and Flask-Babel keeps the chosen locale in it; in a
    # served app every request has its own context.
    flask_babel.refresh()
    english = page(visitor, url)
    assert "Venue" in english and "會議地點" not in english


def test_staff_always_get_a_fresh_page(client, counties, sign_in):
    url = f"/meetings/{counties.published_a.id}"
    sign_in(counties.secretariat_a)
    page(client, url)
    _db.session.execute(update(Meeting).where(Meeting.id == counties.published_a.id).values(title="員工看到的新標題"))
    _db.session.commit()
    assert "員工看到的新標題" in page(client, url)


def test_registration_opening_is_shown_when_the_clock_passes_it_W1(visitor, make, counties, monkeypatch):
    opens = counties.published_a.starts_at - timedelta(days=10)
    meeting = make.meeting(counties.a, counties.plan_a, title="報名窗口測試", start=counties.published_a.starts_at,
                           registration_opens_at=opens, registration_closes_at=opens + timedelta(days=5))
    make.commit()
    url = f"/meetings/{meeting.id}"
    visitor.set_cookie("lang", "en")
    flask_babel.refresh()  # see test_each_language_gets_its_own_page
    monkeypatch.setattr(views_public, "utcnow", lambda: opens - timedelta(minutes=1))
    assert "Registration has not opened yet" in page(visitor, url)
    monkeypatch.setattr(views_public, "utcnow", lambda: opens + timedelta(minutes=1))
    assert "Registration is open" in page(visitor, url)
    monkeypatch.setattr(views_public, "utcnow", lambda: opens + timedelta(days=5, minutes=1))
    assert "Registration has closed" in page(visitor, url)


def test_list_cards_follow_the_registration_window_as_the_clock_passes_it_W1(visitor, make, counties, monkeypatch):
    opens = counties.published_a.starts_at - timedelta(days=10)
    make.meeting(counties.a, counties.plan_a, title="報名窗口卡片", start=counties.published_a.starts_at,
                 registration_opens_at=opens, registration_closes_at=opens + timedelta(days=5))
    make.commit()
    visitor.set_cookie("lang", "en")
    flask_babel.refresh()  # see test_each_language_gets_its_own_page
    url = "/meetings?county=taichung"
    monkeypatch.setattr(views_public, "utcnow", lambda: opens - timedelta(minutes=1))
    assert "Registration opens" in page(visitor, url) and "Registration open until" not in page(visitor, url)
    monkeypatch.setattr(views_public, "utcnow", lambda: opens + timedelta(minutes=1))
    assert "Registration open until" in page(visitor, url)
    monkeypatch.setattr(views_public, "utcnow", lambda: opens + timedelta(days=5, minutes=1))
    shown = page(visitor, url)
    assert "Registration open until" not in shown and "Registration opens" not in shown


def test_meeting_page_says_when_the_meeting_has_taken_place(visitor, counties, monkeypatch):
    meeting = counties.published_a
    url = f"/meetings/{meeting.id}"
    visitor.set_cookie("lang", "en")
    flask_babel.refresh()  # see test_each_language_gets_its_own_page
    monkeypatch.setattr(views_public, "utcnow", lambda: meeting.ends_at - timedelta(minutes=1))
    assert "This meeting took place on" not in page(visitor, url)
    monkeypatch.setattr(views_public, "utcnow", lambda: meeting.ends_at + timedelta(minutes=1))
    assert "This meeting took place on" in page(visitor, url)
