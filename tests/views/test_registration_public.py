"""The public side of applying to speak or observe: the form, the confirmation link, the applicant's
own page, and every refusal (V1, V3, V5, V6, V15, W1, W4), on both engines."""
import re
from datetime import date, timedelta

import flask_babel
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.extensions import db as _db
from app.locking import Busy
from app.meetings import services as meeting_services
from app.outbox.models import OutboxMessage
from app.registrations import desk, links
from app.registrations import views_public as registration_views
from app.registrations.models import Application, SpeakingRequest

from .conftest import count, field_error, flashes, fresh, text_of
from .test_input_limits import labels_without_their_field


@pytest.fixture
def visitor(client):
    """An anonymous visitor reading the English pages."""
    client.set_cookie("lang", "en")
    flask_babel.refresh()  # the test app context spans requests; see test_public_page_cache.py
    return client


def form(**fields) -> dict:
    """A complete application form (to speak); a false checkbox is simply left out."""
    data = {"kind": "speak", "name": "王小明", "organisation": "", "township": "", "village": "",
            "email": "ming@example.tw", "phone": "", "party_statement": "", "consent": "y"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def apply(client, meeting, **fields):
    return client.post(f"/meetings/{meeting.id}/register", data=form(**fields))


def confirm_path(email: str) -> str:
    """The confirmation link of the latest application from `email`, as its e-mail gives it."""
    _db.session.expire_all()
    message = _db.session.scalars(_db.select(OutboxMessage).where(
        OutboxMessage.recipient == email, OutboxMessage.topic == "registration.confirm_email")
        .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"https?://[^/\s]+(/registration/confirm/[\w.\-]+)", message.body).group(1)


def manage_path(application) -> str:
    return f"/registration/{links.make_token(fresh(application), links.MANAGE)}"


def confirmed(client, meeting, **fields) -> Application:
    """An application made and confirmed through the pages; returns its row."""
    email = fields.setdefault("email", "someone@example.tw")
    assert apply(client, meeting, **fields).status_code == 302
    assert client.post(confirm_path(email)).status_code == 302
    return _db.session.scalars(_db.select(Application).where(Application.email == email)
                               .order_by(Application.id.desc())).first()


# The form (V1, W1)

def test_the_meeting_page_links_to_the_form_only_while_registration_is_open_W1(visitor, make):
    open_meeting, no_window = make.open_meeting(), make.meeting()
    make.commit()
    assert f'href="/meetings/{open_meeting.id}/register"' in text_of(visitor.get(f"/meetings/{open_meeting.id}"))
    page = text_of(visitor.get(f"/meetings/{no_window.id}"))
    assert "/register" not in page and "Apply to speak or observe" not in page


def test_the_form_offers_speak_or_observe_with_real_labels_and_the_cases_V1(visitor, make):
    meeting, hearing = make.open_meeting(cases=2), make.open_meeting()
    make.commit()
    response = visitor.get(f"/meetings/{meeting.id}/register")
    html = text_of(response)
    assert response.status_code == 200
    assert "<legend>I want to" in html and 'value="speak"' in html and 'value="observe"' in html
    assert "第1案" in html and "第2案" in html and 'name="case_ids"' in html
    assert 'href="/privacy/registration"' in html and "one year after the meeting" in html
    assert labels_without_their_field(html) == []
    for name in ("name", "organisation", "township", "village", "email", "phone", "party_concerned",
                 "party_statement", "consent"):
        assert f'<label for="{name}"' in html, name
    assert 'aria-describedby="email-help"' in html
    hearing_form = text_of(visitor.get(f"/meetings/{hearing.id}/register"))
    assert 'name="case_ids"' not in hearing_form and 'name="kind"' in hearing_form


def test_an_application_waits_for_confirmation_and_the_mail_carries_the_link_V6(visitor, make):
    meeting = make.open_meeting(cases=2)
    make.commit()
    case = meeting.cases[1]
    response = apply(visitor, meeting, case_ids=[str(case.id)], organisation="臺灣環境資訊協會",
                     township="北屯區", village="同榮里", phone="0912-345-678", party_concerned="y",
                     party_statement="我住在本案範圍內")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/meetings/{meeting.id}/register/sent")
    page = text_of(visitor.get(response.headers["Location"]))
    assert "We sent an e-mail to ming@example.tw" in page and "counts only once you open the link" in page
    application = _db.session.scalars(_db.select(Application)).one()
    assert (application.status, application.kind, application.locale) == ("unconfirmed", "speak", "en")
    assert [r.case_id for r in application.requests] == [case.id] and application.requests[0].claim == "pending"
    assert application.village_key and application.confirmed_at is None
    assert confirm_path("ming@example.tw").startswith("/registration/confirm/")


@pytest.mark.parametrize("window", ["not_open", "closed", "cancelled", "none"])
def test_outside_the_window_the_form_says_why_and_accepts_nothing_W1(visitor, make, window):
    now = make.now()
    meeting = {
        "not_open": lambda: make.meeting(registration_opens_at=now + timedelta(days=1),
                                         registration_closes_at=now + timedelta(days=5), start=now + timedelta(days=9)),
        "closed": lambda: make.meeting(registration_opens_at=now - timedelta(days=5),
                                       registration_closes_at=now - timedelta(minutes=1), start=now + timedelta(days=9)),
        "cancelled": lambda: make.open_meeting(status="cancelled", reason="颱風停班"),
        "none": lambda: make.meeting(contact="電話 04-1234-5678"),
    }[window]()
    make.commit()
    expected = {"not_open": "Registration for this meeting has not opened yet.",
                "closed": "The registration deadline for this meeting has passed",
                "cancelled": "This meeting has been cancelled, so it takes no applications.",
                "none": "This meeting takes no applications online"}[window]
    shown = visitor.get(f"/meetings/{meeting.id}/register")
    assert shown.status_code == 200 and expected in text_of(shown) and 'name="email"' not in text_of(shown)
    refused = apply(visitor, meeting)
    assert refused.status_code == 409 and expected in text_of(refused) and "Nothing was saved." in text_of(refused)
    assert count(Application) == 0 and count(OutboxMessage) == 0


def test_closed_window_accepts_nothing_W1(visitor, make, monkeypatch):
    meeting = make.open_meeting()
    make.commit()
    monkeypatch.setattr(registration_views, "utcnow", lambda: meeting.registration_closes_at + timedelta(seconds=1))
    response = apply(visitor, meeting)
    assert response.status_code == 409 and "Registration has closed" in text_of(response)
    assert count(Application) == 0


def test_drafts_and_unknown_meetings_are_404(visitor, make):
    draft = make.meeting(status="draft", registration_opens_at=make.now() - timedelta(days=1),
                         registration_closes_at=make.now() + timedelta(days=5))
    make.commit()
    for url in (f"/meetings/{draft.id}/register", "/meetings/987654/register", "/meetings/99999999999/register",
                f"/meetings/{draft.id}/register/sent"):
        assert visitor.get(url).status_code == 404, url
    assert apply(visitor, draft).status_code == 404
    assert count(Application) == 0


def test_missing_consent_is_refused_beside_the_field_keeping_the_input(visitor, make):
    meeting = make.open_meeting()
    make.commit()
    response = apply(visitor, meeting, consent=None, organisation="荒野保護協會")
    assert response.status_code == 400
    assert field_error(response, "consent").startswith("Please read and agree to the personal-data notice")
    html = text_of(response)
    assert 'value="王小明"' in html and 'value="荒野保護協會"' in html and 'class="error-summary"' in html
    assert count(Application) == 0 and count(OutboxMessage) == 0


def test_a_party_concerned_must_say_how_V6(visitor, make):
    meeting = make.open_meeting()
    make.commit()
    response = apply(visitor, meeting, party_concerned="y", party_statement="   ")
    assert response.status_code == 400
    assert field_error(response, "party_statement").startswith("Say briefly how the case concerns you")
    assert count(Application) == 0
    observer = apply(visitor, meeting, kind="observe", party_concerned="y", party_statement="")
    assert observer.status_code == 302  # observers make no claim


def test_a_speaker_chooses_a_case_of_this_meeting(visitor, make):
    meeting, other = make.open_meeting(cases=2), make.open_meeting(cases=1)
    make.commit()
    none = apply(visitor, meeting)
    assert none.status_code == 400 and field_error(none, "case_ids") == "Choose at least one case you want to speak on."
    for bad in ([str(other.cases[0].id)], ["abc"], ["1e3"], ["99999999999999999999"], [""]):
        response = apply(visitor, meeting, case_ids=bad)
        assert response.status_code == 400, bad
        assert field_error(response, "case_ids") == "Choose the cases from the list.", bad
    assert count(Application) == 0


def test_a_second_application_of_the_same_person_is_refused_when_confirmed_V5(visitor, make):
    meeting = make.open_meeting()
    make.application(meeting, email="same@example.tw")
    make.commit()
    # The form does not tell a stranger whether an address has applied; its owner learns it on confirming.
    assert apply(visitor, meeting, email=" SAME@example.tw ").status_code == 302
    refused = visitor.post(confirm_path("SAME@example.tw"))
    assert refused.status_code == 409
    assert "You already have an application for this meeting" in text_of(refused)
    assert count(Application, Application.status == "active") == 1


def test_a_group_that_already_has_a_speaker_is_refused_whatever_the_spelling_V5(visitor, make):
    meeting = make.open_meeting()
    make.application(meeting, organisation="臺灣環境資訊協會")
    make.commit()
    response = apply(visitor, meeting, organisation="台灣 環境資訊協會")
    assert response.status_code == 400
    assert field_error(response, "organisation").startswith("Your organisation already has a speaker on")
    assert count(Application) == 1
    assert apply(visitor, meeting, kind="observe", organisation="台灣環境資訊協會").status_code == 302


def test_a_suspended_person_is_told_whom_to_contact_and_not_why_V15(visitor, make):
    meeting = make.open_meeting(contact="國土計畫科 04-2222-3333")
    desk.suspend_person(meeting.organizer, {"email": "noisy@example.tw", "reason": "多次干擾會議秩序",
                                            "until": date.today() + timedelta(days=90)}, actor=None, now=make.now())
    make.commit()
    submitted = apply(visitor, meeting, email="Noisy@example.tw")
    assert submitted.status_code == 302 and "Please contact the secretariat" not in text_of(visitor.get(
        submitted.headers["Location"]))  # nothing revealed to whoever typed the address
    response = visitor.post(confirm_path("Noisy@example.tw"))
    assert response.status_code == 409
    assert "Please contact the secretariat: 國土計畫科 04-2222-3333" in text_of(response)
    assert "干擾" not in text_of(response)
    assert count(Application, Application.status == "active") == 0


@pytest.mark.parametrize("fields, field", [
    ({"name": "王" * 81}, "name"),
    ({"name": "   "}, "name"),
    ({"organisation": "協" * 121}, "organisation"),
    ({"township": "區" * 41}, "township"),
    ({"village": "里" * 41, "township": "北屯區"}, "village"),
    ({"village": "同榮里"}, "village"),
    ({"email": "not-an-address"}, "email"),
    ({"email": ""}, "email"),
    ({"email": "a" * 250 + "@example.tw"}, "email"),
    ({"phone": "⑳" * 40}, "phone"),  # 40 characters, but 80 digits once normalised
    ({"name": "ﷺ" * 10}, "name"),  # NFKC turns each into 18 characters
    ({"party_concerned": "y", "party_statement": "x" * 2001}, "party_statement"),
    ({"kind": "chair"}, "kind"),
    ({"kind": None}, "kind"),
])
def test_bad_input_is_a_400_beside_its_field_never_a_500(visitor, make, fields, field):
    meeting = make.open_meeting()
    make.commit()
    response = apply(visitor, meeting, **fields)
    assert response.status_code == 400
    assert field_error(response, field), field
    assert count(Application) == 0


def test_the_only_case_of_a_one_case_meeting_needs_no_tick_V1(visitor, make):
    meeting = make.open_meeting(cases=1)
    make.commit()
    assert apply(visitor, meeting).status_code == 302
    assert [r.case_id for r in _db.session.scalars(_db.select(SpeakingRequest))] == [meeting.cases[0].id]


def test_every_page_renders_in_the_default_language(client, make):
    meeting = make.open_meeting(cases=2)
    make.commit()
    assert client.get(f"/meetings/{meeting.id}/register").status_code == 200
    response = client.post(f"/meetings/{meeting.id}/register",
                           data=form(case_ids=[str(meeting.cases[0].id)], email="zh@example.tw"))
    assert response.status_code == 302 and client.get(response.headers["Location"]).status_code == 200
    path = confirm_path("zh@example.tw")
    assert client.get(path).status_code == 200
    manage = client.post(path).headers["Location"]
    assert client.get(manage).status_code == 200 and client.get("/privacy/registration").status_code == 200
    assert "王○○" in text_of(client.get(f"/meetings/{meeting.id}"))
    assert _db.session.scalars(_db.select(Application)).one().locale == "zh_Hant_TW"


def test_the_check_your_email_page_without_an_application_is_generic(visitor, make):
    meeting = make.open_meeting()
    make.commit()
    page = text_of(visitor.get(f"/meetings/{meeting.id}/register/sent"))
    assert "If you applied, we sent an e-mail" in page


# The confirmation link (V6)

def test_the_link_shows_a_button_and_only_the_post_confirms_V6(visitor, make):
    meeting = make.open_meeting()
    make.commit()
    apply(visitor, meeting)
    path = confirm_path("ming@example.tw")
    page = visitor.get(path)
    assert page.status_code == 200 and "Confirm my application" in text_of(page) and "王小明" in text_of(page)
    assert page.headers["Cache-Control"] == "no-store"
    assert count(Application, Application.status == "unconfirmed") == 1  # a GET confirms nothing
    response = visitor.post(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/registration/")
    application = _db.session.scalars(_db.select(Application)).one()
    assert application.status == "active" and application.confirmed_at is not None
    manage = visitor.get(response.headers["Location"])
    html = text_of(manage)
    assert manage.status_code == 200
    assert any(f.startswith("Your application is confirmed. Its time of application is") for f in flashes(manage))
    assert application.check_in_code in html and 'src="data:image/svg+xml' in html
    assert f"QR code of your check-in code {application.check_in_code}" in html
    assert "you have speaking place 1" in html and re.search(r"[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} 20\d\d", html)
    assert f'href="/meetings/{meeting.id}.ics"' in html
    assert 'style="' not in html and "<style" not in html and "<script" not in html


def test_confirming_twice_says_so_and_does_not_reveal_the_management_link_V6(visitor, make):
    meeting = make.open_meeting()
    make.commit()
    apply(visitor, meeting)
    path = confirm_path("ming@example.tw")
    manage = visitor.post(path).headers["Location"]
    for again in (visitor.get(path), visitor.post(path)):
        assert again.status_code == 409
        assert "already confirmed or closed" in text_of(again)
        assert manage not in text_of(again) and "/registration/" not in text_of(again).replace(path, "")
    assert count(Application, Application.status == "active") == 1


def test_an_expired_confirmation_link_asks_to_apply_again(visitor, make, monkeypatch):
    meeting = make.open_meeting()
    make.commit()
    apply(visitor, meeting)
    monkeypatch.setattr(links, "CONFIRM_MAX_AGE", -1)
    path = confirm_path("ming@example.tw")
    for response in (visitor.get(path), visitor.post(path)):
        assert response.status_code == 410 and "This link has expired" in text_of(response)
    assert count(Application, Application.status == "unconfirmed") == 1


def test_an_old_signed_link_is_expired_not_invalid(visitor, make, app):
    meeting = make.open_meeting()
    make.application(meeting, confirm=False, email="old@example.tw")
    make.commit()
    application = _db.session.scalars(_db.select(Application)).one()

    class SignedIn2001(TimestampSigner):
        def get_timestamp(self):
            return 1_000_000_000
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=links.CONFIRM, signer=SignedIn2001)
    token = serializer.dumps([application.id, application.nonce])
    assert visitor.get(f"/registration/confirm/{token}").status_code == 410


def test_forged_altered_or_revoked_links_are_not_valid(visitor, make, app):
    meeting = make.open_meeting()
    make.commit()
    apply(visitor, meeting)
    path = confirm_path("ming@example.tw")
    application = _db.session.scalars(_db.select(Application)).one()
    token = path.rsplit("/", 1)[1]
    foreign = URLSafeTimedSerializer("another-secret", salt=links.CONFIRM).dumps([application.id, application.nonce])
    unknown = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=links.CONFIRM).dumps([987654, "x"])
    wrong_nonce = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=links.CONFIRM).dumps([application.id, "x"])
    manage_token = links.make_token(application, links.MANAGE)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", "x" * 5000, foreign, unknown,
                wrong_nonce, manage_token):
        for response in (visitor.get(f"/registration/confirm/{bad}"), visitor.post(f"/registration/confirm/{bad}")):
            assert response.status_code == 404 and "This link is not valid" in text_of(response)
    for bad in (token, "nonsense", f"{manage_token}x"):
        assert visitor.get(f"/registration/{bad}").status_code == 404
        assert visitor.post(f"/registration/{bad}/cancel", data={"confirm": "y"}).status_code == 404
    assert count(Application, Application.status == "unconfirmed") == 1


def test_a_new_nonce_revokes_the_old_links(visitor, make):
    meeting = make.open_meeting()
    person = make.application(meeting)
    make.commit()
    old = manage_path(person)
    person = fresh(person)
    person.nonce = links.new_nonce()
    make.commit()
    assert visitor.get(old).status_code == 404
    assert visitor.get(manage_path(person)).status_code == 200


def test_confirming_after_the_deadline_is_refused_W1(visitor, make, monkeypatch):
    meeting = make.open_meeting()
    make.commit()
    apply(visitor, meeting)
    path = confirm_path("ming@example.tw")
    monkeypatch.setattr(registration_views, "utcnow", lambda: meeting.registration_closes_at + timedelta(seconds=1))
    for response in (visitor.get(path), visitor.post(path)):
        assert response.status_code == 409
        assert "Registration has closed" in text_of(response) and "Confirm my application" not in text_of(response)
    assert count(Application, Application.status == "active") == 0


def test_confirming_for_a_cancelled_meeting_is_refused(visitor, make):
    meeting = make.open_meeting()
    make.commit()
    apply(visitor, meeting)
    meeting_services.cancel_meeting(fresh(meeting), reason="颱風停班", actor=None, now=make.now())
    make.commit()
    response = visitor.post(confirm_path("ming@example.tw"))
    assert response.status_code == 409 and "This meeting is cancelled" in text_of(response)
    assert count(Application, Application.status == "active") == 0


def test_a_person_suspended_before_confirming_is_refused_neutrally_V15(visitor, make):
    meeting = make.open_meeting(contact="國土計畫科")
    make.commit()
    apply(visitor, meeting)
    desk.suspend_person(fresh(meeting).organizer, {"email": "ming@example.tw", "reason": "干擾會議",
                                                   "until": date.today() + timedelta(days=30)},
                        actor=None, now=make.now())
    make.commit()
    response = visitor.post(confirm_path("ming@example.tw"))
    assert response.status_code == 409
    html = text_of(response)
    assert "Please contact the secretariat" in html and "國土計畫科" in html and "干擾" not in html
    assert count(Application, Application.status == "active") == 0


def test_applying_again_before_confirming_keeps_the_pending_application_and_mails_once_V5(visitor, make):
    meeting = make.open_meeting()
    make.commit()
    apply(visitor, meeting)
    first = confirm_path("ming@example.tw")
    again = apply(visitor, meeting, kind="observe", email="Ming+again@example.tw")
    assert again.status_code == 302  # answered as any application is: nothing disclosed
    assert confirm_path("ming@example.tw") == first
    assert count(Application) == 1
    assert count(OutboxMessage, OutboxMessage.topic == "registration.confirm_email") == 1
    assert visitor.post(first).status_code == 302
    assert count(Application, Application.status == "active") == 1
    assert Application.query.one().kind == "speak"  # the link confirms the details it was sent for


def test_a_pending_speaker_whose_group_got_a_speaker_meanwhile_is_refused_V5(visitor, make):
    meeting = make.open_meeting()
    make.commit()
    apply(visitor, meeting, organisation="臺中市 環境保護聯盟")
    make.application(fresh(meeting), organisation="台中市環境保護聯盟")
    make.commit()
    response = visitor.post(confirm_path("ming@example.tw"))
    assert response.status_code == 409 and "Your organisation already has a speaker" in text_of(response)
    assert count(SpeakingRequest, SpeakingRequest.active.is_(True)) == 1


def test_a_busy_lock_is_a_503_to_try_again_with_nothing_saved(visitor, make, monkeypatch):
    meeting = make.open_meeting()
    make.commit()
    apply(visitor, meeting)

    def busy(*args, **kwargs):
        raise Busy()
    monkeypatch.setattr(registration_views, "confirm_application", busy)
    response = visitor.post(confirm_path("ming@example.tw"))
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Nothing was saved" in text_of(response)
    assert count(Application, Application.status == "active") == 0


# The applicant's page and cancelling (W4)

def test_the_management_page_of_a_waiting_application_has_no_code(visitor, make):
    meeting = make.open_meeting()
    person = make.application(meeting, kind="observe", confirm=False)
    make.commit()
    html = text_of(visitor.get(manage_path(person)))
    assert "Waiting for e-mail confirmation" in html and "data:image/svg+xml" not in html


def test_cancelling_needs_the_box_ticked_W4(visitor, make):
    meeting = make.open_meeting()
    person = make.application(meeting)
    make.commit()
    response = visitor.post(f"{manage_path(person)}/cancel", data={})
    assert response.status_code == 400
    assert field_error(response, "confirm") == "Tick the box to confirm that you want to cancel."
    assert fresh(person).status == "active"


def test_cancelling_frees_the_place_and_a_second_cancel_is_explained_W4(visitor, make):
    meeting = make.open_meeting(start=make.now() + timedelta(days=20))
    person = make.application(meeting)
    make.commit()
    path = manage_path(person)
    page = text_of(visitor.get(path))
    assert "If you cannot come, please cancel by" in page and "less than 3 days away" not in page
    response = visitor.post(f"{path}/cancel", data={"confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"] == path
    after = visitor.get(path)
    assert flashes(after) == ["Your application is cancelled."]
    assert "Cancelled on" in text_of(after) and 'action="' + path + '/cancel"' not in text_of(after)
    assert fresh(person).status == "cancelled"
    again = visitor.post(f"{path}/cancel", data={"confirm": "y"})
    assert again.status_code == 302
    assert flashes(visitor.get(path)) == ["This application is no longer active (it was cancelled or not accepted)."]


def test_a_late_cancellation_is_allowed_with_the_reminder_W4(visitor, make):
    meeting = make.open_meeting(start=make.now() + timedelta(days=2))
    person = make.application(meeting)
    make.commit()
    path = manage_path(person)
    page = text_of(visitor.get(path))
    assert "The meeting is less than 3 days away. You can still cancel" in page
    assert page.index("less than 3 days away") < page.index('type="submit" class="danger"')
    visitor.post(f"{path}/cancel", data={"confirm": "y"})
    shown = flashes(visitor.get(path))
    assert shown[0] == "Your application is cancelled." and "at least 3 days before" in shown[1]
    assert fresh(person).status == "cancelled"


def test_the_privacy_notice_has_its_own_page(visitor):
    page = text_of(visitor.get("/privacy/registration"))
    assert "one year after the meeting" in page and "The organizer's secretariat sees everything you give" in page


# The public list of speakers (V3, V6)

def test_the_public_speaker_list_masks_names_and_shows_no_contact_details(visitor, make):
    meeting = make.open_meeting(cases=1)
    make.application(meeting, name="王小明", organisation="荒野保護協會", email="wang@example.tw",
                     phone="0912345678", case_ids=[meeting.cases[0].id], township="北屯區", village="同榮里")
    make.application(meeting, name="Alice Chen", email="alice@example.tw", case_ids=[meeting.cases[0].id])
    make.application(meeting, "observe", name="李大華", email="lee@example.tw")
    make.commit()
    html = text_of(visitor.get(f"/meetings/{meeting.id}"))
    assert "Speakers with a place" in html
    assert "王○○（荒野保護協會）" in html and "A○○ C○○" in html
    for secret in ("王小明", "wang@example.tw", "0912345678", "同榮里", "Alice", "alice@example.tw", "李大", "lee@"):
        assert secret not in html, secret


def test_a_new_allocation_shows_at_once_on_the_cached_meeting_page(visitor, make, app):
    meeting = make.open_meeting()
    make.commit()
    other = app.test_client()  # the applicant's own browser; the visitor's pages come from the cache
    url = f"/meetings/{meeting.id}"
    assert "Speakers with a place" not in text_of(visitor.get(url))
    assert "Speakers with a place" not in text_of(visitor.get(url))
    person = confirmed(other, meeting, name="陳美玲", email="mei@example.tw")
    assert "陳○○" in text_of(visitor.get(url))
    other.post(f"{manage_path(person)}/cancel", data={"confirm": "y"})
    assert "陳○○" not in text_of(visitor.get(url))


# Limits and forgery

def test_register_confirm_and_cancel_posts_are_rate_limited(app_with, make):
    meeting = make.open_meeting()
    make.commit()
    limited = app_with(RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="2 per minute")
    client = limited.test_client()
    for _ in range(2):
        assert client.post(f"/meetings/{meeting.id}/register", data=form(consent=None)).status_code == 400
    response = client.post(f"/meetings/{meeting.id}/register", data=form())
    assert response.status_code == 429
    assert client.get(f"/meetings/{meeting.id}/register").status_code == 200  # reading is not limited
    for _ in range(2):
        client.post("/registration/confirm/nonsense")
    assert client.post("/registration/confirm/nonsense").status_code == 429
    with limited.app_context():
        assert count(Application) == 0


def test_the_forms_need_their_csrf_token(app_with, make):
    meeting = make.open_meeting()
    person = make.application(meeting)
    make.commit()
    guarded = app_with(WTF_CSRF_ENABLED=True)
    client = guarded.test_client()
    assert client.post(f"/meetings/{meeting.id}/register", data=form()).status_code == 400
    with guarded.test_request_context():
        path = manage_path(person)
    response = client.post(f"{path}/cancel", data={"confirm": "y"})
    assert response.status_code == 400 and fresh(person).status == "active"
    assert 'name="csrf_token"' in client.get(f"/meetings/{meeting.id}/register").get_data(as_text=True)
    with guarded.app_context():
        assert count(Application) == 1


def test_a_full_meeting_says_so_before_anyone_applies_V3_V7(visitor, make):
    meeting = make.open_meeting(make.organizer(gallery_seats=1), overflow_room="一樓大禮堂")
    assert "Places already taken" not in text_of(visitor.get(f"/meetings/{meeting.id}/register"))
    base = make.now()
    for n in range(meeting.speaker_cap + 2):
        make.application(meeting, at=base + timedelta(seconds=n))
    make.application(meeting, "observe", at=base + timedelta(seconds=30))
    make.commit()
    page = text_of(visitor.get(f"/meetings/{meeting.id}/register"))
    assert (f"{meeting.title}: all 5 online speaking places are taken and 2 people are on the waiting list"
            in page)
    assert "All gallery seats (1) are taken: new observers are seated in the overflow room, 一樓大禮堂" in page


def test_only_people_with_a_place_are_told_to_exchange_their_code_for_a_badge_V2(visitor, make, app):
    meeting = make.open_meeting()
    base = make.now()
    people = [make.application(meeting, at=base + timedelta(seconds=n)) for n in range(meeting.speaker_cap + 1)]
    make.commit()
    with app.test_request_context():
        seated, waiting = text_of(visitor.get(manage_path(people[0]))), text_of(visitor.get(manage_path(people[-1])))
    assert "to receive your badge" in seated and "You have no place yet" not in seated
    assert "You have no place yet" in waiting and "to receive your badge" not in waiting


def test_the_chinese_error_summary_uses_full_width_colons(client, make):
    meeting = make.open_meeting()
    make.commit()
    response = client.post(f"/meetings/{meeting.id}/register", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "我要：" in html and "我要: " not in html
