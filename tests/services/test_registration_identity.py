"""Who "one applicant" is (V5, V15): the e-mail identity, not a name and phone anyone can type.

Issue 7: +tag variants of a confirmed address passed; a name and phone typed with one's own address
took another person's "one application" (squatting); typing a suspended person's phone disclosed
the suspension. Each test reproduces one weakness, on both engines.
"""
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.audit import AuditEntry
from app.registrations import desk
from app.registrations import services as registrations
from app.registrations.checks import admission_problems
from app.violations import RuleViolation, message_for


def suspend(make, meeting, **who):
    return desk.suspend_person(meeting.organizer, {"reason": "多次干擾會議秩序", "until": date.today() + timedelta(days=90),
                                                   **who}, actor=None, now=make.now())


def test_a_plus_tag_variant_of_a_confirmed_address_is_the_same_applicant_V5(make, db):
    meeting = make.open_meeting()
    make.application(meeting, email="ming@example.tw")
    variant = make.application(meeting, confirm=False, email="Ming+second@Example.TW")
    assert variant.email == "Ming+second@Example.TW"  # mail still goes to the address as typed
    with pytest.raises(RuleViolation) as refused:
        registrations.confirm_application(variant, now=make.now())
    assert refused.value.problems[0].code == "already_applied"


def test_the_database_refuses_a_second_active_plus_tag_variant_V5(make, db):
    # Were the check skipped, the partial unique index on the identity key still refuses it, and
    # the service recognises the index by its name on both engines.
    meeting = make.open_meeting()
    make.application(meeting, email="ming@example.tw")
    variant = make.application(meeting, confirm=False, email="ming+x@example.tw")
    with pytest.raises(RuleViolation) as refused:
        registrations.activate(variant, now=make.now())
    assert refused.value.problems[0].code == "already_applied"


def test_typing_another_persons_name_and_phone_does_not_take_their_place_V5(make, db):
    meeting = make.open_meeting()
    squatter = make.application(meeting, name="陳美玲", phone="0912-345-678", email="squatter@example.tw")
    owner = make.application(meeting, name="陳美玲", phone="+886 912 345 678", email="meiling@example.tw")
    assert owner.status == "active" and squatter.status == "active"
    assert owner.review_same_as_id == squatter.id and owner.needs_review  # staff see both
    assert not squatter.needs_review
    flagged = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.flagged")).one()
    assert flagged.target_id == owner.id and flagged.details["same_name_and_phone_as"] == squatter.id


def test_staff_recording_the_same_name_and_phone_is_refused_with_staff_words_V5(app, make, db):
    # Staff heard the caller: name and phone are verified on this path, so the second one is refused.
    meeting = make.open_meeting()
    make.application(meeting, name="林志明", phone="0933111222")
    with pytest.raises(RuleViolation) as refused:
        desk.record_other_channel(meeting, make.application_data(
            channel="phone", name="林志明", phone="0933-111-222", email=""), actor=None, now=make.now())
    assert [(p.field, p.code) for p in refused.value.problems] == [("phone", "already_applied_phone_staff")]
    with app.test_request_context(), force_locale("en"):
        assert "reject it first" in message_for(refused.value.problems[0])
    other = desk.record_other_channel(meeting, make.application_data(
        channel="phone", name="林志明", phone="0933-999-888", email=""), actor=None, now=make.now())
    assert other.status == "active"  # the same name with another phone is another person


@pytest.mark.parametrize("suspended_name", ["鬧場者", ""])
def test_staff_recording_a_suspended_persons_phone_is_refused_V15(app, make, db, suspended_name):
    meeting = make.open_meeting()
    suspend(make, meeting, name=suspended_name, phone="0955-123-456")
    with pytest.raises(RuleViolation) as refused:
        desk.record_other_channel(meeting, make.application_data(
            channel="onsite", name="鬧場者", phone="0955123456", email=""), actor=None, now=make.now())
    assert [(p.field, p.code) for p in refused.value.problems] == [("phone", "suspended_phone_staff")]
    with app.test_request_context(), force_locale("en"):
        assert "suspended" in message_for(refused.value.problems[0])


def test_a_suspended_persons_phone_neither_refuses_nor_discloses_V15(make, db):
    meeting = make.open_meeting()
    suspension = suspend(make, meeting, name="鬧場者", phone="0955-123-456")
    typist = make.application(meeting, confirm=False, name="鬧場者", phone="0955123456", email="other@example.tw")
    confirmed = registrations.confirm_application(typist, now=make.now())
    assert confirmed.status == "active"  # the same answer as for anyone: nothing to learn
    assert confirmed.review_suspension_id == suspension.id


def test_a_suspended_phone_with_another_name_is_not_flagged_V15(make, db):
    meeting = make.open_meeting()
    suspend(make, meeting, name="鬧場者", phone="0955-123-456")
    stranger = make.application(meeting, name="王大明", phone="0955123456")
    assert stranger.status == "active" and not stranger.needs_review


def test_a_suspension_holds_through_the_email_identity_whatever_the_tag_V15(make, db):
    meeting = make.open_meeting()
    suspend(make, meeting, email="noisy@example.tw")
    pending = make.application(meeting, confirm=False, email="NOISY+again@example.tw", phone="")
    with pytest.raises(RuleViolation) as refused:
        registrations.confirm_application(pending, now=make.now())
    assert refused.value.problems[0].code == "suspended"


def test_admission_problems_never_refuse_on_name_and_phone_V5_V15(make, db):
    meeting = make.open_meeting()
    make.application(meeting, name="陳美玲", phone="0912345678")
    suspend(make, meeting, name="陳美玲", phone="0912345678")
    problems = admission_problems(meeting, kind="observe", email_key="new@example.tw", name_key="陳美玲",
                                  phone_key="0912345678", org_key="", case_keys=[], now=make.now())
    assert problems == []


def test_an_address_in_chinese_is_refused_on_every_path_since_it_cannot_be_mailed(make, db):
    meeting = make.open_meeting()
    with pytest.raises(RuleViolation) as refused:
        make.application(meeting, email="小明@example.tw")
    assert [p.code for p in refused.value.problems] == ["email_not_ascii"]
    with pytest.raises(RuleViolation):
        desk.record_other_channel(meeting, make.application_data(channel="email", email="明@例子.台灣"),
                                  actor=None, now=make.now())


def test_a_full_width_address_is_stored_in_plain_letters_on_every_path(make, db):
    meeting = make.open_meeting()
    online = make.application(meeting, confirm=False, email="ｍｉｎｇ＠ｅｘａｍｐｌｅ．ｔｗ")
    recorded = desk.record_other_channel(meeting, make.application_data(channel="email", email="ｌｉｎ＠ｅｘａｍｐｌｅ．ｔｗ"),
                                         actor=None, now=make.now())
    assert (online.email, recorded.email) == ("ming@example.tw", "lin@example.tw")


def test_a_speaker_of_the_simplified_or_abbreviated_name_is_the_groups_second_V5(make, db):
    meeting = make.open_meeting()
    make.application(meeting, organisation="臺灣環境資訊協會")
    for spelling in ("台湾环境资讯协会", "臺灣環境資訊協會 (TEIA)", "台灣環境資訊協會（ＴＥＩＡ）"):
        with pytest.raises(RuleViolation) as refused:
            make.application(meeting, organisation=spelling)
        assert refused.value.problems[0].code == "group_has_speaker", spelling
