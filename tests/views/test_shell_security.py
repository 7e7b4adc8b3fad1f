"""The application shell (issue 7): proxies, links from PUBLIC_BASE_URL, control characters, `next`, headers."""
import re
from datetime import timedelta

import icalendar
import pytest

from app import create_app
from app.extensions import db as _db
from app.outbox.models import OutboxMessage

from .conftest import field_error, meeting_form, text_of
from .test_registration_public import form

PUBLIC = "https://participation.example.gov.tw"
BARE_CR = re.compile(rb"\r(?!\n)")
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ONE_LINE = "Enter this on one line, without line breaks, tabs or other control characters."


def wrong_sign_in(client, **headers) -> int:
    return client.post("/staff/login", data={"email": "nobody@example.tw", "password": "a guess"},
                       headers=headers).status_code


# Rate limits behind a proxy (issue 7.1)

def test_two_clients_behind_one_proxy_have_separate_sign_in_limits(app_with):
    behind_nginx = app_with(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", TRUSTED_PROXIES=1).test_client()
    first, second = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "203.0.113.8"}
    assert [wrong_sign_in(behind_nginx, **first) for _ in range(3)] == [401, 401, 401]
    assert wrong_sign_in(behind_nginx, **first) == 429
    assert wrong_sign_in(behind_nginx, **second) == 401  # the other visitor is not locked out


def test_a_forwarded_for_header_is_ignored_when_no_proxy_is_trusted(app_with):
    direct = app_with(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute").test_client()
    statuses = [wrong_sign_in(direct, **{"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(1, 5)]
    assert statuses == [401, 401, 401, 429]


def test_a_client_cannot_spoof_an_address_beyond_the_trusted_proxy(app_with):
    behind_nginx = app_with(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", TRUSTED_PROXIES=1).test_client()
    # nginx appends the address it saw; what the client wrote before it is not trusted.
    statuses = [wrong_sign_in(behind_nginx, **{"X-Forwarded-For": f"198.51.100.{n}, 203.0.113.9"})
                for n in range(1, 5)]
    assert statuses == [401, 401, 401, 429]


# Links never come from the request's Host header (issue 7.4)

def test_confirmation_link_uses_the_public_address_whatever_host_the_request_named(app, make):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    meeting = make.open_meeting()
    make.commit()
    response = app.test_client().post(f"/meetings/{meeting.id}/register", data=form(email="ming@example.tw"),
                                      headers={"Host": "evil.example"})
    assert response.status_code == 302
    body = _db.session.scalars(_db.select(OutboxMessage.body)).one()
    assert f"{PUBLIC}/registration/confirm/" in body and "evil.example" not in body


@pytest.fixture
def production(app, monkeypatch):
    """The app on the same database, configured as production (PUBLIC_BASE_URL set)."""
    for name, value in {"PORTAL_ENV": "production", "SECRET_KEY": "p" * 64, "PUBLIC_BASE_URL": PUBLIC}.items():
        monkeypatch.setenv(name, value)
    made = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    yield made
    with made.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_production_calendar_files_link_to_the_public_address_not_the_host_header(production, make):
    meeting = make.meeting(title="公聽會")
    make.commit()
    client = production.test_client()
    for path in (f"/meetings/{meeting.id}.ics", "/calendar.ics"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 200
        event = icalendar.Calendar.from_ical(response.data).walk("VEVENT")[0]
        assert str(event["url"]) == f"{PUBLIC}/meetings/{meeting.id}"
        assert b"evil.example" not in response.data


def test_production_sends_hsts_and_tests_do_not(production, client):
    assert production.test_client().get("/").headers["Strict-Transport-Security"] == f"max-age={365 * 24 * 3600}"
    assert "Strict-Transport-Security" not in client.get("/").headers


# Control characters (issue 7.5)

@pytest.fixture
def broken_meeting(make):
    """A meeting whose staff-typed fields carry a line feed, a bare CR and other controls (rows from before the check)."""
    meeting = make.open_meeting(title="國土計畫\n公聽會", venue_name="縣府\r301 室", venue_address="縣府路\x0b1 號",
                                summary="第一段\r\n第二段\x1b")
    make.commit()
    return meeting


def test_calendar_files_of_a_meeting_with_control_characters_are_served_clean(client, broken_meeting):
    for path in (f"/meetings/{broken_meeting.id}.ics", "/calendar.ics"):
        response = client.get(path)
        assert response.status_code == 200
        assert BARE_CR.search(response.data) is None and CONTROL_BYTES.search(response.data) is None
        calendar = icalendar.Calendar.from_ical(response.data)
        event = calendar.walk("VEVENT")[0]
        assert str(event["summary"]) == "國土計畫\n公聽會" and str(event["location"]) == "縣府\n301 室, 縣府路\n1 號"
    assert str(icalendar.Calendar.from_ical(client.get(f"/meetings/{broken_meeting.id}.ics").data)
               ["x-wr-calname"]) == "國土計畫 公聽會"


def test_applying_to_a_meeting_with_a_line_feed_in_its_title_works(client, broken_meeting):
    response = client.post(f"/meetings/{broken_meeting.id}/register", data=form(email="lin@example.tw"))
    assert response.status_code == 302
    link = re.search(r"https?://[^/\s]+(/registration/confirm/[\w.\-]+)",
                     _db.session.scalars(_db.select(OutboxMessage.body)).one()).group(1)
    assert client.post(link).status_code == 302
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(OutboxMessage)) == 2


@pytest.mark.parametrize("typed", ["公聽會\n第二行", "公聽會\r", "公\t聽會", "公聽會\u2028", "公聽\x1b會"])
def test_a_control_character_in_a_staff_single_line_field_is_refused_next_to_it(client, counties, sign_in, typed):
    sign_in(counties.secretariat_a)
    start = counties.start + timedelta(days=5)
    response = client.post("/staff/meetings/new", data=meeting_form(counties.plan_a, counties.a, start=start,
                                                                     title=typed))
    assert response.status_code == 400
    assert field_error(response, "title") == ONE_LINE
    assert typed.strip() in text_of(response)  # the input is kept


def test_a_line_break_in_the_applicants_name_is_refused_next_to_it(client, make):
    meeting = make.open_meeting()
    make.commit()
    client.set_cookie("lang", "en")
    response = client.post(f"/meetings/{meeting.id}/register", data=form(name="王\r\n小明"))
    assert response.status_code == 400 and field_error(response, "name") == ONE_LINE


# `next` with CR/LF (issue 7.6)

@pytest.mark.parametrize("target", ["/meetings\r\nSet-Cookie: a=b", "/\n/evil.example", "/meetings\x7f"])
def test_next_with_a_line_break_falls_back_to_a_safe_page(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/staff/login", query_string={"next": target}).status_code in (200, 400)
    signed = client.post("/staff/login", query_string={"next": target},
                         data={"email": "nobody@example.tw", "password": "a guess"})
    assert signed.status_code in (400, 401)


def test_sign_in_with_a_line_break_in_next_lands_on_the_dashboard(client, make, own_user_per_request):
    from .conftest import fast_sign_in
    user = make.staff("secretariat", email="clerk@example.tw")
    fast_sign_in(user)
    response = client.post("/staff/login", query_string={"next": "/staff/plans/\r\nX-Evil: 1"},
                           data={"email": "clerk@example.tw", "password": "correct horse battery staple"})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


# Headers (issue 7.10)

def test_staff_pages_with_personal_data_are_never_stored(client, make, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = make.open_meeting(counties.a)
    application = make.application(meeting)
    make.commit()
    for path in ("/staff/", f"/staff/meetings/{meeting.id}/applications", f"/staff/applications/{application.id}",
                 f"/staff/meetings/{meeting.id}/sign-in-sheet", f"/staff/meetings/{meeting.id}/applications.csv",
                 "/staff/login"):
        response = client.get(path)
        assert response.status_code in (200, 302), path
        assert response.headers["Cache-Control"] == "no-store", path
    assert client.get("/").headers.get("Cache-Control") != "no-store"  # public pages keep their caching
