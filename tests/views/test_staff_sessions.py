"""Sessions can be revoked (issue 7, item 2): a copied session cookie stops working after sign-out, after a
password change elsewhere and when its session is ended; sign-in starts a fresh session (new CSRF secret)."""
import re
from datetime import timedelta

import pytest
from flask_login.utils import encode_cookie

from app.accounts.models import StaffSession
from app.audit import AuditEntry

from .conftest import PASSWORD, count, fast_sign_in, fresh, text_of

NEW = "four unrelated words here"


@pytest.fixture
def clerk(make, own_user_per_request):
    user = make.staff("secretariat", email="clerk@county-a.gov.tw")
    fast_sign_in(user)
    return user


def browser(app):
    """A separate test client (its own cookies), with English pages."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


def sign_in_through_form(client, user, password=PASSWORD):
    response = client.post("/staff/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, text_of(response)
    return client


def copy_of(app, client):
    """Another client holding a copy of `client`'s session cookie, as a thief would."""
    thief = browser(app)
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(client) -> bool:
    return client.get("/staff/").status_code == 200


def test_copied_cookie_is_refused_after_sign_out(app, clerk):
    mine = sign_in_through_form(browser(app), clerk)
    thief = copy_of(app, mine)
    assert signed_in(thief)  # a copy works while the session lives …
    assert mine.post("/staff/logout").status_code == 302
    response = thief.get("/staff/")  # … and not a moment after its owner signed out
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
    assert not signed_in(mine)
    (record,) = StaffSession.query.all()
    assert record.ended_at is not None and record.end_reason == "signed_out"


def test_password_change_ends_every_other_session_but_not_its_own(app, clerk):
    laptop = sign_in_through_form(browser(app), clerk)
    thief = copy_of(app, laptop)
    phone = sign_in_through_form(browser(app), clerk)
    assert signed_in(thief) and signed_in(phone)
    response = phone.post("/staff/password", data={"current_password": PASSWORD, "new_password": NEW,
                                                   "confirm_password": NEW})
    assert response.status_code == 302
    assert "Your account's other sessions have ended." in text_of(phone.get("/staff/"))
    assert signed_in(phone)
    assert not signed_in(thief) and not signed_in(laptop)
    assert count(StaffSession, StaffSession.ended_at.is_(None)) == 1
    (entry,) = AuditEntry.query.filter_by(action="session.ended").all()
    assert entry.details == {"count": 1, "reason": "password_changed"}


def test_sign_in_starts_a_fresh_session_with_a_new_csrf_secret(app_with, clerk):
    protected = app_with(WTF_CSRF_ENABLED=True)
    client = browser(protected)
    page = client.get("/staff/login").get_data(as_text=True)
    token_before = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with client.session_transaction() as session:
        secret_before = session["csrf_token"]
        session["planted"] = "by someone before sign-in"
    response = client.post("/staff/login", data={"email": clerk.email, "password": PASSWORD,
                                                 "csrf_token": token_before})
    assert response.status_code == 302
    client.get("/staff/")  # a page with a form: the session gets its CSRF secret
    with client.session_transaction() as session:
        assert session["csrf_token"] != secret_before
        assert "planted" not in session
    # A token made from the pre-sign-in secret (which someone who planted the cookie knows) is refused.
    response = client.post("/staff/logout", data={"csrf_token": token_before})
    assert response.status_code == 400 and signed_in(client)


def test_session_cookie_without_a_session_record_signs_nobody_in(app, clerk):
    # What a cookie from before the change held, or a forged one, or Flask-Login's remember-me cookie.
    client = browser(app)
    with client.session_transaction() as session:
        session["_user_id"] = str(clerk.id)
        session["_fresh"] = True
    assert not signed_in(client)
    remembered = browser(app)
    remembered.set_cookie("remember_token", encode_cookie(str(clerk.id)))
    assert not signed_in(remembered)


def test_a_session_key_of_another_account_signs_nobody_in(app, make, clerk):
    other = make.staff("planner")
    fast_sign_in(other)
    theirs = sign_in_through_form(browser(app), other)
    with theirs.session_transaction() as session:
        session["_user_id"] = str(clerk.id)  # their live key, with the clerk's id
    assert not signed_in(theirs)


def test_staff_see_their_sessions_and_end_another_one(app, clerk):
    laptop = sign_in_through_form(browser(app), clerk)
    phone = sign_in_through_form(browser(app), clerk)
    page = laptop.get("/staff/security/sessions")
    assert page.status_code == 200
    body = text_of(page)
    assert body.count("(this browser)") == 1 and body.count(">End</button>") == 1
    phone_record = StaffSession.query.order_by(StaffSession.id.desc()).first()
    response = laptop.post(f"/staff/security/sessions/{phone_record.id}/end")
    assert response.status_code == 302
    assert not signed_in(phone) and signed_in(laptop)
    assert fresh(phone_record).end_reason == "ended_by_user"
    (entry,) = AuditEntry.query.filter_by(action="session.ended").all()
    assert (entry.actor_id, entry.target_id, entry.details["reason"]) == (clerk.id, clerk.id, "ended_by_user")


def test_end_all_other_sessions(app, clerk):
    clients = [sign_in_through_form(browser(app), clerk) for _ in range(3)]
    assert clients[0].post("/staff/security/sessions/end-others").status_code == 302
    assert [signed_in(c) for c in clients] == [True, False, False]


def test_another_accounts_session_cannot_be_ended(app, make, clerk):
    other = make.staff("secretariat")
    fast_sign_in(other)
    theirs = sign_in_through_form(browser(app), other)
    mine = sign_in_through_form(browser(app), clerk)
    their_record = StaffSession.query.filter_by(user_id=other.id).one()
    assert mine.post(f"/staff/security/sessions/{their_record.id}/end").status_code == 404
    assert signed_in(theirs) and fresh(their_record).ended_at is None


def test_last_seen_is_refreshed_at_most_once_a_minute(app, db, clerk):
    client = sign_in_through_form(browser(app), clerk)
    record = StaffSession.query.one()
    long_ago = record.created_at - timedelta(minutes=5)
    record.last_seen_at = long_ago
    db.session.commit()
    assert signed_in(client)
    seen = fresh(record).last_seen_at
    assert seen > long_ago
    assert signed_in(client)
    assert fresh(record).last_seen_at == seen  # within the minute: no write


def _age(record_id, **shift):
    """Move a session's times into the past, as if the clock had run on."""
    from app.extensions import db
    record = db.session.get(StaffSession, record_id)
    for column, delta in shift.items():
        setattr(record, column, getattr(record, column) - delta)
    db.session.commit()


@pytest.mark.parametrize("shift, reason", [
    ({"last_seen_at": timedelta(hours=8, minutes=1)}, "idle_timeout"),
    ({"created_at": timedelta(days=7, minutes=1)}, "lifetime_over"),
])
def test_a_session_ends_on_the_server_when_idle_or_too_old(app, clerk, shift, reason):
    mine = sign_in_through_form(browser(app), clerk)
    (record,) = StaffSession.query.all()
    _age(record.id, last_seen_at=timedelta(hours=7, minutes=59))  # unused for less than 8 hours: still on
    assert signed_in(mine)
    _age(record.id, **shift)
    response = mine.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
    record = fresh(record)
    assert record.ended_at is not None and record.end_reason == reason
    entry = AuditEntry.query.filter_by(action="session.ended").one()
    assert entry.details == {"session": record.id, "reason": reason} and entry.target_id == clerk.id


def test_session_timeouts_are_configurable_and_the_sessions_page_shows_the_end(app, clerk):
    app.config.update(STAFF_SESSION_IDLE_MINUTES=30, STAFF_SESSION_MAX_HOURS=2)
    mine = sign_in_through_form(browser(app), clerk)
    page = text_of(mine.get("/staff/security/sessions"))
    assert "Ends unless used" in page
    (record,) = StaffSession.query.all()
    _age(record.id, last_seen_at=timedelta(minutes=31))
    assert not signed_in(mine)
    assert fresh(record).end_reason == "idle_timeout"
