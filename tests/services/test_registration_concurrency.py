"""Confirming applications from many connections at once, on both engines (V3, V5, V6, locking).

Each worker thread pushes its own app context, so it has its own SQLAlchemy session and its own
database connection, as gunicorn's threads and workers do. The threads start together on a barrier
and retry when the meeting's lock is not had in time (locking.Busy), as a visitor would.
"""
import sqlite3
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from app import locking
from app import setup as app_setup
from app.audit import AuditEntry
from app.dbtypes import utcnow
from app.outbox.models import OutboxMessage
from app.registrations import services as registrations
from app.registrations.models import GROUP_CASE_INDEX_V5, Application, SpeakingRequest
from app.rules import allocation as rules
from app.rules.names import normalise_name
from app.violations import RuleViolation, constraint_name

pytestmark = pytest.mark.xdist_group("concurrency")

THREADS = 16
MAX_ATTEMPTS = 50  # retries on Busy per confirmation; a starved thread fails the test rather than hangs
JOIN_TIMEOUT = 120


def submit_all(make, meeting, people: list[dict]) -> list[int]:
    """Submit every application through the service and commit; return their ids in order."""
    ids = [registrations.submit_application(meeting, make.application_data(**person), now=make.now()).id
           for person in people]
    make.commit()
    return ids


def confirm_concurrently(flask_app, ids: list[int], threads: int = THREADS) -> dict:
    """Confirm `ids` from `threads` threads started together; return {id: "ok" | problem code | error}."""
    barrier = threading.Barrier(threads)
    results, busy = {}, Counter()

    def confirm_one(application_id):
        from app.extensions import db
        for _ in range(MAX_ATTEMPTS):
            try:
                application = db.session.get(Application, application_id)
                registrations.confirm_application(application)  # the time is read under the lock
                db.session.commit()
                return "ok"
            except locking.Busy:
                db.session.rollback()
                busy[threading.get_ident()] += 1
            except RuleViolation as violation:
                db.session.rollback()
                return violation.problems[0].code
            except registrations.AlreadyUsed:
                db.session.rollback()
                return "already_used"
        return "starved"

    def worker(share):
        from app.extensions import db
        with flask_app.app_context():
            try:
                barrier.wait(timeout=30)
                for application_id in share:
                    try:
                        results[application_id] = confirm_one(application_id)
                    except Exception as error:  # recorded, so the test shows what broke
                        db.session.rollback()
                        results[application_id] = f"{type(error).__name__}: {error}"
            finally:
                db.session.remove()

    pool = [threading.Thread(target=worker, args=(ids[n::threads],), daemon=True) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in pool), "a confirming thread hung"
    return results


def stored_state(db, meeting_id):
    """(applications, active speaking requests) of the meeting, read afresh from the database."""
    db.session.expire_all()
    applications = db.session.scalars(select(Application).where(Application.meeting_id == meeting_id)
                                      .order_by(Application.id)).all()
    requests = db.session.scalars(select(SpeakingRequest).where(SpeakingRequest.meeting_id == meeting_id,
                                                                SpeakingRequest.active.is_(True))).all()
    return applications, requests


def recomputed(applications, requests, meeting) -> dict:
    """The pure allocation (V3–V6) of the stored rows, keyed by request id."""
    confirmed = {a.id: a for a in applications}
    bids = [rules.SpeakerBid(key=r.id, case=r.case_key, at=confirmed[r.application_id].confirmed_at,
                             group=r.org_key, pool=confirmed[r.application_id].pool, claim=r.claim)
            for r in requests]
    return rules.allocate_speakers(bids, speaker_cap=meeting.speaker_cap, representative_cap=meeting.representative_cap)


def variant_spelling(n: int) -> str:
    """A distinct organisation per n, written the ways people type it: 臺/台, full-width digits, spaces."""
    digits = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")) if n % 3 else str(n)
    return ("臺灣" if n % 2 else " 台灣") + f"第{digits}社區發展協會" + ("　" if n % 5 == 0 else "")


def test_200_confirmations_from_16_connections_fill_10_places_then_waitlist_in_order_V3_V6(app, make, db):
    meeting = make.open_meeting(make.organizer(speaker_cap=10))
    # 160 people from 160 different groups (variant spellings that stay distinct), 40 individuals.
    people = [dict(organisation=variant_spelling(n) if n < 160 else "") for n in range(200)]
    ids = submit_all(make, meeting, people)
    assert len({normalise_name(p["organisation"]) for p in people if p["organisation"]}) == 160

    started = time.perf_counter()
    results = confirm_concurrently(app, ids)
    elapsed = time.perf_counter() - started

    assert Counter(results.values()) == {"ok": 200}, {k: v for k, v in results.items() if v != "ok"}
    applications, requests = stored_state(db, meeting.id)
    assert [a.status for a in applications] == ["active"] * 200
    codes = [a.check_in_code for a in applications]
    assert None not in codes and len(set(codes)) == 200
    outcomes = Counter(r.outcome for r in requests)
    assert outcomes == {"allocated": 10, "waitlisted": 190}, (outcomes, elapsed)
    groups = [r.org_key for r in requests if r.org_key]
    assert len(groups) == len(set(groups)) == 160  # V5: no organisation twice among active speakers
    # The stored allocation is exactly the pure allocation of the stored rows (whatever the lock order).
    expected = recomputed(applications, requests, meeting)
    assert {r.id: (r.outcome, r.position, r.reason) for r in requests} == \
        {key: (p.outcome, p.position, p.reason) for key, p in expected.items()}
    at = {a.id: a.confirmed_at for a in applications}
    allocated = sorted((r for r in requests if r.outcome == "allocated"), key=lambda r: r.position)
    waitlisted = sorted((r for r in requests if r.outcome == "waitlisted"), key=lambda r: r.position)
    assert [r.position for r in allocated] == list(range(1, 11))
    assert [r.position for r in waitlisted] == list(range(1, 191))
    order = [at[r.application_id] for r in allocated + waitlisted]
    assert order == sorted(order)  # V6: places and waiting positions follow the time of application
    received = db.session.scalar(select(db.func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.topic == "registration.received"))
    assert received == 200
    # Times read under the lock follow the order of confirmations, so nobody already told of a place
    # was bumped by a later commit with an earlier time: not one place-changed mail.
    moved = db.session.scalar(select(db.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.topic.in_(("registration.promoted", "registration.waitlisted"))))
    assert moved == 0


def test_30_confirmations_of_one_group_in_variant_spellings_leave_one_speaker_V5(app, make, db):
    meeting = make.open_meeting()
    spellings = ["臺灣環境資訊協會", "台灣環境資訊協會", " 臺灣 環境資訊協會 ", "台灣環境資訊協會　", "「臺灣環境資訊協會」"]
    people = [dict(organisation=spellings[n % len(spellings)]) for n in range(30)]
    assert len({normalise_name(p["organisation"]) for p in people}) == 1
    ids = submit_all(make, meeting, people)

    results = confirm_concurrently(app, ids)

    assert Counter(results.values()) == {"ok": 1, "group_has_speaker": 29}, results
    applications, requests = stored_state(db, meeting.id)
    winner = next(i for i, outcome in results.items() if outcome == "ok")
    assert [a.id for a in applications if a.status == "active"] == [winner]
    assert all(a.status == "unconfirmed" and a.check_in_code is None for a in applications if a.id != winner)
    assert [(r.application_id, r.outcome, r.position) for r in requests] == [(winner, "allocated", 1)]


def test_database_refuses_a_second_active_speaker_of_one_group_and_case_V5(app, make, db):
    meeting = make.open_meeting()
    first = make.application(meeting, organisation="臺灣環境資訊協會", confirm=False)
    second = make.application(meeting, organisation="台灣環境資訊協會", confirm=False)
    registrations.confirm_application(first, now=make.now())
    make.commit()
    org_key = first.requests[0].org_key
    insert = text("INSERT INTO speaking_requests (application_id, meeting_id, case_key, org_key, active,"
                  " party_concerned, party_statement, claim, claim_note, reason)"
                  " VALUES (:application, :meeting, 0, :org, :active, false, '', 'none', '', '')")
    values = dict(application=second.id, meeting=meeting.id, org=org_key)
    with pytest.raises(IntegrityError) as refused:
        with db.engine.begin() as conn:
            conn.execute(insert, values | {"active": True})
    assert constraint_name(refused.value) == GROUP_CASE_INDEX_V5  # by name on both engines, not by text
    with db.engine.begin() as conn:  # the index is partial: an inactive request of the group is fine
        conn.execute(insert, values | {"active": False})


@pytest.fixture
def short_lock_timeout(monkeypatch, db):
    """Locks wait 300 ms: PostgreSQL's lock_timeout, and SQLite's busy timeout on fresh connections."""
    monkeypatch.setattr(locking, "LOCK_TIMEOUT_MS", 300)
    monkeypatch.setattr(app_setup, "LOCK_TIMEOUT_MS", 300)
    db.session.remove()
    db.engine.dispose()  # SQLite applies busy_timeout when a connection opens
    yield 300
    db.session.remove()
    db.engine.dispose()


class MeetingLockHolder:
    """Another connection holding the meeting's allocation lock, in an open transaction."""

    def __init__(self, db, meeting_id):
        url = db.engine.url
        if url.get_backend_name() == "sqlite":
            self.conn = sqlite3.connect(make_url(url).database, isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
            self.release = lambda: (self.conn.execute("ROLLBACK"), self.conn.close())
        else:
            self.conn = db.engine.connect()
            self.transaction = self.conn.begin()
            self.conn.execute(text("SELECT id FROM meetings WHERE id = :id FOR UPDATE"), {"id": meeting_id})
            self.release = lambda: (self.transaction.rollback(), self.conn.close())


def test_confirmation_gives_up_quickly_when_the_lock_is_held_and_writes_nothing(app, make, db, short_lock_timeout):
    meeting = make.open_meeting()
    pending = make.application(meeting, confirm=False)
    make.commit()
    meeting_id, pending_id = meeting.id, pending.id
    holder = MeetingLockHolder(db, meeting_id)
    outcome = {}

    def confirm():
        with app.app_context():
            started = time.perf_counter()
            try:
                registrations.confirm_application(db.session.get(Application, pending_id), now=utcnow())
                db.session.commit()
                outcome["result"] = "confirmed"
            except locking.Busy:
                outcome["result"] = "busy"
            except Exception as error:
                outcome["result"] = f"{type(error).__name__}: {error}"
            finally:
                outcome["seconds"] = time.perf_counter() - started
                db.session.remove()

    try:
        thread = threading.Thread(target=confirm, daemon=True)
        thread.start()
        thread.join(10)
    finally:
        holder.release()
    thread.join(10)
    assert outcome["result"] == "busy", outcome
    assert outcome["seconds"] < 3, outcome
    db.session.expire_all()
    pending = db.session.get(Application, pending_id)
    assert (pending.status, pending.confirmed_at, pending.check_in_code) == ("unconfirmed", None, None)
    assert pending.requests[0].active is False and pending.requests[0].outcome is None
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == pending_id,
                                                              AuditEntry.action == "registration.confirmed")).all() == []
    assert [m.topic for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.application_id == pending_id))] == ["registration.confirm_email"]
    # Once the lock is free the same confirmation goes through: Busy means "try again".
    registrations.confirm_application(pending, now=utcnow())
    db.session.commit()
    assert pending.status == "active" and pending.requests[0].outcome == "allocated"
