"""Two-factor sign-in (issue 7, item 11): password first, then a TOTP code (±1 step, each code once,
rate-limited); staff may turn it on, admins must, and an admin can reset another account's."""
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import StaffSession
from app.accounts.totp import code_at
from app.audit import AuditEntry
from app.meetings.models import Meeting

from ..factories import TOTP_SECRET
from .conftest import PASSWORD, SITE_NAME, count, fast_sign_in, field_error, flashes, fresh, text_of

WRONG = "That code is not right, or was used already. Enter the six digits your authenticator app shows now."


@pytest.fixture
def client(app):
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


@pytest.fixture
def planner(make, own_user_per_request):
    user = make.staff("planner", two_factor=True)
    fast_sign_in(user)
    return user


def password_step(client, user):
    return client.post("/staff/login", query_string={"next": "/staff/plans/"},
                       data={"email": user.email, "password": PASSWORD})


def signed_in(client) -> bool:
    return client.get("/staff/").status_code == 200


def test_password_alone_does_not_sign_in_when_two_factor_is_on(client, planner):
    response = password_step(client, planner)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/login/code"
    assert not signed_in(client)
    assert count(AuditEntry, AuditEntry.action == "staff.signed_in") == 0
    page = client.get("/staff/login/code")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.get_data(as_text=True)


def test_the_current_code_completes_the_sign_in(client, make, planner):
    password_step(client, planner)
    response = client.post("/staff/login/code", data={"code": code_at(TOTP_SECRET, make.now())})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/plans/"
    assert signed_in(client)
    assert count(AuditEntry, AuditEntry.action == "staff.signed_in") == 1
    assert fresh(planner).last_login_at is not None


@pytest.mark.parametrize("seconds, accepted", [(-30, True), (30, True), (-90, False), (90, False)])
def test_a_code_of_the_next_or_previous_step_is_accepted_but_no_further(client, make, planner, seconds, accepted):
    password_step(client, planner)
    response = client.post("/staff/login/code", data={"code": code_at(TOTP_SECRET, make.now()
                                                                      + timedelta(seconds=seconds))})
    assert (response.status_code == 302) is accepted and signed_in(client) is accepted


@pytest.mark.parametrize("code", ["000000", "12345", "abcdef", ""])
def test_a_wrong_code_is_refused_next_to_the_field(client, make, planner, code):
    if code == "000000" and code_at(TOTP_SECRET, make.now()) == code:
        code = "999999"
    password_step(client, planner)
    response = client.post("/staff/login/code", data={"code": code})
    assert response.status_code == 401
    assert field_error(response, "code") == (WRONG if code else "This field is required.")
    assert not signed_in(client)


def test_a_code_cannot_be_used_twice(app, client, make, planner):
    code = code_at(TOTP_SECRET, make.now())
    password_step(client, planner)
    assert client.post("/staff/login/code", data={"code": code}).status_code == 302
    other = app.test_client()  # someone who watched the code being typed
    other.set_cookie("lang", "en")
    password_step(other, planner)
    response = other.post("/staff/login/code", data={"code": code})
    assert response.status_code == 401 and field_error(response, "code") == WRONG
    assert not signed_in(other)


def test_the_code_step_is_rate_limited(app_with, make, planner):
    limited = app_with(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute").test_client()
    limited.set_cookie("lang", "en")
    password_step(limited, planner)
    wrong = "999999" if code_at(TOTP_SECRET, make.now()) != "999999" else "888888"
    for _ in range(3):
        assert limited.post("/staff/login/code", data={"code": wrong}).status_code == 401
    response = limited.post("/staff/login/code", data={"code": code_at(TOTP_SECRET, make.now())})
    assert response.status_code == 429 and SITE_NAME in text_of(response)
    assert limited.get("/staff/").status_code == 302


def test_the_code_step_needs_a_recent_password_step(client, db, make, planner):
    assert client.get("/staff/login/code").headers["Location"] == "/staff/login"
    password_step(client, planner)
    row = db.session.scalars(select(StaffSession).where(StaffSession.pending.is_(True))).one()
    row.created_at -= timedelta(seconds=301)
    db.session.commit()
    response = client.post("/staff/login/code", data={"code": code_at(TOTP_SECRET, make.now())})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/login"
    assert not signed_in(client)


def test_the_pending_step_is_kept_on_the_server_not_trusted_from_the_cookie(client, db, make, planner):
    # Whoever can sign a cookie (the key leaked) must still not skip the password step.
    with client.session_transaction() as session:
        session["pending_sign_in"] = {"user": planner.id, "at": int(time.time()), "next": "/staff/",
                                      "key": "forged-key"}
    response = client.post("/staff/login/code", data={"code": code_at(TOTP_SECRET, make.now())})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/login"
    assert not signed_in(client)


def test_a_pending_key_signs_nobody_in_and_goes_once_the_code_is_right(client, db, make, planner):
    password_step(client, planner)
    with client.session_transaction() as session:
        key = session["pending_sign_in"]["key"]
    other = client.application.test_client()
    with other.session_transaction() as session:
        session["staff_session"], session["_user_id"] = key, str(planner.id)
    assert other.get("/staff/").status_code == 302
    assert client.post("/staff/login/code", data={"code": code_at(TOTP_SECRET, make.now())}).status_code == 302
    assert signed_in(client)
    assert db.session.scalar(select(func.count()).select_from(StaffSession)
                             .where(StaffSession.pending.is_(True))) == 0


def test_an_account_disabled_between_the_steps_cannot_finish(client, db, make, planner):
    password_step(client, planner)
    planner.active = False
    db.session.commit()
    client.post("/staff/login/code", data={"code": code_at(TOTP_SECRET, make.now())})
    assert not signed_in(client)


def set_up(client, user, now):
    """Turn two-factor sign-in on from the page, as the person would (the secret comes from the page)."""
    assert client.post("/staff/security/two-factor/start").status_code == 302
    page = client.get("/staff/security/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<code id="totp-key" lang="en">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    return secret, client.post("/staff/security/two-factor/confirm", data={"code": code_at(secret, now)})


def test_staff_may_turn_two_factor_on_with_a_confirming_code(client, make, sign_in, planner):
    clerk = make.staff("secretariat")
    make.commit()
    sign_in(clerk)
    assert client.post("/staff/security/two-factor/start").status_code == 302
    response = client.post("/staff/security/two-factor/confirm", data={"code": "12345x"})
    assert response.status_code == 400 and field_error(response, "code") == WRONG
    assert not fresh(clerk).has_two_factor
    secret, response = set_up(client, clerk, make.now())
    assert response.status_code == 302
    assert fresh(clerk).totp_secret == secret and fresh(clerk).totp_pending_secret is None
    (entry,) = AuditEntry.query.filter_by(action="totp.enabled").all()
    assert entry.actor_id == clerk.id


def test_staff_may_turn_it_off_with_a_code_but_admins_may_not(client, make, sign_in, planner, counties):
    sign_in(planner)
    response = client.post("/staff/security/two-factor/off", data={"code": "999999"})
    assert response.status_code == 400 and fresh(planner).has_two_factor
    response = client.post("/staff/security/two-factor/off", data={"code": code_at(TOTP_SECRET, make.now())})
    assert response.status_code == 302 and not fresh(planner).has_two_factor
    assert count(AuditEntry, AuditEntry.action == "totp.disabled") == 1
    sign_in(counties.admin)
    response = client.post("/staff/security/two-factor/off", data={"code": code_at(TOTP_SECRET, make.now())})
    assert response.status_code == 400
    assert "Administrators must keep two-factor sign-in on." in flashes(response)
    assert fresh(counties.admin).has_two_factor


def test_an_admin_without_two_factor_can_do_nothing_but_set_it_up(client, make, own_user_per_request, counties):
    admin = make.staff("admin", two_factor=False)
    fast_sign_in(admin)
    assert client.post("/staff/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    for url in ("/staff/", "/staff/accounts/", "/staff/audit", f"/staff/meetings/{counties.draft_a.id}"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/staff/security/two-factor", url
    response = client.post(f"/staff/meetings/{counties.draft_a.id}/publish", data={"publish_anyway": "yes"})
    assert response.status_code == 302 and fresh(counties.draft_a).status == "draft"
    page = client.get("/staff/security/two-factor")
    assert page.status_code == 200 and "Administrators must use two-factor sign-in." in text_of(page)
    _secret, response = set_up(client, admin, make.now())
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert count(Meeting) == 4


def test_an_admin_resets_another_accounts_two_factor(client, make, sign_in, counties):
    other_admin = make.staff("admin")
    make.commit()
    sign_in(counties.admin)
    assert client.post(f"/staff/accounts/{other_admin.id}/reset-two-factor").status_code == 302
    assert not fresh(other_admin).has_two_factor
    (entry,) = AuditEntry.query.filter_by(action="totp.reset").all()
    assert (entry.actor_id, entry.target_id) == (counties.admin.id, other_admin.id)
    assert client.post(f"/staff/accounts/{counties.admin.id}/reset-two-factor").status_code == 403
    sign_in(counties.secretariat_a)
    assert client.post(f"/staff/accounts/{counties.admin.id}/reset-two-factor").status_code == 403
    assert fresh(counties.admin).has_two_factor
