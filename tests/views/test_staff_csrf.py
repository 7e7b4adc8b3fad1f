"""CSRF: with protection on (as in production), a POST without the form's token changes nothing."""
import re

import pytest

from app.audit import AuditEntry
from app.meetings.models import MeetingStatusChange

from .conftest import PASSWORD, SITE_NAME, count, fast_sign_in, fresh, text_of

EXPIRED = "This form has expired or was opened in another session."


def token_on(response) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True))
    assert found, "the page carries no CSRF token"
    return found.group(1)


def assert_expired_page(response):
    assert response.status_code == 400
    body = text_of(response)
    assert SITE_NAME in body and EXPIRED in body


@pytest.fixture
def protected(app_with):
    """A client of an app with CSRF protection on, showing English pages."""
    client = app_with(WTF_CSRF_ENABLED=True).test_client()
    client.set_cookie("lang", "en")
    return client


def sign_in_with_token(client, user):
    fast_sign_in(user)
    token = token_on(client.get("/staff/login"))
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_sign_in_without_a_valid_token_is_refused(protected, counties, token):
    data = {"email": counties.secretariat_a.email, "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    assert_expired_page(protected.post("/staff/login", data=data))
    assert fresh(counties.secretariat_a).last_login_at is None
    assert count(AuditEntry, AuditEntry.action == "staff.signed_in") == 0
    assert protected.get("/staff/").status_code == 302


def test_publish_without_a_token_is_refused_and_with_one_goes_through(protected, counties):
    sign_in_with_token(protected, counties.secretariat_a)
    draft = counties.draft_a
    assert_expired_page(protected.post(f"/staff/meetings/{draft.id}/publish"))
    assert fresh(draft).status == "draft" and fresh(draft).sequence == 0
    assert count(MeetingStatusChange, MeetingStatusChange.meeting_id == draft.id) == 0
    token = token_on(protected.get(f"/staff/meetings/{draft.id}"))
    asked = protected.post(f"/staff/meetings/{draft.id}/publish", data={"csrf_token": token})
    assert asked.status_code == 200 and fresh(draft).status == "draft"  # the checklist has gaps: confirm (P8)
    assert protected.post(f"/staff/meetings/{draft.id}/publish", data={
        "csrf_token": token_on(asked), "publish_anyway": "yes"}).status_code == 302
    assert fresh(draft).status == "published"


@pytest.mark.parametrize("url, data", [
    ("/staff/meetings/{id}/cancel", {"reason": "偽造的取消"}),
    ("/staff/meetings/{id}/edit", {"title": "偽造的標題"}),
    ("/staff/meetings/{id}/materials", {"title": "偽造的資料", "link_url": "https://evil.example/"}),
    ("/staff/profile", {"speaker_cap": "10"}),
    ("/staff/logout", {}),
])
def test_other_posts_without_a_token_change_nothing(protected, counties, url, data):
    sign_in_with_token(protected, counties.secretariat_a)
    meeting = counties.published_a
    entries = count(AuditEntry)
    assert_expired_page(protected.post(url.format(id=meeting.id), data=data))
    meeting = fresh(meeting)
    assert (meeting.status, meeting.title) == ("published", "甲縣公開公聽會")
    assert count(AuditEntry) == entries
    assert protected.get("/staff/").status_code == 200  # still signed in, even after the forged logout
