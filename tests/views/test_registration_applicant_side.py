"""Issue 9, items 1, 2 and 7: what the applicant sees of a decided claim and of a changed place, the
changes they make from their private page (with the step that names a place they would lose), "resend
my link", and the form's fields — the page and the mail, on both engines."""
import re
from datetime import timedelta

import flask_babel
import pytest

from app.audit import AuditEntry
from app.extensions import db as _db
from app.locking import Busy
from app.outbox.models import OutboxMessage
from app.registrations import desk, links, services
from app.registrations import services as registrations
from app.registrations.models import Application, SpeakingRequest

from .conftest import count, field_error, flashes, fresh, text_of
from .test_registration_public import apply, confirmed, manage_path


@pytest.fixture
def visitor(client):
    """An anonymous visitor reading the English pages."""
    client.set_cookie("lang", "en")
    flask_babel.refresh()
    return client


def mails(application, topic: str) -> list[OutboxMessage]:
    """The mails queued to one applicant on one topic, oldest first."""
    _db.session.expire_all()
    return list(_db.session.scalars(_db.select(OutboxMessage).where(
        OutboxMessage.application_id == application.id, OutboxMessage.topic == topic).order_by(OutboxMessage.id)))


def speakers(make, meeting, n: int, **fields) -> list[Application]:
    base = make.now()
    return [make.application(meeting, at=base + timedelta(seconds=i), **fields) for i in range(n)]


def status_of(page: str) -> str:
    return re.search(r'<p class="application-status[^"]*"><strong>(.*?)</strong>', page).group(1)


def audited(application, action: str) -> list[AuditEntry]:
    _db.session.expire_all()
    return AuditEntry.query.filter_by(action=action, target_id=application.id).all()


# Item 1: a decided claim, the cause of a changed place, the waiting list's own word

def test_a_decided_claim_shows_on_the_private_page_with_the_staff_note_V6(visitor, make):
    meeting = make.open_meeting()
    claimant = make.application(meeting, party_concerned=True, party_statement="我的土地在計畫範圍內")
    make.commit()
    assert "your claim to be a party concerned awaits the secretariat's decision" in text_of(
        visitor.get(manage_path(claimant)))
    desk.decide_claim(fresh(claimant).requests[0], accept=False, note="土地不在本案範圍內", actor=None, now=make.now())
    make.commit()
    page = text_of(visitor.get(manage_path(claimant)))
    assert "the secretariat did not accept your claim to be a party concerned" in page
    assert "The secretariat's note: 土地不在本案範圍內" in page


def test_the_claimant_is_mailed_what_was_decided_and_why_V6(visitor, make):
    meeting = make.open_meeting()
    speakers(make, meeting, meeting.speaker_cap)
    claimant = make.application(meeting, party_concerned=True, party_statement="地主", locale="en",
                                at=make.now() + timedelta(minutes=1))
    desk.decide_claim(claimant.requests[0], accept=True, note="持有段內土地", actor=None, now=make.now())
    make.commit()
    mail, = mails(claimant, "registration.claim_decided")
    assert mail.subject == f"Your party-concerned claim was accepted — {meeting.title}"
    assert "The secretariat accepted your claim to be a party concerned by “" in mail.body
    assert "Why (the secretariat's note): 持有段內土地" in mail.body
    assert "you have speaking place 1. As a party concerned whose claim was accepted" in mail.body
    assert not mails(claimant, "registration.promoted")  # one mail, not two


def test_a_rejected_claim_mail_says_the_place_follows_the_time_of_application_V6(visitor, make):
    meeting = make.open_meeting()
    claimant = make.application(meeting, party_concerned=True, party_statement="地主", locale="zh_Hant_TW")
    desk.decide_claim(claimant.requests[0], accept=False, note="非計畫範圍", actor=None, now=make.now())
    make.commit()
    mail, = mails(claimant, "registration.claim_decided")
    assert mail.subject.startswith("您的利害關係人主張未獲採認")
    assert "非計畫範圍" in mail.body and "依申請時間" in mail.body


@pytest.mark.parametrize("change, cause", [
    ("cancel", "Why: Someone who had a place at this meeting cancelled their application."),
    ("caps", "Why: The secretariat changed the number of places at this meeting."),
    ("pool", "Why: The secretariat moved a speaker between the online places and the places for applications"),
])
def test_the_place_changed_mail_names_its_cause(visitor, make, change, cause):
    meeting = make.open_meeting()
    people = speakers(make, meeting, meeting.speaker_cap + 1, locale="en")
    waiting, first = people[-1], people[0]
    if change == "cancel":
        registrations.cancel_application(first, now=make.now())
    elif change == "caps":
        desk.set_caps(meeting, speaker_cap=meeting.speaker_cap + 1, representative_cap=meeting.representative_cap,
                      reason="場地較大", actor=None, now=make.now())
    else:
        desk.move_pool(first, pool="other", actor=None, now=make.now())
    make.commit()
    mail, = mails(waiting, "registration.promoted")
    assert cause in mail.body
    assert "someone cancelled, a claim was decided, or the number of places changed" not in mail.body


def test_a_waitlisted_applicant_reads_waiting_with_the_position_never_confirmed(client, make):
    meeting = make.open_meeting()
    people = speakers(make, meeting, meeting.speaker_cap + 2)
    make.commit()
    client.set_cookie("lang", "zh_Hant_TW")
    flask_babel.refresh()
    assert status_of(text_of(client.get(manage_path(people[0])))) == "已確認"
    waiting = text_of(client.get(manage_path(people[-1])))
    assert status_of(waiting) == "候補中（第 2 位）" and "已確認" not in waiting
    client.set_cookie("lang", "en")
    flask_babel.refresh()
    assert status_of(text_of(client.get(manage_path(people[-1])))) == "On the waiting list (number 2)"
    received, = mails(people[-1], "registration.received")
    assert "已確認" not in received.body and "目前尚未取得名額" in received.body


# Item 2: resend my link

def test_resend_my_link_answers_the_same_and_mails_only_an_address_with_applications(visitor, make):
    meeting = make.open_meeting()
    person = make.application(meeting, email="ming@example.tw", locale="en")
    make.commit()
    known = visitor.post("/resend-link", data={"email": "MING@example.tw"})
    unknown = visitor.post("/resend-link", data={"email": "nobody@example.tw"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/resend-link/sent"
    assert "If this address has applications to meetings still to come" in text_of(visitor.get("/resend-link/sent"))
    sent = _db.session.scalars(_db.select(OutboxMessage).where(OutboxMessage.topic == "registration.links")).all()
    assert [m.recipient for m in sent] == ["ming@example.tw"]
    link = re.search(r"https?://[^/\s]+(/registration/[\w.\-]+)", sent[0].body).group(1)
    assert links.read_token(link.rsplit("/", 1)[1], links.MANAGE)[0] == person.id  # its private page
    assert fresh(person).name in text_of(visitor.get(link))
    assert len(audited(person, "registration.links_resent")) == 1
    visitor.post("/resend-link", data={"email": "ming@example.tw"})  # again at once: no second mail
    assert count(OutboxMessage, OutboxMessage.topic == "registration.links") == 1


def test_resend_my_link_skips_cancelled_applications_and_sends_a_pending_ones_confirmation_link(visitor, make):
    meeting, other = make.open_meeting(), make.open_meeting()
    cancelled = make.application(meeting, email="hua@example.tw")
    registrations.cancel_application(cancelled, now=make.now())
    make.application(other, email="hua@example.tw", confirm=False)
    make.commit()
    visitor.post("/resend-link", data={"email": "hua@example.tw"})
    mail, = _db.session.scalars(_db.select(OutboxMessage).where(OutboxMessage.topic == "registration.links")).all()
    assert "/registration/confirm/" in mail.body and manage_path(cancelled) not in mail.body
    assert other.title in mail.body


def test_resend_my_link_needs_a_valid_address_beside_the_field(visitor):
    response = visitor.post("/resend-link", data={"email": "not an address"})
    assert response.status_code == 400
    assert field_error(response, "email") == "Enter a valid e-mail address, such as name@example.tw."
    assert 'value="not an address"' in text_of(response)


def test_resend_my_link_is_rate_limited(app_with, make):
    limited = app_with(RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="2 per minute")
    client = limited.test_client()
    for _ in range(2):
        assert client.post("/resend-link", data={"email": "a@example.tw"}).status_code == 302
    assert client.post("/resend-link", data={"email": "a@example.tw"}).status_code == 429
    assert client.get("/resend-link").status_code == 200


def test_pages_where_a_link_is_lost_offer_to_resend_it(visitor, make):
    meeting = make.open_meeting()
    make.commit()
    assert 'href="/resend-link"' in text_of(visitor.get(f"/meetings/{meeting.id}/register"))
    assert 'href="/resend-link"' in text_of(visitor.get("/registration/not-a-token"))


# Item 2: correct the name or organisation (V5)

def test_an_applicant_corrects_a_typo_in_their_name_audited_and_mailed(visitor, make):
    meeting = make.open_meeting()
    person = make.application(meeting, name="王小民", locale="en")
    make.commit()
    path = manage_path(person)
    assert 'action="' + path + '/details"' in text_of(visitor.get(path))
    response = visitor.post(f"{path}/details", data={"name": "王小明", "organisation": "荒野保護協會"})
    assert response.status_code == 302
    assert flashes(visitor.get(path)) == ["Your application is changed; we sent you an e-mail about it."]
    assert (fresh(person).name, fresh(person).organisation) == ("王小明", "荒野保護協會")
    entry, = audited(person, "registration.details_changed")
    assert entry.details["before"]["name"] == "王小民" and entry.details["after"]["name"] == "王小明"
    mail, = mails(person, "registration.changed")
    assert "name and organisation: 王小明, 荒野保護協會" in mail.body


def test_a_corrected_organisation_that_already_has_a_speaker_is_refused_V5(visitor, make):
    meeting = make.open_meeting()
    make.application(meeting, organisation="台灣荒野協會")
    person = make.application(meeting, organisation="")
    make.commit()
    path = manage_path(person)
    response = visitor.post(f"{path}/details", data={"name": fresh(person).name, "organisation": "臺灣荒野協會"})
    assert response.status_code == 400
    assert "already has a speaker" in (field_error(response, "organisation") or "")
    assert 'value="臺灣荒野協會"' in text_of(response)  # the input is kept
    assert fresh(person).organisation == "" and not audited(person, "registration.details_changed")


def test_an_empty_name_is_refused_beside_the_field(visitor, make):
    meeting = make.open_meeting()
    person = make.application(meeting)
    make.commit()
    response = visitor.post(f"{manage_path(person)}/details", data={"name": " ", "organisation": ""})
    assert response.status_code == 400 and field_error(response, "name") == "Enter your name."


# Item 2: speaking to observing, keeping the time of application; the step that names a lost place

def test_switching_to_observing_asks_first_when_it_gives_up_a_speaking_place(visitor, make):
    meeting = make.open_meeting()
    people = speakers(make, meeting, meeting.speaker_cap + 1, locale="en")
    person, waiting = people[0], people[-1]
    at = person.confirmed_at
    make.commit()
    path = manage_path(person)
    step = visitor.post(f"{path}/observe", data={})
    page = text_of(step)
    assert step.status_code == 200 and "This change would cost you a place" in page
    assert f"your speaking place on {meeting.title}" in page and "You have gallery seat 1." in page
    assert fresh(person).kind == "speak" and not mails(waiting, "registration.promoted")  # nothing saved
    assert visitor.post(f"{path}/observe", data={"accept_losses": "y"}).status_code == 302
    after = fresh(person)
    assert (after.kind, after.confirmed_at, after.outcome) == ("observe", at, "gallery")
    assert count(SpeakingRequest, SpeakingRequest.application_id == person.id) == 0
    promoted, = mails(waiting, "registration.promoted")
    assert "Why: Another applicant changed their application" in promoted.body
    entry, = audited(person, "registration.switched_to_observing")
    assert entry.details["places_given_up"] == 1


def test_a_waiting_speaker_switches_to_observing_without_the_extra_step(visitor, make):
    meeting = make.open_meeting()
    people = speakers(make, meeting, meeting.speaker_cap + 1)
    make.commit()
    response = visitor.post(f"{manage_path(people[-1])}/observe", data={})
    assert response.status_code == 302 and fresh(people[-1]).kind == "observe"
    assert "Observe instead of speaking" not in text_of(visitor.get(manage_path(people[-1])))


# Item 2: add or drop cases

def test_dropping_a_case_with_a_place_asks_first_then_frees_it(visitor, make):
    meeting = make.open_meeting(cases=2)
    first, second = meeting.cases
    person = make.application(meeting, case_ids=[first.id, second.id])
    make.commit()
    path = manage_path(person)
    step = visitor.post(f"{path}/cases", data={"case_ids": [str(first.id)]})
    assert "your speaking place on 第2案" in text_of(step)
    assert 'name="case_ids" value="%s"' % first.id in text_of(step) and 'name="accept_losses" value="y"' in text_of(step)
    assert len(fresh(person).requests) == 2
    visitor.post(f"{path}/cases", data={"case_ids": [str(first.id)], "accept_losses": "y"})
    assert [r.case_key for r in fresh(person).requests] == [first.id]
    entry, = audited(person, "registration.cases_changed")
    assert entry.details["dropped"] == ["第2案"]


def test_an_added_case_waits_from_when_it_was_added_V6(visitor, make):
    meeting = make.open_meeting(cases=2, speaker_cap=1)
    first, second = meeting.cases
    person = make.application(meeting, case_ids=[first.id], at=make.now() - timedelta(hours=2))
    earlier_on_second = make.application(meeting, case_ids=[second.id], at=make.now() - timedelta(hours=1))
    make.commit()
    response = visitor.post(f"{manage_path(person)}/cases", data={"case_ids": [str(first.id), str(second.id)]})
    assert response.status_code == 302
    added = next(r for r in fresh(person).requests if r.case_key == second.id)
    assert added.added_at is not None and (added.outcome, added.position) == ("waitlisted", 1)
    assert fresh(earlier_on_second).requests[0].outcome == "allocated"  # not passed by an older application
    assert "第2案: all speaking places are taken; you are number 1" in text_of(visitor.get(manage_path(person)))


def test_the_last_case_cannot_be_dropped(visitor, make):
    meeting = make.open_meeting(cases=2)
    person = make.application(meeting, case_ids=[meeting.cases[0].id])
    make.commit()
    response = visitor.post(f"{manage_path(person)}/cases", data={})
    assert response.status_code == 400
    assert field_error(response, "case_ids").startswith("Keep at least one case.")


def test_cases_are_added_only_while_registration_is_open_W1(visitor, make):
    meeting = make.open_meeting(cases=2)
    person = make.application(meeting, case_ids=[meeting.cases[0].id])
    meeting.registration_closes_at = make.now() - timedelta(minutes=1)
    make.commit()
    response = visitor.post(f"{manage_path(person)}/cases",
                            data={"case_ids": [str(c.id) for c in meeting.cases]})
    assert response.status_code == 400 and "deadline" in field_error(response, "case_ids")
    assert len(fresh(person).requests) == 1


def test_a_cancelled_application_offers_no_changes_and_takes_none(visitor, make):
    meeting = make.open_meeting()
    person = make.application(meeting)
    registrations.cancel_application(person, now=make.now())
    make.commit()
    path = manage_path(person)
    assert "Change my application" not in text_of(visitor.get(path))
    response = visitor.post(f"{path}/details", data={"name": "別人", "organisation": ""})
    assert response.status_code == 400 and fresh(person).name != "別人"


# Item 7: the form's fields

def test_the_form_marks_required_fields_on_the_label_and_phone_is_tel(visitor, make):
    meeting = make.open_meeting()
    make.commit()
    page = text_of(visitor.get(f"/meetings/{meeting.id}/register"))
    assert re.search(r'<label for="name">Full name <span class="req" aria-hidden="true">\*</span></label>', page)
    assert re.search(r'<input[^>]*id="phone"[^>]*type="tel"|<input[^>]*type="tel"[^>]*id="phone"', page)
    assert 'class="w-short"' in page and 'id="speaking-part"' in page and "/static/apply.js" in page


def test_an_observer_without_javascript_has_the_speaking_fields_ignored(visitor, make):
    meeting = make.open_meeting(cases=2)
    make.commit()
    response = apply(visitor, meeting, kind="observe", email="obs@example.tw", case_ids=["x", "99999"],
                     party_concerned="y", party_statement="字" * 3000)
    assert response.status_code == 302
    application = _db.session.scalars(_db.select(Application).where(Application.email == "obs@example.tw")).one()
    assert application.kind == "observe" and application.requests == []


def test_changes_wait_for_the_meetings_lock_and_a_busy_one_saves_nothing(visitor, make, monkeypatch):
    meeting = make.open_meeting()
    person = make.application(meeting, name="王小民")
    make.commit()
    taken = []

    def busy(meeting_id, *args, **kwargs):
        taken.append(meeting_id)
        raise Busy()
    monkeypatch.setattr(services, "lock_meeting", busy)  # what changes._begin takes through lock_application
    response = visitor.post(f"{manage_path(person)}/details", data={"name": "王小明", "organisation": ""})
    assert response.status_code == 503 and taken == [meeting.id]
    assert fresh(person).name == "王小民" and not audited(person, "registration.details_changed")


def test_confirming_into_the_waiting_list_never_says_confirmed_alone(visitor, make):
    meeting = make.open_meeting()
    base = make.now() - timedelta(hours=1)
    for i in range(meeting.speaker_cap):
        make.application(meeting, at=base + timedelta(seconds=i))
    make.commit()
    person = confirmed(visitor, meeting, email="late@example.tw")
    shown = flashes(visitor.get(manage_path(person)))
    assert shown and shown[0].startswith("Your e-mail address is confirmed and your application counts from")
    assert "For now you have no place" in shown[0] and "Your application is confirmed" not in shown[0]
