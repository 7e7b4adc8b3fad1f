"""The registration desk: who may open it (secretariat and admins of the organizer), and where it is linked."""
from datetime import timedelta

import pytest

from app.registrations.models import Application, Suspension

from .conftest import client_as, count, fresh, text_of

DESK_PAGES = [
    ("get", "/staff/meetings/{m}/applications"),
    ("get", "/staff/meetings/{m}/applications/new"),
    ("post", "/staff/meetings/{m}/applications/new"),
    ("post", "/staff/meetings/{m}/caps"),
    ("get", "/staff/meetings/{m}/applications.csv"),
    ("get", "/staff/meetings/{m}/applications.ods"),
    ("get", "/staff/meetings/{m}/sign-in-sheet"),
    ("get", "/staff/applications/{a}"),
    ("post", "/staff/applications/{a}/reject"),
    ("post", "/staff/applications/{a}/pool"),
    ("post", "/staff/applications/{a}/cancel"),
    ("post", "/staff/applications/{a}/claims/{r}"),
]
FORM = {"reason": "x", "pool": "other", "decision": "accept", "note": "x", "channel": "phone", "kind": "observe",
        "name": "某人", "phone": "0912345678", "speaker_cap": "10", "representative_cap": "5"}


@pytest.fixture
def desk(make, counties):
    """County A's open hearing with one confirmed speaker who claims to be a party concerned."""
    meeting = make.open_meeting(counties.a)
    person = make.application(meeting, party_concerned=True, party_statement="土地在範圍內")
    make.commit()
    return meeting, person


def urls(meeting, person):
    return [(method, url.format(m=meeting.id, a=person.id, r=person.requests[0].id)) for method, url in DESK_PAGES]


def unchanged(person, before_count):
    assert count(Application) == before_count
    assert count(Application, Application.status == "active") == before_count


def test_planner_gets_403_on_every_desk_page(client, counties, sign_in, desk):
    meeting, person = desk
    sign_in(counties.planner_a)
    for method, url in urls(meeting, person):
        assert getattr(client, method)(url, data=FORM).status_code == 403, f"{method} {url}"
    assert client.get("/staff/suspensions").status_code == 403
    assert client.get("/staff/suspensions/new").status_code == 403
    unchanged(person, 1)


def test_another_organizers_secretariat_gets_404_on_every_desk_page(client, counties, sign_in, desk):
    meeting, person = desk
    sign_in(counties.secretariat_b)
    for method, url in urls(meeting, person):
        response = getattr(client, method)(url, data=FORM)
        assert response.status_code == 404, f"{method} {url}"
        assert person.name not in text_of(response)
    unchanged(person, 1)


def test_anonymous_visitor_is_sent_to_sign_in(client, counties, desk):
    meeting, person = desk
    for method, url in urls(meeting, person) + [("get", "/staff/suspensions")]:
        response = getattr(client, method)(url, data=FORM)
        assert response.status_code == 302, f"{method} {url}"
        assert "/staff/login" in response.headers["Location"]
    unchanged(person, 1)


def test_secretariat_and_admin_open_the_desk(client, counties, sign_in, desk):
    meeting, person = desk
    for user in (counties.secretariat_a, counties.admin):
        sign_in(user)
        response = client.get(f"/staff/meetings/{meeting.id}/applications")
        assert response.status_code == 200
        assert person.name in text_of(response)


def test_meeting_page_links_to_the_desk_and_nav_to_suspensions(client, counties, sign_in, desk):
    meeting, _ = desk
    sign_in(counties.secretariat_a)
    body = text_of(client.get(f"/staff/meetings/{meeting.id}"))
    assert "Applications (registration desk)" in body
    assert f'href="/staff/meetings/{meeting.id}/applications"' in body
    assert 'href="/staff/suspensions"' in body
    sign_in(counties.planner_a)
    body = text_of(client.get(f"/staff/meetings/{meeting.id}"))
    assert "Applications (registration desk)" not in body and 'href="/staff/suspensions"' not in body


def test_suspension_of_another_organizer_cannot_be_lifted_V15(client, make, counties, sign_in):
    from app.registrations import desk as desk_services
    suspension = desk_services.suspend_person(counties.b, {"email": "x@example.tw", "reason": "鬧場",
                                                           "until": make.now().date() + timedelta(days=30)}, actor=None, now=make.now())
    make.commit()
    sign_in(counties.secretariat_a)
    assert client.post(f"/staff/suspensions/{suspension.id}/lift").status_code == 404
    assert "x@example.tw" not in text_of(client.get("/staff/suspensions"))
    assert count(Suspension, Suspension.lifted_at.is_(None)) == 1


def test_desk_actions_need_the_csrf_token(app_with, counties, desk):
    meeting, person = desk
    client = client_as(app_with(WTF_CSRF_ENABLED=True), counties.secretariat_a)
    for url in (f"/staff/applications/{person.id}/reject", f"/staff/meetings/{meeting.id}/caps",
                f"/staff/applications/{person.id}/cancel"):
        assert client.post(url, data=FORM).status_code == 400, url
    assert fresh(person).status == "active"
    assert count(Application, Application.status == "active") == 1
