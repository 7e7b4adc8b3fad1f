"""The re-allocation under the meeting's lock: plain rows in (the group aliases, the observers, the
speakers), only moved rows written, no ORM object loaded for the meeting's applications; a confirmation
recounts only its part of the allocation, and that always equals the whole recount (V3–V7)."""
import random
from datetime import timedelta

from sqlalchemy import event, select

from app.meetings.models import Meeting
from app.registrations import placing
from app.registrations.models import CANCELLED, Application, SpeakingRequest


def statements_during(db, work):
    """Run `work()`; return its result and the SQL statements it ran as (verb, executemany, rows)."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        rows = len(parameters) if executemany else 1
        seen.append((statement.split(None, 1)[0].upper(), executemany, rows))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        return work(), seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def cancel_behind_the_session(db, application):
    """Leave the allocation as a cancellation does, with a plain UPDATE (no ORM object touched)."""
    db.session.execute(Application.__table__.update().where(Application.id == application.id)
                       .values(status=CANCELLED, outcome=None, position=None))
    db.session.execute(SpeakingRequest.__table__.update().where(SpeakingRequest.application_id == application.id)
                       .values(active=False, outcome=None, position=None))


def test_reallocation_reads_three_plain_queries_and_writes_the_moved_rows_in_one_executemany_V3_V6(make, db):
    meeting = make.open_meeting()
    base = make.now()
    people = [make.application(meeting, at=base + timedelta(seconds=i)) for i in range(meeting.speaker_cap + 3)]
    cancel_behind_the_session(db, people[0])
    meeting_id, cap, ids = meeting.id, meeting.speaker_cap, [p.id for p in people]
    make.commit()
    db.session.expunge_all()
    meeting = db.session.get(Meeting, meeting_id)

    changed, statements = statements_during(db, lambda: placing.reallocate(meeting))

    selects = [s for s in statements if s[0] == "SELECT"]
    updates = [s for s in statements if s[0] == "UPDATE"]
    assert len(selects) == 3 + len(changed)  # aliases, observers, speakers; then each application told
    # Every remaining speaker moves up one position, the first waitlisted one into a place: all of
    # them in one statement.
    assert updates == [("UPDATE", True, cap + 2)]
    assert [(application.id, before) for application, before in changed] == [(ids[cap], {0: "waitlisted"})]


def test_reallocation_loads_no_orm_object_for_the_applications_that_keep_their_place_V3(make, db):
    meeting = make.open_meeting()
    base = make.now()
    people = [make.application(meeting, at=base + timedelta(seconds=i)) for i in range(meeting.speaker_cap + 2)]
    cancel_behind_the_session(db, people[0])
    meeting_id, cap, ids = meeting.id, meeting.speaker_cap, [p.id for p in people]
    make.commit()
    db.session.expunge_all()
    meeting = db.session.get(Meeting, meeting_id)

    changed = placing.reallocate(meeting)

    assert [application.id for application, _before in changed] == [ids[cap]]
    loaded = {type(obj).__name__ for obj in db.session.identity_map.values()}
    applications = [obj for obj in db.session.identity_map.values() if isinstance(obj, Application)]
    assert [a.id for a in applications] == [ids[cap]]  # only the one told of a move
    assert loaded <= {"Meeting", "Application", "SpeakingRequest"}


def test_loaded_copies_show_the_new_places_without_a_reload_or_a_second_write_V3(make, db):
    meeting = make.open_meeting()
    base = make.now()
    people = [make.application(meeting, at=base + timedelta(seconds=i)) for i in range(meeting.speaker_cap + 2)]
    cancel_behind_the_session(db, people[0])
    make.commit()
    promoted, behind = people[meeting.speaker_cap].requests[0], people[-1].requests[0]
    assert (promoted.outcome, behind.position) == ("waitlisted", 2)

    placing.reallocate(db.session.get(Meeting, meeting.id))

    seen, reloads = statements_during(db, lambda: [(promoted.outcome, promoted.position, promoted.reason),
                                                   (behind.outcome, behind.position)])
    assert seen == [("allocated", meeting.speaker_cap, "time_of_application"), ("waitlisted", 1)]
    assert reloads == []  # the loaded copies were given the new values, not expired
    assert not db.session.dirty  # as their committed state: nothing is written twice
    _, flushed = statements_during(db, db.session.flush)
    assert flushed == []
    stored = db.session.execute(select(SpeakingRequest.outcome, SpeakingRequest.position)
                                .where(SpeakingRequest.id == promoted.id)).one()
    assert tuple(stored) == ("allocated", meeting.speaker_cap)


def test_observers_and_speakers_are_read_together_and_placed_by_their_own_rules_V7(make, db):
    meeting = make.open_meeting(make.organizer(gallery_seats=1))
    base = make.now()
    speaker = make.application(meeting, at=base)
    seated, overflow = (make.application(meeting, "observe", at=base + timedelta(seconds=i)) for i in (1, 2))
    make.commit()

    given = placing.allocation_input(meeting.id, meeting.organizer_id)

    assert [bid.key for bid in given.speakers] == [speaker.requests[0].id]
    assert sorted(bid.key for bid in given.observers) == [seated.id, overflow.id]
    assert given.held_by_observer[overflow.id] == ("overflow", "beyond_gallery_seats", 1)
    assert given.held_by_request[speaker.requests[0].id] == ("allocated", "time_of_application", 1)
    assert placing.reallocate(meeting) == []  # nothing moved: nothing written, nobody told


def test_a_confirmation_recounts_only_its_part_and_that_equals_the_whole_recount_V3_V5_V7(make, db):
    """Random confirmations and cancellations on a committee meeting of three cases (speakers of shared
    groups on one or two cases, observers of shared groups and villages): after each confirmation, which
    recounted only the observers or the speakers of its cases, a recount of the whole meeting moves
    nothing and mails nobody."""
    from app.registrations import services
    from app.violations import RuleViolation
    rng = random.Random(20261129)
    meeting = make.open_meeting(make.organizer(speaker_cap=2, gallery_seats=3, observers_per_group=2,
                                               observers_per_village=2), cases=3)
    case_ids = [case.id for case in meeting.cases]
    base, open_ones = make.now(), []
    for step in range(60):
        at = base + timedelta(seconds=step)
        if open_ones and rng.random() < 0.2:
            services.cancel_application(open_ones.pop(rng.randrange(len(open_ones))), now=at)
        else:
            kind = rng.choice(["speak", "speak", "observe"])
            fields = {"organisation": rng.choice(["", "甲協會", "乙聯盟", "丙基金會"]),
                      "township": "北區", "village": rng.choice(["", "東村", "西村"])}
            if kind == "speak":
                fields["case_ids"] = rng.sample(case_ids, rng.choice([1, 2]))
            try:
                submitted = make.application(meeting, kind, confirm=False, at=at, **fields)
                open_ones.append(services.confirm_application(submitted, now=at))
            except RuleViolation:  # V5: the group already speaks on one of those cases (nothing written)
                continue
        db.session.flush()
        whole, statements = statements_during(db, lambda: placing.reallocate(meeting))
        assert whole == [], f"step {step}: the whole recount moved {whole}"
        assert [s for s in statements if s[0] == "UPDATE"] == []
    assert len(open_ones) > 20
    observers = [a for a in open_ones if a.kind == "observe"]
    assert {a.outcome for a in observers} >= {"gallery", "overflow"}  # the parts were really exercised
    held = {r.outcome for a in open_ones if a.kind == "speak" for r in a.requests if r.active}
    assert {"allocated", "waitlisted"} <= held
