"""The re-allocation under the meeting's lock: one query of plain rows in, only moved rows written,
no ORM object loaded for the meeting's applications (V3, V6, V7)."""
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


def test_reallocation_reads_one_query_and_writes_the_moved_rows_in_one_executemany_V3_V6(make, db):
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
    assert len(selects) == 1 + len(changed)  # the input, then each application told of its move
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
