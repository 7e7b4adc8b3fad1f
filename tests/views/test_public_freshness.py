"""Public pages answer conditional GETs from their data, load it in a fixed number of statements,
tell proxies how long to keep them, and redirect unknown query parameters to the canonical URL.

The last test is the property test of issue 8: random sequences of staff, desk and applicant
actions, each followed by a revalidating read of every public page compared with a fresh render.
"""
import random
import re
from contextlib import contextmanager
from datetime import datetime, timedelta

import flask_babel
import pytest
from sqlalchemy import event, select

from app.extensions import db as _db
from app.freshness import PUBLIC_CACHE_CONTROL
from app.materials.models import Material
from app.meetings.models import AgendaItem, SuggestedAttendance
from app.registrations import links
from app.registrations.models import Application
from app.timefmt import from_local, to_local

from .conftest import client_as, edit_form, fresh, local
from .test_registration_public import confirm_path, form


@pytest.fixture
def visitor(app):
    """An anonymous visitor with their own cookies."""
    return app.test_client()


@contextmanager
def statements():
    """Collect the SQL statements the database is sent meanwhile (BEGIN and the like excluded)."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            seen.append(statement)
    event.listen(_db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(_db.engine, "before_cursor_execute", record)


def rich_meeting(make, org, plan, *, parts: int):
    """A committee meeting with `parts` agenda items, cases, attendance rows, materials and speakers."""
    meeting = make.open_meeting(org, cases=parts, the_plan=plan)
    start = meeting.starts_at
    for n in range(parts):
        meeting.agenda_items.append(AgendaItem(position=n, starts_at=start + timedelta(minutes=10 * n),
                                               ends_at=start + timedelta(minutes=10 * n + 10), title=f"議程{n}"))
        meeting.suggested_attendance.append(SuggestedAttendance(agency=f"機關{n}", seats=1))
        _db.session.add(Material(meeting_id=meeting.id, title=f"資料{n}", category="briefing",
                                 link_url=f"https://example.tw/{n}.pdf"))
    _db.session.flush()
    case_ids = [c.id for c in meeting.cases]
    for n in range(parts):
        make.application(meeting, name=f"講者{n}", case_ids=case_ids)
    make.commit()
    return meeting


@pytest.mark.parametrize("parts", [1, 6])
def test_a_meeting_page_runs_at_most_five_statements_whatever_its_size(visitor, make, counties, parts):
    url = f"/meetings/{rich_meeting(make, counties.a, counties.plan_a, parts=parts).id}"
    _db.session.expunge_all()  # nothing already loaded in the test's session helps the page
    with statements() as seen:
        response = visitor.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert all(f"議程{n}" in html and f"機關{n}" in html and f"資料{n}" in html for n in range(parts))
    assert "講○○" in html
    assert len(seen) <= 5, seen
    # the meeting; its agenda, cases, history, departures, attendance; its and its plan's documents; speakers
    # with the places left (issue 9, item 3)
    assert len(seen) == 4


@pytest.mark.parametrize("meetings", [2, 25])
def test_the_list_and_home_pages_run_a_fixed_number_of_statements(visitor, make, counties, meetings):
    for n in range(meetings):
        make.meeting(counties.a, counties.plan_a, title=f"清單會議{n}", start=counties.start + timedelta(hours=n))
    make.commit()
    plan_url = f"/plans/{counties.plan_a.id}"
    _db.session.expunge_all()
    with statements() as seen:
        assert visitor.get("/meetings?county=taichung").status_code == 200
    assert len(seen) == 3, seen  # the count, one page of meetings with plan and organizer, the plans
    with statements() as seen:
        assert visitor.get("/").status_code == 200
    assert len(seen) == 2, seen
    with statements() as seen:
        assert visitor.get(plan_url).status_code == 200
    assert len(seen) == 3, seen  # the plan with its organizer, its public meetings, its materials
    with statements() as seen:
        assert visitor.get("/plans").status_code == 200
    assert len(seen) == 1, seen


@pytest.mark.parametrize("url", ["/meetings", "/meetings?county=taichung", "/", "meeting", "/plans", "plan"])
def test_an_unchanged_page_is_a_304_with_the_same_etag(visitor, counties, url):
    url = {"meeting": f"/meetings/{counties.published_a.id}", "plan": f"/plans/{counties.plan_a.id}"}.get(url, url)
    first = visitor.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert "Cookie" in first.headers["Vary"]
    again = visitor.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert visitor.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


@pytest.mark.parametrize("url", ["/", "/meetings", "plan"])
def test_a_renamed_plan_changes_the_etag_of_every_page_that_names_it(visitor, counties, db, url):
    # The cards name each meeting's plan: a 304 after the plan is renamed would keep the old name.
    url = f"/plans/{counties.plan_a.id}" if url == "plan" else url
    first = visitor.get(url)
    counties.plan_a.name = "甲縣國土計畫（第一次通盤檢討）"
    db.session.commit()
    again = visitor.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "第一次通盤檢討" in again.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/", "/meetings"])
def test_a_plan_moved_to_another_county_changes_the_etag_of_the_cards(visitor, counties, db, url):
    # The cards and the table name each meeting's county, which is its plan's.
    first = visitor.get(url)
    assert "臺中市" in first.get_data(as_text=True)
    counties.plan_a.county_code = "yilan"
    db.session.commit()
    again = visitor.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "宜蘭縣" in again.get_data(as_text=True)


def test_a_canonical_redirect_stays_under_the_path_the_portal_is_mounted_at(visitor, counties):
    response = visitor.get("/meetings?utm_source=line", base_url="http://localhost/portal/")
    assert response.status_code == 301 and response.headers["Location"] == "/portal/meetings"


def test_each_language_has_its_own_etag(visitor, counties):
    url = f"/meetings/{counties.published_a.id}"
    chinese = visitor.get(url)
    visitor.set_cookie("lang", "en")
    flask_babel.refresh()  # see test_public_page_cache.test_each_language_gets_its_own_page
    english = visitor.get(url, headers={"If-None-Match": chinese.headers["ETag"]})
    assert english.status_code == 200 and "Venue" in english.get_data(as_text=True)
    assert english.headers["ETag"] != chinese.headers["ETag"]


def test_staff_and_flashed_pages_are_private(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    response = client.get(f"/meetings/{counties.published_a.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache" and "ETag" not in response.headers


def test_a_page_naming_the_visitors_bad_filters_is_stored_by_no_one(visitor, counties):
    response = visitor.get("/meetings?county=atlantis")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url, canonical", [
    ("/meetings?x=8f3a", "/meetings"),
    ("/meetings?county=taichung&utm_source=mail", "/meetings?county=taichung"),
    ("/meetings?when=upcoming&page=1", "/meetings"),
    ("/meetings?kind=hearing&kind=hearing", "/meetings?kind=hearing"),
    ("/?x=1", "/"),
])
def test_unknown_query_parameters_redirect_to_the_canonical_address(visitor, counties, url, canonical):
    response = visitor.get(url)
    assert response.status_code == 301 and response.headers["Location"] == canonical


@pytest.mark.parametrize("kind", ["meeting", "plan"])
def test_a_meeting_or_plan_page_with_any_query_string_redirects_to_its_address(visitor, counties, kind):
    url = f"/meetings/{counties.published_a.id}" if kind == "meeting" else f"/plans/{counties.plan_a.id}"
    response = visitor.get(url + "?nocache=12345")
    assert response.status_code == 301 and response.headers["Location"] == url


# The property test (issue 8, item 1)

class Portal:
    """One meeting and the people acting on it through the pages: staff, desk, applicants."""

    def __init__(self, app, make, counties, rng: random.Random):
        self.rng, self.make = rng, make
        day = to_local(counties.start).date() + timedelta(days=5)
        self.meeting = make.open_meeting(counties.a, cases=2, the_plan=counties.plan_a,
                                         start=from_local(datetime(day.year, day.month, day.day, 9, 0)))
        make.commit()
        self.staff = client_as(app, counties.secretariat_a)
        self.app, self.counter = app, 0

    def next(self) -> int:
        self.counter += 1
        return self.counter

    def applications(self, *where):
        _db.session.expire_all()
        return _db.session.scalars(select(Application).where(Application.meeting_id == self.meeting.id, *where)
                                   .order_by(Application.id)).all()

    def pick(self, *where):
        found = self.applications(*where)
        return self.rng.choice(found) if found else None

    # staff
    def edit_title(self):
        meeting = fresh(self.meeting)
        return self.staff.post(f"/staff/meetings/{meeting.id}/edit", data=edit_form(
            meeting, title=f"公聽會{self.next()}", registration_opens_at=local(meeting.registration_opens_at),
            registration_closes_at=local(meeting.registration_closes_at)))

    def add_agenda_item(self):
        start = self.rng.randrange(9 * 60, 11 * 60, 10)
        return self.staff.post(f"/staff/meetings/{self.meeting.id}/agenda", data={
            "starts_at": f"{start // 60:02d}:{start % 60:02d}", "ends_at": f"{(start + 10) // 60:02d}:{(start + 10) % 60:02d}",
            "title": f"議程{self.next()}"})

    def add_material(self):
        n = self.next()
        return self.staff.post(f"/staff/meetings/{self.meeting.id}/materials", data={
            "title": f"資料{n}", "category": "briefing", "link_url": f"https://example.tw/{n}.pdf"})

    def remove_material(self):
        material = _db.session.scalar(select(Material.id).where(Material.meeting_id == self.meeting.id))
        return material and self.staff.post(f"/staff/materials/{material}/delete")

    # desk
    def record_other_channel(self):
        n = self.next()
        return self.staff.post(f"/staff/meetings/{self.meeting.id}/applications/new", data={
            "channel": self.rng.choice(["paper", "phone", "fax"]), "kind": "speak", "name": f"林{n}號",
            "organisation": f"自救會{n}", "phone": f"04-2222-{n:04d}", "locale": "zh_Hant_TW",
            "interest_group": self.rng.choice(["甲里居民", "乙里居民", "丙里地主"]),
            "case_ids": [str(c.id) for c in fresh(self.meeting).cases][: self.rng.randint(1, 2)]})

    def move_pool(self):
        person = self.pick(Application.status == "active", Application.kind == "speak")
        return person and self.staff.post(f"/staff/applications/{person.id}/pool",
                                          data={"pool": "online" if person.pool == "other" else "other"})

    def reject(self):
        person = self.pick(Application.status.in_(("active", "unconfirmed")))
        return person and self.staff.post(f"/staff/applications/{person.id}/reject", data={"reason": "重複報名"})

    def set_caps(self):
        return self.staff.post(f"/staff/meetings/{self.meeting.id}/caps", data={
            "speaker_cap": self.rng.randint(1, 6), "representative_cap": self.rng.randint(1, 3),
            "reason": "場地調整", "accept_losses": "y"})

    # applicants
    def apply_and_confirm(self):
        n, applicant = self.next(), self.app.test_client()
        email = f"applicant{n}@example.tw"
        cases = [str(c.id) for c in fresh(self.meeting).cases]
        response = applicant.post(f"/meetings/{self.meeting.id}/register", data=form(
            name=f"王{n}號", email=email, organisation=f"協會{n}", case_ids=self.rng.sample(cases, self.rng.randint(1, 2))))
        if response.status_code == 302 and self.rng.random() < 0.8:
            response = applicant.post(confirm_path(email))
        return response

    def cancel_own(self):
        person = self.pick(Application.status == "active", Application.channel == "online")
        if person is None:
            return None
        token = links.make_token(person, links.MANAGE)
        return self.app.test_client().post(f"/registration/{token}/cancel", data={"confirm": "y"})

    ACTIONS = ("edit_title", "add_agenda_item", "add_material", "remove_material", "record_other_channel",
               "move_pool", "reject", "set_caps", "apply_and_confirm", "apply_and_confirm", "cancel_own")


def body_without_token(response) -> bytes:
    return re.sub(rb'name="csrf_token" value="[^"]*"', b"", response.data)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_revalidated_page_always_equals_a_fresh_render_after_any_action(app, make, counties, seed):
    """After each random action, a visitor revalidating with the ETag they hold gets either a 304
    (and then their copy is exactly what a fresh render shows) or the fresh page itself."""
    rng = random.Random(seed)
    portal = Portal(app, make, counties, rng)
    urls = [f"/meetings/{portal.meeting.id}", "/meetings", "/meetings?county=taichung", "/",
            f"/plans/{counties.plan_a.id}", "/plans"]
    visitor = app.test_client()
    held = {url: visitor.get(url) for url in urls}
    changed = 0
    for step in range(16):
        action = rng.choice(Portal.ACTIONS)
        response = getattr(portal, action)()
        assert response is None or response.status_code < 500, (step, action)
        for url in urls:
            revalidated = visitor.get(url, headers={"If-None-Match": held[url].headers["ETag"]})
            rendered = app.test_client().get(url)
            assert rendered.status_code == 200
            assert revalidated.headers["ETag"] == rendered.headers["ETag"], (step, action, url)
            if revalidated.status_code == 304:
                assert body_without_token(held[url]) == body_without_token(rendered), (step, action, url)
            else:
                assert revalidated.status_code == 200, (step, action, url)
                assert revalidated.data == rendered.data, (step, action, url)
                held[url], changed = revalidated, changed + 1
    assert changed, "no action changed any page: the test would prove nothing"
