"""The staff meeting page follows the routine (issue 9, item 12): a checklist of what the meeting
lacks, a preview, Publish that asks to confirm while the checklist has gaps (P8); postponing on a
page of its own, with "to be announced", "moved online" and a new registration deadline (W5, W1);
the public notice and the mail show the original and the new time."""
import re
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.materials.models import Material
from app.outbox.models import OutboxMessage
from app.outbox.worker import send_due
from app.timefmt import clock, iso, roc_datetime

from .conftest import error_in_form, fresh, local, on_the_minute, text_of


def entries(meeting, action):
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).filter_by(target_type="meetings", target_id=meeting.id,
                                                           action=action)).all()


def checklist(response) -> dict[str, str]:
    """The checklist as the page shows it: item name -> "done" or "missing"."""
    block = re.search(r'<ul class="checklist">(.*?)</ul>', response.get_data(as_text=True), re.S).group(1)
    return {name: state.split("-")[1] for state, name in
            re.findall(r'<li class="(check-\w+)">.*?<strong>(.*?)</strong>', block, re.S)}


def test_the_checklist_names_what_a_draft_still_lacks_in_the_routines_order_P8(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    draft = counties.draft_a
    page = client.get(f"/staff/meetings/{draft.id}")
    assert checklist(page) == {"Agenda": "missing", "Cases": "missing", "Materials": "missing",
                               "Registration window": "missing"}
    assert "This meeting still lacks 4 of 4 items:" in text_of(page)
    body = page.get_data(as_text=True)
    # in order: checklist, preview (the public card), publication; postponing and cancelling are not open forms
    assert body.index('id="checklist-heading"') < body.index('id="preview-heading"') < body.index('id="status-heading"')
    assert 'class="cards preview"' in body and "甲縣草稿座談會" in body
    client.post(f"/staff/meetings/{draft.id}/cases", data={"title": "第一案", "comment_minutes": ""})
    assert checklist(client.get(f"/staff/meetings/{draft.id}"))["Cases"] == "done"


def test_the_published_page_offers_postpone_and_cancel_as_buttons_to_their_own_pages(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    body = client.get(f"/staff/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/staff/meetings/{meeting.id}/postponement"' in body
    assert f'href="/staff/meetings/{meeting.id}/cancellation"' in body
    assert f'action="/staff/meetings/{meeting.id}/postpone' not in body  # no open form at the top
    postpone_page = client.get(f"/staff/meetings/{meeting.id}/postponement")
    assert postpone_page.status_code == 200
    assert f'action="/staff/meetings/{meeting.id}/postpone"' in postpone_page.get_data(as_text=True)
    assert client.get(f"/staff/meetings/{meeting.id}/cancellation").status_code == 200


def test_the_published_page_leads_to_the_day_the_notices_and_the_comments(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    body = client.get(f"/staff/meetings/{meeting.id}").get_data(as_text=True)
    for path in (f"/staff/meetings/{meeting.id}/day/desk", f"/staff/meetings/{meeting.id}/course",
                 f"/staff/meetings/{meeting.id}/notices", f"/meetings/{meeting.id}/display",
                 f"/staff/comments/meetings/{meeting.id}/new", f"/staff/comments/meetings/{meeting.id}/minutes"):
        assert f'href="{path}"' in body, path
        assert client.get(path).status_code == 200, path


def test_publishing_with_gaps_asks_to_confirm_first_and_audits_what_was_missing_P8(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    draft = counties.draft_a
    asked = client.post(f"/staff/meetings/{draft.id}/publish")
    assert asked.status_code == 200
    page = text_of(asked)
    assert "Publish with items missing?" in page and "Publish anyway" in page
    assert 'name="publish_anyway" value="yes"' in page
    assert fresh(draft).status == "draft" and entries(draft, "meeting.published") == []
    done = client.post(f"/staff/meetings/{draft.id}/publish", data={"publish_anyway": "yes"})
    assert done.status_code == 302 and fresh(draft).status == "published"
    (entry,) = entries(draft, "meeting.published")
    assert entry.details["missing"] == ["agenda", "cases", "materials", "registration_window"]


def test_a_complete_meeting_is_published_without_a_question_P8(client, make, counties, sign_in):
    meeting = make.meeting(counties.a, counties.plan_a, status="draft", start=counties.start + timedelta(days=3),
                           registration_opens_at=make.now(),
                           registration_closes_at=counties.start + timedelta(days=2))
    make.commit()
    sign_in(counties.secretariat_a)
    start = meeting.starts_at
    client.post(f"/staff/meetings/{meeting.id}/agenda", data={
        "starts_at": local(start)[-5:], "ends_at": local(start + timedelta(hours=1))[-5:], "title": "報告"})
    client.post(f"/staff/meetings/{meeting.id}/cases", data={"title": "第一案"})
    db.session.add(Material(meeting_id=meeting.id, title="簡報", link_url="https://example.tw/a.pdf"))
    db.session.commit()
    assert set(checklist(client.get(f"/staff/meetings/{meeting.id}")).values()) == {"done"}
    response = client.post(f"/staff/meetings/{meeting.id}/publish")
    assert response.status_code == 302 and fresh(meeting).status == "published"
    (entry,) = entries(meeting, "meeting.published")
    assert "missing" not in entry.details


def test_adding_a_part_returns_to_its_list(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.draft_a
    response = client.post(f"/staff/meetings/{meeting.id}/attendance", data={"agency": "水利署", "seats": "2"})
    assert response.status_code == 302 and response.headers["Location"] == f"/staff/meetings/{meeting.id}#attendance"
    page = client.get(f"/staff/meetings/{meeting.id}").get_data(as_text=True)
    assert '<section aria-labelledby="attendance-heading" class="panel" id="attendance">' in page
    assert "水利署" in page


def test_postponing_until_a_time_to_be_announced_keeps_the_time_and_says_so_W5(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    old_start, old_end = meeting.starts_at, meeting.ends_at
    response = client.post(f"/staff/meetings/{meeting.id}/postpone",
                           data={"when": "tba", "starts_at": "", "ends_at": "", "reason": "颱風停班停課"})
    assert response.status_code == 302
    meeting = fresh(meeting)
    assert meeting.status == "postponed" and meeting.time_to_be_announced
    assert (meeting.starts_at, meeting.ends_at) == (old_start, old_end)
    change = meeting.status_changes[-1]
    assert change.to_be_announced and change.new_starts_at is None
    assert (change.previous_starts_at, change.previous_ends_at) == (old_start, old_end)
    (entry,) = entries(meeting, "meeting.postponed")
    assert entry.details["to_be_announced"] is True and entry.details["reason"] == "颱風停班停課"
    public = app.test_client()
    public.set_cookie("lang", "en")
    notice = _notice(public.get(f"/meetings/{meeting.id}"))
    assert "New time: to be announced" in notice
    assert f'<time datetime="{iso(old_start)}">' in notice  # the original time
    assert "New time to be announced" in text_of(client.get(f"/staff/meetings/{meeting.id}"))


def test_postponing_online_needs_a_link_and_the_notice_gives_it_W5(app, client, counties, sign_in):
    sign_in(counties.secretariat_a)
    meeting = counties.published_a
    new_start = meeting.starts_at + timedelta(days=7)
    url = f"/staff/meetings/{meeting.id}/postpone"
    data = {"when": "new", "starts_at": local(new_start), "ends_at": local(new_start + timedelta(hours=2)),
            "moved_online": "y", "online_link": "", "reason": "改為視訊會議"}
    refused = client.post(url, data=data)
    assert refused.status_code == 400 and fresh(meeting).status == "published"
    assert error_in_form(refused, url, "online_link") == "Give the link where people join the meeting online."
    assert 'href="#postpone_online_link"' in refused.get_data(as_text=True)
    assert local(new_start) in refused.get_data(as_text=True)  # what was typed is kept
    done = client.post(url, data=data | {"online_link": "https://meet.example.tw/abc"})
    assert done.status_code == 302
    meeting = fresh(meeting)
    assert meeting.moved_online and meeting.livestream_url == "https://meet.example.tw/abc"
    assert meeting.starts_at == new_start and meeting.status_changes[-1].moved_online
    (entry,) = entries(meeting, "meeting.postponed")
    assert entry.details["moved_online"] is True and entry.details["online_link"] == "https://meet.example.tw/abc"
    public = app.test_client()
    public.set_cookie("lang", "en")
    notice = _notice(public.get(f"/meetings/{meeting.id}"))
    assert "The meeting moves online." in notice and 'href="https://meet.example.tw/abc"' in notice


def test_postponing_moves_the_registration_deadline_in_the_same_step_W5_W1(client, make, counties, sign_in):
    meeting = make.open_meeting(counties.a, the_plan=counties.plan_a, start=counties.start)
    make.commit()
    sign_in(counties.secretariat_a)
    url = f"/staff/meetings/{meeting.id}/postpone"
    new_start = on_the_minute(meeting.starts_at + timedelta(days=14))
    data = {"when": "new", "starts_at": local(new_start), "ends_at": local(new_start + timedelta(hours=3)),
            "reason": "颱風", "registration_closes_at": local(new_start + timedelta(hours=1))}
    refused = client.post(url, data=data)  # W1: the deadline comes before the new start
    assert refused.status_code == 400
    assert "must not be later than the start" in error_in_form(refused, url, "registration_closes_at")
    tba = client.post(url, data=data | {"when": "tba"})
    assert tba.status_code == 400 and "when you announce the new time" in error_in_form(
        tba, url, "registration_closes_at")
    old_deadline = fresh(meeting).registration_closes_at
    new_deadline = new_start - timedelta(days=2)
    done = client.post(url, data=data | {"registration_closes_at": local(new_deadline)})
    assert done.status_code == 302
    meeting = fresh(meeting)
    assert meeting.registration_closes_at == new_deadline and meeting.starts_at == new_start
    (entry,) = entries(meeting, "meeting.postponed")
    assert entry.details["previous_registration_closes_at"] == old_deadline.isoformat()
    assert entry.details["registration_closes_at"] == new_deadline.isoformat()


def test_the_notice_and_the_mail_show_the_original_and_the_new_time_W5(app, client, make, counties, sign_in, smtp):
    meeting = make.open_meeting(counties.a, the_plan=counties.plan_a, start=counties.start)
    person = make.application(meeting, locale="en")
    make.commit()
    sign_in(counties.secretariat_a)
    old_start, old_end = meeting.starts_at, meeting.ends_at
    new_start = on_the_minute(old_start + timedelta(days=7, hours=2))
    response = client.post(f"/staff/meetings/{meeting.id}/postpone", data={
        "when": "new", "starts_at": local(new_start), "ends_at": local(new_start + timedelta(hours=2)),
        "reason": "颱風停班停課"})
    assert response.status_code == 302
    public = app.test_client()
    public.set_cookie("lang", "en")
    notice = _notice(public.get(f"/meetings/{meeting.id}"))
    assert f'Originally: <span class="when"><time datetime="{iso(old_start)}"' in notice
    assert f'New time: <span class="when"><time datetime="{iso(new_start)}"' in notice
    with force_locale("en"):
        original, new = roc_datetime(old_start), roc_datetime(new_start)
    assert original in notice and new in notice
    body = _mail_body(app, smtp, person)
    assert "has been postponed to a new time" in body
    assert f"Original time: {original}–{clock(old_end)}" in body
    assert f"New time: {new}–{clock(new_start + timedelta(hours=2))}" in body


def _notice(response) -> str:
    """The status notice at the top of the public meeting page."""
    found = re.search(r'<div class="notice notice-postponed" role="alert">(.*?)</div>', response.get_data(as_text=True),
                      re.S)
    assert found, "no postponement notice"
    return found.group(1)


def _mail_body(app, smtp, person) -> str:
    """The meeting-changed mail to `person`, sent through the real outbox worker and SMTP, parsed."""
    app.config.update(smtp.config)
    db.session.commit()
    queued = db.session.scalars(select(OutboxMessage).filter_by(topic="meeting.changed")).all()
    assert [m.recipient for m in queued] == [person.email]
    before = len(smtp.messages)
    sent, failed = send_due(now=queued[0].next_attempt_at + timedelta(minutes=1), limit=50)
    assert failed == 0
    messages = [m for m in smtp.wait_for(before + sent) if m["X-Portal-Topic"] == "meeting.changed"]
    assert len(messages) == 1
    return messages[0].get_body(("plain",)).get_content().replace("\r\n", "\n")
