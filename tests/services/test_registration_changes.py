"""What happens to applications when staff change the meeting around them: cases added or removed,
settings changed on a draft, places lost or gained — and who is told (V3, V4, V5, V7)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.dbtypes import utcnow
from app.meetings import agenda
from app.meetings import services as meetings
from app.meetings.models import RuleDeparture
from app.outbox.models import OutboxMessage
from app.registrations import desk
from app.registrations import services as registrations
from app.registrations.retention import purge_personal_data
from app.violations import RuleViolation


def places(applications):
    return [(a.requests[0].case_key, a.requests[0].outcome, a.requests[0].position) for a in applications]


def mails(db, topic=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if topic:
        query = query.where(OutboxMessage.topic == topic)
    return list(db.session.scalars(query))


def speakers(make, meeting, n, *, after=timedelta(0), **fields):
    base = make.now() + after
    return [make.application(meeting, at=base + timedelta(seconds=i), **fields) for i in range(n)]


def test_the_first_case_added_takes_over_the_meeting_wide_speakers_and_keeps_the_cap_V3(make, db):
    meeting = make.open_meeting()
    early = speakers(make, meeting, 5)
    case = agenda.add_case(meeting, title="第一案", summary="", comment_minutes=None, actor=None, now=make.now())
    late = speakers(make, meeting, 5, after=timedelta(minutes=1), case_ids=[case.id])
    db.session.expire_all()
    assert places(early) == [(case.id, "allocated", n) for n in range(1, 6)]
    assert places(late) == [(case.id, "waitlisted", n) for n in range(1, 6)]


def test_a_case_people_applied_for_cannot_be_removed_until_they_are_dealt_with(make, db):
    meeting = make.open_meeting(cases=2)
    case = meeting.cases[0]
    person, = speakers(make, meeting, 1, case_ids=[case.id])
    with pytest.raises(RuleViolation) as refused:
        agenda.remove_part(meeting, case, actor=None, now=make.now())
    assert refused.value.problems[0].code == "case_has_applications"
    desk.reject_application(person, reason="重複申請", actor=None, now=make.now())
    agenda.remove_part(meeting, case, actor=None, now=make.now())
    assert [c.title for c in meeting.cases] == ["第2案"]


def test_fewer_gallery_seats_on_a_draft_move_recorded_observers_to_the_overflow_room_V7(make, db):
    meeting = make.meeting(status="draft")
    recorded = [desk.record_other_channel(meeting, make.application_data("observe", channel="phone"), actor=None,
                                          now=make.now() + timedelta(seconds=i)) for i in range(3)]
    data = {k: getattr(meeting, k) for k in (*meetings.DESCRIPTIVE_FIELDS, *meetings.SETTING_NAMES)}
    meetings.update_meeting(meeting, data | {"gallery_seats": 1}, actor=None, now=make.now(),
                            expected_sequence=meeting.sequence, departure_reason="場地較小")
    db.session.expire_all()
    assert [a.outcome for a in recorded] == ["gallery", "overflow", "overflow"]


def test_a_cancellation_mails_only_the_person_promoted_not_everyone_who_moved_up_V3(make, db):
    meeting = make.open_meeting()
    people = speakers(make, meeting, 8)
    before = len(mails(db))
    registrations.cancel_application(people[0], now=make.now())
    new = mails(db)[before:]
    assert sorted((m.recipient, m.topic) for m in new) == sorted([
        (people[0].email, "registration.cancelled"), (people[5].email, "registration.promoted")])


def test_losing_a_place_to_an_accepted_party_concerned_is_mailed_as_such_V6(make, db):
    meeting = make.open_meeting()
    people = speakers(make, meeting, 5)
    claimant = make.application(meeting, at=make.now() + timedelta(minutes=1), party_concerned=True,
                                party_statement="土地位於計畫範圍")
    desk.decide_claim(claimant.requests[0], accept=True, note="", actor=None, now=make.now())
    topics = {(m.recipient, m.topic) for m in mails(db) if m.topic in ("registration.promoted",
                                                                        "registration.waitlisted",
                                                                        "registration.claim_decided")}
    assert topics == {(claimant.email, "registration.claim_decided"), (people[4].email, "registration.waitlisted")}


def test_the_time_of_application_is_read_once_the_lock_is_held_V6(make, db):
    meeting = make.open_meeting()
    pending = make.application(meeting, confirm=False)
    before = utcnow()
    registrations.confirm_application(pending)
    assert before <= pending.confirmed_at <= utcnow()


def test_keys_that_grow_when_normalised_are_refused_not_a_database_error(make, db):
    meeting = make.open_meeting()
    with pytest.raises(RuleViolation) as refused:
        desk.record_other_channel(meeting, make.application_data(channel="phone", name="㍿" * 80, phone="⑳" * 40),
                                  actor=None, now=make.now())
    assert {p.field for p in refused.value.problems} >= {"name", "phone"}
    with pytest.raises(RuleViolation):
        desk.suspend_person(meeting.organizer, {"phone": "⑳" * 40, "reason": "干擾", "until": meeting.starts_at.date()},
                            actor=None, now=make.now())


def test_observers_have_no_pool_to_move_and_more_representatives_are_a_recorded_departure_V4(make, db):
    meeting = make.open_meeting()
    observer = make.application(meeting, "observe")
    with pytest.raises(RuleViolation) as refused:
        desk.move_pool(observer, pool="other", actor=None, now=make.now())
    assert refused.value.problems[0].code == "pool_for_speakers"
    desk.set_caps(meeting, speaker_cap=5, representative_cap=8, reason="利害關係團體眾多", actor=None, now=make.now())
    departure = db.session.scalars(select(RuleDeparture).where(RuleDeparture.setting == "representative_cap")).one()
    assert (departure.profile_value, departure.value) == (5, 8)


def test_purge_keeps_who_did_what_but_not_the_words_about_the_person(make, db):
    meeting = make.open_meeting()
    person = make.application(meeting)
    desk.reject_application(person, reason="同一人以紙本重複申請", actor=None, now=make.now())
    purge_personal_data(now=meeting.ends_at + timedelta(days=400))
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == "applications",
                                                               AuditEntry.target_id == person.id).order_by(AuditEntry.id)))
    assert [e.action for e in entries] == ["registration.submitted", "registration.confirmed",
                                           "registration.rejected"]
    assert all(e.details == {} for e in entries)


def test_each_shared_interest_has_its_own_representatives_from_other_channels_V4(make, db):
    meeting = make.open_meeting()
    desk.set_caps(meeting, speaker_cap=5, representative_cap=2, reason="每一共同利益團體二人", actor=None, now=make.now())

    def record(interest, n):
        return desk.record_other_channel(meeting, make.application_data(channel="paper", interest_group=interest),
                                         actor=None, now=make.now() + timedelta(seconds=n))
    owners = [record(name, n) for n, name in enumerate(["海埔地地主自救會", "海埔地地主 自救會", "海埔地地主自救會"])]
    farmers = [record("蘭陽農田水利小組", 10 + n) for n in range(2)]
    db.session.expire_all()
    assert [p[1:] for p in places(owners)] == [("allocated", 1), ("allocated", 2), ("waitlisted", 1)]
    assert [p[1:] for p in places(farmers)] == [("allocated", 1), ("allocated", 2)]


def test_fewer_places_than_are_held_need_staff_to_accept_the_losses_V3(make, db):
    meeting = make.open_meeting()
    people = speakers(make, meeting, 5)
    db.session.commit()
    with pytest.raises(RuleViolation) as refused:
        desk.set_caps(meeting, speaker_cap=3, representative_cap=5, reason="會場縮小", actor=None, now=make.now())
    assert (refused.value.problems[0].code, refused.value.problems[0].params) == ("cap_below_places_held",
                                                                                 {"count": 2})
    db.session.rollback()
    desk.set_caps(meeting, speaker_cap=3, representative_cap=5, reason="會場縮小", actor=None, now=make.now(),
                  accept_losses=True)
    db.session.expire_all()
    assert [p[1:] for p in places(people)] == [("allocated", 1), ("allocated", 2), ("allocated", 3),
                                               ("waitlisted", 1), ("waitlisted", 2)]
    assert {m.recipient for m in mails(db, "registration.waitlisted")} == {people[3].email, people[4].email}


def test_a_suspended_phone_typed_with_another_address_is_flagged_not_refused_V15(make, db):
    # The phone is not verified: refusing would tell whoever typed it that its owner is suspended.
    meeting = make.open_meeting()
    suspension = desk.suspend_person(meeting.organizer, {"name": "", "phone": "0955-123-456", "reason": "干擾議事",
                                                         "until": meeting.starts_at.date()}, actor=None, now=make.now())
    pending = make.application(meeting, confirm=False, name="另一個名字", phone="+886 955 123 456")
    confirmed = registrations.confirm_application(pending, now=make.now())
    assert confirmed.status == "active"
    assert confirmed.review_suspension_id == suspension.id and confirmed.needs_review


def test_invisible_characters_are_dropped_from_what_people_type(make, db):
    meeting = make.open_meeting()
    person = make.application(meeting, name="王\u202e小明\u200b", organisation="臺灣\u200b環境資訊協會",
                              party_concerned=True, party_statement="第一行\n第二行\u202e")
    assert (person.name, person.organisation) == ("王小明", "臺灣環境資訊協會")
    assert person.requests[0].party_statement == "第一行\n第二行"  # line breaks kept


def test_a_claim_on_a_cancelled_application_cannot_be_decided_V6(make, db):
    meeting = make.open_meeting()
    claimant = make.application(meeting, party_concerned=True, party_statement="地主")
    registrations.cancel_application(claimant, now=make.now())
    with pytest.raises(RuleViolation) as refused:
        desk.decide_claim(claimant.requests[0], accept=True, note="", actor=None, now=make.now())
    assert refused.value.problems[0].code == "not_active"
