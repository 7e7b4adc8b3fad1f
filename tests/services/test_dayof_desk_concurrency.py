"""Two walk-ins racing at two desks for the last place (V4, V7): the meeting's lock lets one have it.

Each thread pushes its own app context, so it has its own session and database connection, as two
gunicorn workers would; both start together on a barrier and retry when the lock is busy."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import locking
from app.dayof import signin
from app.dayof.signin_models import SignIn
from app.registrations.models import Application
from app.rules import allocation as rules
from app.violations import RuleViolation

pytestmark = pytest.mark.xdist_group("concurrency")
ATTEMPTS = 50


def race(flask_app, meeting_id: int, staff_id: int, people: list[dict]) -> list[str]:
    """Record every walk-in from its own thread at once; return each thread's result."""
    barrier = threading.Barrier(len(people))
    results = [None] * len(people)

    def desk(n):
        from app.accounts.models import User
        from app.extensions import db
        from app.meetings.models import Meeting
        with flask_app.app_context():
            try:
                barrier.wait(timeout=30)
                for _ in range(ATTEMPTS):
                    try:
                        meeting, staff = db.session.get(Meeting, meeting_id), db.session.get(User, staff_id)
                        signin.record_walk_in(meeting, people[n], badge=str(90 + n), actor=staff)
                        db.session.commit()
                        results[n] = "ok"
                        return
                    except locking.Busy:
                        db.session.rollback()
                    except RuleViolation as violation:
                        db.session.rollback()
                        results[n] = violation.problems[0].code
                        return
                results[n] = "starved"
            except Exception as error:  # recorded, so the test shows what broke
                results[n] = f"{type(error).__name__}: {error}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=desk, args=(n,), daemon=True) for n in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a desk hung"
    return results


def test_two_walk_ins_racing_for_the_last_speaking_place_only_one_gets_it_V4(app, make, db):
    org = make.organizer()
    meeting = make.open_meeting(org, cases=1, start=make.now() + timedelta(hours=2))
    meeting.representative_cap = 1  # V4: one representative from other channels: the last place
    staff = make.staff("secretariat", org)
    make.commit()
    case_id = meeting.cases[0].id
    people = [dict(kind="speak", name=f"現場{n}", phone=f"0977-000-00{n}", email="", organisation="",
                   interest_group="", case_ids=[case_id]) for n in range(2)]
    assert race(app, meeting.id, staff.id, people) == ["ok", "ok"]
    db.session.expire_all()
    walk_ins = db.session.scalars(select(Application).where(Application.meeting_id == meeting.id)).all()
    outcomes = sorted((a.requests[0].outcome, a.requests[0].position) for a in walk_ins)
    assert outcomes == [(rules.ALLOCATED, 1), (rules.WAITLISTED, 1)]
    first = min(walk_ins, key=lambda a: (a.confirmed_at, a.id))
    assert first.requests[0].outcome == rules.ALLOCATED  # the one recorded first under the lock holds it
    assert db.session.query(SignIn).count() == 2  # both signed in, each told where they stand


def test_two_walk_ins_racing_for_the_last_gallery_seat_one_goes_to_the_overflow_room_V7(app, make, db):
    org = make.organizer()
    meeting = make.open_meeting(org, gallery_seats=1)
    staff = make.staff("secretariat", org)
    make.commit()
    people = [dict(kind="observe", name=f"旁聽{n}", phone=f"0966-000-00{n}", email="") for n in range(2)]
    assert race(app, meeting.id, staff.id, people) == ["ok", "ok"]
    db.session.expire_all()
    walk_ins = db.session.scalars(select(Application).where(Application.meeting_id == meeting.id)).all()
    assert sorted(a.outcome for a in walk_ins) == [rules.GALLERY, rules.OVERFLOW]
