"""The sign-in desk's services on both engines (V2): find, sign in with a badge, undo (audited), walk-ins
allocated by the same rules (V4, V7), waitlisted and refused people told why, live counts, and passing
over an absent speaker to the next waitlisted person who is present."""
from datetime import timedelta

import pytest

from app.audit import AuditEntry
from app.dayof import signin
from app.dayof.counts import desk_counts
from app.dayof.signin_models import SignIn
from app.registrations import desk, services
from app.registrations.models import Application
from app.rules import allocation as rules
from app.violations import RuleViolation


@pytest.fixture
def day(make):
    """A two-case meeting with 2 online places per case: on case 1, four speakers (two waitlisted)."""
    org = make.organizer(speaker_cap=2)
    meeting = make.open_meeting(org, cases=2, gallery_seats=2)
    case = meeting.cases[0]
    base = make.now()
    speakers = [make.application(meeting, name=f"講者{i}", organisation=f"團體{i}", phone=f"0912-000-00{i}",
                                 case_ids=[case.id], at=base + timedelta(seconds=i)) for i in range(4)]
    staff = make.staff("secretariat", org)
    make.commit()
    return meeting, speakers, staff


def place(application):
    request = application.requests[0]
    return request.outcome, request.position


def test_find_by_code_name_organisation_and_phone_V2(app, make, db, day):
    meeting, speakers, _ = day
    code = speakers[2].check_in_code
    assert signin.find_people(meeting, f" {code[:4].lower()}-{code[4:].lower()} ") == [speakers[2]]
    assert signin.find_people(meeting, "講者1") == [speakers[1]]
    assert signin.find_people(meeting, "團體3") == [speakers[3]]
    assert signin.find_people(meeting, "0912000002") == [speakers[2]]
    assert signin.find_people(meeting, "100%") == []  # a wildcard typed is a character, not a pattern
    other = make.open_meeting(make.organizer())
    assert signin.find_people(other, "講者1") == []


def test_sign_in_records_the_badge_and_is_audited_V2(app, make, db, day):
    meeting, speakers, staff = day
    found = signin.application_by_code(meeting, speakers[0].check_in_code.lower())
    record = signin.sign_in(meeting, found, badge="１２", actor=staff, now=make.now())
    db.session.commit()
    assert record.badge == "12" and record.is_live and record.actor_id == staff.id
    assert signin.signed_in_application_ids(meeting.id) == {speakers[0].id}
    entry = AuditEntry.query.filter_by(action="dayof.signed_in", target_id=speakers[0].id).one()
    assert entry.actor_id == staff.id and entry.details["badge"] == "12"
    assert signin.suggested_badge(meeting.id) == "13"


def test_a_second_sign_in_or_a_badge_held_by_another_changes_nothing_V2(app, make, db, day):
    meeting, speakers, staff = day
    signin.sign_in(meeting, speakers[0], badge="7", actor=staff, now=make.now())
    db.session.commit()
    with pytest.raises(RuleViolation) as twice:
        signin.sign_in(meeting, speakers[0], badge="8", actor=staff, now=make.now())
    assert twice.value.problems[0].code == "already_signed_in"
    with pytest.raises(RuleViolation) as taken:
        signin.sign_in(meeting, speakers[1], badge="7", actor=staff, now=make.now())
    assert taken.value.problems[0].code == "badge_taken"
    db.session.rollback()
    assert SignIn.query.count() == 1


def test_the_database_refuses_a_second_live_sign_in_by_name(app, make, db, day):
    meeting, speakers, staff = day
    signin.sign_in(meeting, speakers[0], badge="", actor=staff, now=make.now())
    db.session.commit()
    db.session.add(SignIn(meeting_id=meeting.id, application_id=speakers[0].id, badge="", signed_in_at=make.now()))
    from sqlalchemy.exc import IntegrityError

    from app.dayof.signin_models import ONE_SIGN_IN_INDEX
    from app.violations import constraint_name
    with pytest.raises(IntegrityError) as refused:
        db.session.flush()
    assert constraint_name(refused.value) == ONE_SIGN_IN_INDEX
    db.session.rollback()


def test_undo_is_audited_and_a_second_undo_changes_nothing(app, make, db, day):
    meeting, speakers, staff = day
    record = signin.sign_in(meeting, speakers[0], badge="3", actor=staff, now=make.now())
    db.session.commit()
    signin.undo_sign_in(meeting, record.id, actor=staff, now=make.now())
    db.session.commit()
    assert signin.signed_in_application_ids(meeting.id) == set()
    entry = AuditEntry.query.filter_by(action="dayof.sign_in_undone", target_id=speakers[0].id).one()
    assert entry.actor_id == staff.id and entry.details["badge"] == "3"
    with pytest.raises(RuleViolation) as again:
        signin.undo_sign_in(meeting, record.id, actor=staff, now=make.now())
    assert again.value.problems[0].code == "sign_in_already_undone"
    # the badge is free again, and the person can be signed in once more
    signin.sign_in(meeting, speakers[1], badge="3", actor=staff, now=make.now())
    signin.sign_in(meeting, speakers[0], badge="4", actor=staff, now=make.now())
    db.session.commit()
    assert signin.signed_in_application_ids(meeting.id) == {speakers[0].id, speakers[1].id}


def test_unknown_code_and_another_meetings_code_change_nothing(app, make, db, day):
    meeting, speakers, staff = day
    other = make.open_meeting(meeting.organizer)
    stranger = make.application(other)
    for typed, code in (("ZZZZZZZZ", "code_unknown"), (stranger.check_in_code, "code_other_meeting"), ("", "code_required")):
        with pytest.raises(RuleViolation) as refused:
            signin.application_by_code(meeting, typed)
        assert refused.value.problems[0].code == code
    with pytest.raises(RuleViolation) as refused:
        signin.sign_in(meeting, stranger, badge="", actor=staff, now=make.now())
    assert refused.value.problems[0].code == "code_other_meeting"
    assert SignIn.query.count() == 0


def test_refused_person_is_told_the_reason_and_not_signed_in(app, make, db, day):
    meeting, speakers, staff = day
    desk.reject_application(speakers[3], reason="同一人重複報名", actor=staff, now=make.now())
    db.session.commit()
    with pytest.raises(RuleViolation) as refused:
        signin.sign_in(meeting, speakers[3], badge="", actor=staff, now=make.now())
    problem = refused.value.problems[0]
    assert problem.code == "refused_at_desk" and problem.params["reason"] == "同一人重複報名"
    services.cancel_application(speakers[1], now=make.now())
    with pytest.raises(RuleViolation) as cancelled:
        signin.sign_in(meeting, speakers[1], badge="", actor=staff, now=make.now())
    assert cancelled.value.problems[0].code == "cancelled_at_desk"


def test_waitlisted_person_is_signed_in_and_keeps_their_waiting_number_V2_V6(app, make, db, day):
    meeting, speakers, staff = day
    assert place(speakers[3]) == (rules.WAITLISTED, 2)
    signin.sign_in(meeting, speakers[3], badge="1", actor=staff, now=make.now())
    db.session.commit()
    assert place(speakers[3]) == (rules.WAITLISTED, 2)


def test_walk_in_speaker_is_allocated_among_other_channels_and_signed_in_V4(app, make, db, day):
    meeting, _, staff = day
    data = dict(kind="speak", name="現場民眾", organisation="", phone="0933-111-222", email="", interest_group="",
                case_ids=[meeting.cases[0].id], township="", village="", locale="zh_Hant_TW")
    walk_in = signin.record_walk_in(meeting, data, badge="21", actor=staff, now=make.now())
    db.session.commit()
    assert walk_in.channel == "onsite" and walk_in.pool == rules.OTHER
    assert place(walk_in) == (rules.ALLOCATED, 1)  # V4: the places for other channels, apart from online ones
    assert signin.live_sign_ins(meeting.id)[walk_in.id].badge == "21"
    with pytest.raises(RuleViolation) as again:  # the same person, the form sent twice
        signin.record_walk_in(meeting, data, badge="22", actor=staff, now=make.now())
    assert again.value.problems[0].code == "already_applied_phone_staff"


def test_walk_in_observers_fill_the_gallery_then_the_overflow_room_V7(app, make, db, day):
    meeting, _, staff = day
    seated = []
    for n in range(3):
        seated.append(signin.record_walk_in(meeting, dict(kind="observe", name=f"旁聽者{n}", phone=f"0955-000-00{n}",
                                                          email=""), badge=str(30 + n), actor=staff, now=make.now()))
    db.session.commit()
    assert [a.outcome for a in seated] == [rules.GALLERY, rules.GALLERY, rules.OVERFLOW]
    counts = desk_counts(meeting)
    assert (counts.gallery_left, counts.gallery_held, counts.overflow_held) == (0, 2, 1)
    assert (counts.gallery_signed_in, counts.overflow_signed_in, counts.signed_in) == (2, 1, 3)


def test_live_counts_per_case_signed_in_and_holding_a_place(app, make, db, day):
    meeting, speakers, staff = day
    signin.sign_in(meeting, speakers[0], badge="", actor=staff, now=make.now())
    signin.sign_in(meeting, speakers[3], badge="", actor=staff, now=make.now())
    db.session.commit()
    counts = desk_counts(meeting)
    first, second = counts.cases
    assert (first.holding, first.holding_signed_in, first.waiting, first.waiting_signed_in) == (2, 1, 2, 1)
    assert (second.holding, second.waiting) == (0, 0)
    assert counts.signed_in == 2 and counts.gallery_left == 2


def test_absent_speaker_passed_over_and_place_given_to_first_present_waitlisted_V2(app, make, db, day):
    meeting, speakers, staff = day
    absent, first_waiting, second_waiting = speakers[1], speakers[2], speakers[3]
    signin.sign_in(meeting, second_waiting, badge="5", actor=staff, now=make.now())  # only the second is here
    db.session.commit()
    passed, given = signin.pass_over(meeting, absent.requests[0].id, actor=staff, now=make.now())
    db.session.commit()
    db.session.expire_all()
    assert (passed.id, given.id) == (absent.id, second_waiting.id)
    absent_request = db.session.get(Application, absent.id).requests[0]
    assert not absent_request.active and absent_request.reason == rules.PASSED_OVER_ABSENT
    given_request = db.session.get(Application, second_waiting.id).requests[0]
    assert (given_request.outcome, given_request.reason) == (rules.ALLOCATED, rules.GIVEN_FOR_ABSENT)
    assert given_request.given_at is not None
    assert place(db.session.get(Application, first_waiting.id)) == (rules.WAITLISTED, 1)
    audit = AuditEntry.query.filter_by(action="dayof.passed_over", target_id=absent.id).one()
    assert audit.details["place_given_to"] == second_waiting.id and audit.actor_id == staff.id
    assert AuditEntry.query.filter_by(action="dayof.place_given", target_id=second_waiting.id).one()
    # a later change re-runs the allocation: the given place stays given
    services.cancel_application(speakers[0], now=make.now())
    db.session.commit()
    db.session.expire_all()
    assert place(db.session.get(Application, second_waiting.id))[0] == rules.ALLOCATED
    assert place(db.session.get(Application, first_waiting.id)) == (rules.ALLOCATED, 2)


def test_pass_over_with_nobody_waiting_present_promotes_in_order_and_twice_changes_nothing(app, make, db, day):
    meeting, speakers, staff = day
    _, given = signin.pass_over(meeting, speakers[0].requests[0].id, actor=staff, now=make.now())
    db.session.commit()
    assert given is None
    db.session.expire_all()
    assert place(db.session.get(Application, speakers[2].id)) == (rules.ALLOCATED, 2)
    with pytest.raises(RuleViolation) as again:
        signin.pass_over(meeting, speakers[0].requests[0].id, actor=staff, now=make.now())
    assert again.value.problems[0].code == "not_holding_place"
    db.session.rollback()
    with pytest.raises(RuleViolation) as waiting:
        signin.pass_over(meeting, speakers[3].requests[0].id, actor=staff, now=make.now())
    assert waiting.value.problems[0].code == "not_holding_place"
    db.session.rollback()
    other = make.open_meeting(meeting.organizer)
    with pytest.raises(RuleViolation) as elsewhere:
        signin.pass_over(other, speakers[1].requests[0].id, actor=staff, now=make.now())
    assert elsewhere.value.problems[0].code == "speaker_unknown"


def test_the_audit_log_says_why_in_words(app, make, db, day):
    from app.labels import audit_details
    meeting, speakers, staff = day
    signin.pass_over(meeting, speakers[0].requests[0].id, actor=staff, now=make.now())
    entry = AuditEntry.query.filter_by(action="dayof.passed_over").one()
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert ("Reason", "Absent when the case was called") in audit_details(entry.details)
