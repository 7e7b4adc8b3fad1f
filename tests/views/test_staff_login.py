"""Staff sign-in and sign-out: messages, argon2id hashes, rate limit, safe `next` redirects, POST-only logout."""
import re
from urllib.parse import urlsplit

import pytest

from app.accounts.services import create_staff
from app.audit import AuditEntry

from .conftest import SITE_NAME, count, fast_sign_in, field_error, fresh, text_of

NO_MATCH = "That e-mail and password do not match an active staff account."


@pytest.fixture
def staff(make, own_user_per_request, client):
    """A secretariat member; the client shows English pages."""
    user = make.staff("secretariat", email="clerk@county-a.gov.tw")
    fast_sign_in(user)
    client.set_cookie("lang", "en")
    return user


def signed_in(client) -> bool:
    return client.get("/staff/").status_code == 200


def test_correct_password_signs_in_and_is_audited(client, auth, staff):
    response = auth.login(staff)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert fresh(staff).last_login_at is not None
    (entry,) = AuditEntry.query.filter_by(action="staff.signed_in").all()
    assert entry.actor_id == staff.id
    dashboard = client.get("/staff/")
    assert dashboard.status_code == 200 and f"Signed in as {staff.name}." in text_of(dashboard)


def test_email_is_matched_without_regard_to_case(client, auth, staff):
    assert auth.login("Clerk@County-A.gov.tw").status_code == 302


@pytest.mark.parametrize("who", ["wrong password", "unknown e-mail", "deactivated account", "empty password"])
def test_failed_sign_in_is_401_with_a_message_next_to_the_password(client, auth, db, staff, who):
    email, password = staff.email, "wrong horse battery staple"
    if who == "unknown e-mail":
        email = "nobody@county-a.gov.tw"
    elif who == "deactivated account":
        staff.active = False
        db.session.commit()
        password = "correct horse battery staple"
    elif who == "empty password":
        password = ""
    response = auth.login(email, password=password)
    assert response.status_code == 401
    expected = "This field is required." if who == "empty password" else NO_MATCH
    assert field_error(response, "password") == expected
    body = text_of(response)
    assert f'value="{email}"' in body  # the e-mail typed is kept
    if password:
        assert password not in body  # the password is never echoed back
    assert count(AuditEntry, AuditEntry.action == "staff.signed_in") == 0
    assert fresh(staff).last_login_at is None
    assert not signed_in(client)


def test_passwords_are_stored_as_argon2id_hashes(client, auth, db, make, own_user_per_request):
    org = make.organizer()
    user = create_staff(email="Planner@County-A.gov.tw", name="規劃師", role="planner", organizer=org,
                        password="a long enough passphrase", now=make.now())
    db.session.commit()
    assert user.password_hash.startswith("$argon2id$")
    memory = int(re.search(r"\$m=(\d+),", user.password_hash).group(1))
    assert memory >= 19456  # OWASP's minimum for argon2id, in KiB
    assert "a long enough passphrase" not in user.password_hash
    assert auth.login("planner@county-a.gov.tw", password="a long enough passphrase ").status_code == 401
    assert auth.login("planner@county-a.gov.tw", password="a long enough passphrase").status_code == 302


def test_fourth_attempt_in_a_minute_is_429_with_the_sites_page(app_with, staff):
    limited = app_with(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    client.set_cookie("lang", "en")
    for _ in range(3):
        response = client.post("/staff/login", data={"email": staff.email, "password": "guess"})
        assert response.status_code == 401
    response = client.post("/staff/login", data={"email": staff.email, "password": "correct horse battery staple"})
    assert response.status_code == 429
    body = text_of(response)
    assert SITE_NAME in body and "Too many attempts" in body and "Wait a minute, then try again." in body
    assert count(AuditEntry, AuditEntry.action == "staff.signed_in") == 0
    assert client.get("/staff/").status_code == 302  # not signed in
    assert client.get("/staff/login").status_code == 200  # the form itself is still shown


@pytest.mark.parametrize("target", [
    "//evil.example/",
    "https://evil.example/",
    "http://evil.example/staff/",
    "javascript:alert(1)",
    "evil.example/staff/",
    "///evil.example/",
    "/\t/evil.example/",
])
def test_next_to_another_host_is_ignored(client, staff, target):
    response = client.post("/staff/login", query_string={"next": target},
                           data={"email": staff.email, "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_next_with_a_backslash_stays_on_this_site(client, staff):
    # Browsers read "/\\host" as "//host"; the redirect must not hand them that.
    response = client.post("/staff/login", query_string={"next": "/\\evil.example/"},
                           data={"email": staff.email, "password": "correct horse battery staple"})
    location = response.headers["Location"]
    assert "\\" not in location and not location.startswith("//") and urlsplit(location).netloc == ""


def test_next_on_this_site_is_followed(client, staff):
    response = client.get("/staff/plans/")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    response = client.post(login_url, data={"email": staff.email, "password": "correct horse battery staple"})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/plans/"


def test_logout_is_post_only(client, auth, staff):
    auth.login(staff)
    response = client.get("/staff/logout")
    assert response.status_code == 405
    assert SITE_NAME in text_of(response)
    assert signed_in(client)
    response = auth.logout()
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "You have signed out." in text_of(client.get("/"))
    assert not signed_in(client)


def test_sign_in_page_sends_a_signed_in_user_to_the_dashboard(client, auth, staff):
    auth.login(staff)
    response = client.get("/staff/login")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


def test_session_cookie_is_http_only_and_same_site(client, auth, staff):
    response = auth.login(staff)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_deactivating_an_account_ends_its_open_session(client, auth, db, staff):
    auth.login(staff)
    assert signed_in(client)
    staff.active = False
    db.session.commit()
    response = client.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
