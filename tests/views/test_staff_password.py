"""A staff member changes their own password: checked, hashed, audited, rate-limited like sign-in."""
import pytest

from app.accounts.passwords import verify_password
from app.audit import AuditEntry

from .conftest import PASSWORD, SITE_NAME, client_as, count, fast_sign_in, field_error, fresh, text_of

NEW = "four unrelated words here"


@pytest.fixture
def clerk(make, own_user_per_request, client, sign_in):
    user = make.staff("secretariat")
    fast_sign_in(user)
    sign_in(user)
    return user


def change(client, current=PASSWORD, new=NEW, confirm=None):
    return client.post("/staff/password", data={"current_password": current, "new_password": new,
                                                 "confirm_password": NEW if confirm is None else confirm})


def test_password_is_changed_hashed_with_argon2id_and_audited(client, clerk):
    assert client.get("/staff/password").status_code == 200
    response = change(client)
    assert response.status_code == 302
    user = fresh(clerk)
    assert user.password_hash.startswith("$argon2id$") and verify_password(user.password_hash, NEW)
    assert not verify_password(user.password_hash, PASSWORD)
    (entry,) = AuditEntry.query.filter_by(action="staff.password_changed").all()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (clerk.id, "users", clerk.id)


@pytest.mark.parametrize("fields, field, message", [
    ({"current": "not my password"}, "current_password", "That is not your current password."),
    ({"new": "short", "confirm": "short"}, "new_password", "The new password needs at least 12 characters."),
    ({"new": PASSWORD, "confirm": PASSWORD}, "new_password", "The new password must differ from the current one."),
    ({"confirm": "something else entirely"}, "confirm_password", "The two new passwords differ."),
])
def test_refused_changes_say_why_and_keep_the_old_password(client, clerk, fields, field, message):
    response = change(client, **fields)
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert verify_password(fresh(clerk).password_hash, PASSWORD)
    assert count(AuditEntry, AuditEntry.action == "staff.password_changed") == 0


def test_password_page_needs_a_signed_in_user(app):
    response = app.test_client().get("/staff/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")


def test_guessing_the_current_password_is_rate_limited(app_with, make, own_user_per_request):
    limited = app_with(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    user = make.staff("secretariat")
    fast_sign_in(user)
    client = client_as(limited, user)
    for _ in range(3):
        assert change(client, current="a guess").status_code == 400
    response = change(client)
    assert response.status_code == 429 and SITE_NAME in text_of(response)
    assert verify_password(fresh(user).password_hash, PASSWORD)
