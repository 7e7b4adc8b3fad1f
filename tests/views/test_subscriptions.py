"""Public subscriptions (P10): double opt-in through a real SMTP server, never revealing whether an
address was subscribed, one-click unsubscribe (RFC 8058), preferences from a signed link, the Atom feed."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from app.meetings import services as meetings
from app.outbox.models import SuppressedAddress
from app.outbox.worker import send_due
from app.stakeholders.models import Subscriber

from .conftest import field_error, text_of


def mail_link(message, pattern):
    """The path of the first link in the mail's body matching `pattern`."""
    url = re.search(rf"https?://\S*{pattern}\S*", message.get_body(("plain",)).get_content()).group(0)
    return urlsplit(url).path


def subscribe_and_confirm(client, make, smtp, email="ming@example.tw", county="taichung"):
    response = client.post("/subscribe", data={"email": email, "counties": [county], "kinds": ["hearing"]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/subscribe/sent")
    send_due(now=make.now() + timedelta(seconds=2))
    confirm = mail_link(smtp.wait_for(1)[-1], "/subscribe/confirm/")
    return client.post(confirm)


def test_double_opt_in_follows_only_after_the_link_is_confirmed_P10(app, client, make, db, smtp):
    app.config.update(smtp.config)
    response = client.post("/subscribe", data={"email": "ming@example.tw", "counties": ["taichung"]})
    assert response.status_code == 302
    assert db.session.scalar(select(Subscriber.state)) == "pending"
    assert send_due(now=make.now() + timedelta(seconds=2)) == (1, 0)
    message, = smtp.wait_for(1)
    assert message["To"] == "ming@example.tw" and "List-Unsubscribe" not in message
    confirm = mail_link(message, "/subscribe/confirm/")

    page = client.get(confirm)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and "臺中市" in text_of(page)
    assert db.session.scalar(select(Subscriber.state)) == "pending"

    done = client.post(confirm)
    assert done.status_code == 302 and "/subscribe/preferences/" in done.headers["Location"]
    db.session.expire_all()
    subscriber = db.session.scalar(select(Subscriber))
    assert subscriber.state == "active" and [(f.kind, f.value) for f in subscriber.follows] == [("county", "taichung")]


def test_the_page_never_reveals_whether_an_address_was_subscribed(app, client, make, db, smtp):
    app.config.update(smtp.config)
    subscribe_and_confirm(client, make, smtp)
    known = client.post("/subscribe", data={"email": "ming@example.tw", "counties": ["taipei"]}, follow_redirects=True)
    unknown = client.post("/subscribe", data={"email": "new@example.tw", "counties": ["taipei"]}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert text_of(known) == text_of(unknown)
    db.session.expire_all()
    assert [f.value for f in db.session.scalar(select(Subscriber).where(Subscriber.email == "ming@example.tw")).follows] \
        == ["taichung", "hearing"]  # choices change only through a confirmed link


def test_a_bad_address_is_named_next_to_the_field_and_kept(client):
    response = client.post("/subscribe", data={"email": "ming@", "counties": ["taichung"]})
    assert response.status_code == 422
    assert field_error(response, "email")
    assert 'value="ming@"' in response.get_data(as_text=True)
    nothing = client.post("/subscribe", data={"email": "ming@example.tw"})
    assert field_error(nothing, "counties")


def test_one_click_unsubscribe_works_without_session_or_csrf_and_get_changes_nothing_RFC8058(
        app, app_with, client, make, db, smtp):
    app.config.update(smtp.config)
    subscribe_and_confirm(client, make, smtp)
    org_meeting = make.meeting(make.organizer(county_code="taichung"), status="draft", kind="hearing")
    meetings.publish_meeting(org_meeting, actor=None, now=make.now())
    db.session.commit()
    send_due(now=make.now() + timedelta(seconds=2))
    notice = smtp.wait_for(2)[-1]
    url = notice["List-Unsubscribe"].strip("<>")
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    guarded = app_with(WTF_CSRF_ENABLED=True, **smtp.config).test_client()  # a mail program: no cookie, no token
    assert guarded.get(urlsplit(url).path).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(Subscriber.state)) == "active"  # GET changed nothing

    response = guarded.post(urlsplit(url).path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(Subscriber.state)) == "unsubscribed"
    assert db.session.scalar(select(SuppressedAddress.reason)) == "unsubscribed"

    second = make.meeting(org_meeting.organizer, status="draft", kind="hearing", start=make.now() + timedelta(days=20))
    meetings.publish_meeting(second, actor=None, now=make.now())
    db.session.commit()
    send_due(now=make.now() + timedelta(seconds=2))
    assert len(smtp.messages) == 2  # the next notice did not reach them


def test_a_forged_link_is_refused(client):
    assert client.post("/subscribe/unsubscribe/forged").status_code == 404
    assert client.get("/subscribe/confirm/forged").status_code == 404
    assert client.get("/subscribe/preferences/forged").status_code == 404


def test_preferences_change_from_the_signed_link(app, client, make, db, smtp):
    app.config.update(smtp.config)
    done = subscribe_and_confirm(client, make, smtp)
    path = urlsplit(done.headers["Location"]).path
    assert client.get(path).status_code == 200
    saved = client.post(path, data={"kinds": ["workshop"]})
    assert saved.status_code == 200
    db.session.expire_all()
    assert [(f.kind, f.value) for f in db.session.scalar(select(Subscriber)).follows] == [("kind", "workshop")]


def test_atom_feed_lists_notices_with_the_same_filters(client, make, db):
    taichung, taipei = make.organizer(county_code="taichung"), make.organizer(county_code="taipei")
    for org in (taichung, taipei):
        meetings.publish_meeting(make.meeting(org, status="draft", title=f"{org.county_code} 公聽會"),
                                 actor=None, now=make.now())
    db.session.commit()
    feed = client.get("/subscribe/feed.atom?county=taichung").get_data(as_text=True)
    assert feed.count("<entry>") == 1 and "taichung 公聽會" in feed
    assert client.get("/subscribe/feed.atom").get_data(as_text=True).count("<entry>") == 2


def test_a_plan_number_that_is_not_plain_digits_is_ignored_not_a_server_error(client, make, db):
    assert client.get("/subscribe/feed.atom?plan=²&plan=1").status_code == 200
    response = client.post("/subscribe", data={"email": "ming@example.tw", "counties": ["taichung"], "plans": ["²"]})
    assert response.status_code in (200, 302, 303)


def test_pages_reached_by_a_private_link_are_never_stored_indexed_or_sent_on_as_a_referer(app, client, make, smtp):
    app.config.update(smtp.config)
    done = subscribe_and_confirm(client, make, smtp)
    page = client.get(done.headers["Location"])
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["X-Robots-Tag"] == "noindex"
    assert "no-store" in page.headers["Cache-Control"]
    assert "noindex" not in client.get("/subscribe/feed.atom").headers.get("X-Robots-Tag", "")  # the public feed
