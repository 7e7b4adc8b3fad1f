"""Constraint violations told apart by the constraint's name, lock errors by their code (issue 8).

SQLite words its messages differently from PostgreSQL: a group's second speaker used to reach the
user as "already applied" there. Both engines must name the same constraint.
"""
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from app.locking import is_lock_error
from app.registrations import services as registrations
from app.registrations.models import CHECK_IN_CODE_UNIQUE, GROUP_CASE_INDEX_V5, PERSON_INDEX_V5
from app.violations import RuleViolation, constraint_name


def broken_by(db, sql: str, **values) -> str | None:
    with pytest.raises(IntegrityError) as refused:
        with db.engine.begin() as conn:
            conn.execute(text(sql), values)
    return constraint_name(refused.value)


def test_a_groups_second_speaker_caught_by_the_index_is_told_as_a_group_conflict_V5(make, db):
    meeting = make.open_meeting()
    first = make.application(meeting, organisation="臺灣環境資訊協會", confirm=False)
    second = make.application(meeting, organisation="台灣環境資訊協會", confirm=False)
    registrations.confirm_application(first, now=make.now())
    with pytest.raises(RuleViolation) as refused:
        registrations.activate(second, now=make.now())  # past the check under the lock: the index decides
    assert refused.value.problems[0].code == "group_has_speaker"


def test_both_engines_name_each_unique_index_and_check(make, db):
    meeting = make.open_meeting()
    first = make.application(meeting, email="a@example.tw", organisation="甲協會")
    other = make.application(meeting, confirm=False, email="b@example.tw")
    make.commit()
    assert broken_by(db, "UPDATE applications SET status = 'active', confirmed_at = submitted_at, email_key = :key"
                         " WHERE id = :id", key=first.email_key, id=other.id) == PERSON_INDEX_V5
    assert broken_by(db, "UPDATE applications SET check_in_code = :code WHERE id = :id",
                     code=first.check_in_code, id=other.id) == CHECK_IN_CODE_UNIQUE
    assert broken_by(db, "INSERT INTO speaking_requests (application_id, meeting_id, case_key, org_key, active,"
                         " party_concerned, party_statement, claim, claim_note, reason) VALUES (:id, :meeting, 0,"
                         " :org, true, false, '', 'none', '', '')", id=other.id, meeting=meeting.id,
                     org=first.org_key) == GROUP_CASE_INDEX_V5
    assert broken_by(db, "UPDATE applications SET status = 'lost' WHERE id = :id",
                     id=other.id) == "ck_applications_status_known"


def test_a_message_that_merely_says_locked_is_no_lock_error():
    assert not is_lock_error(Exception("database is locked"))
    assert not is_lock_error(sqlite3.OperationalError("database is locked"))  # no result code: not by text


def test_sqlite_busy_is_recognised_by_its_result_code(tmp_path):
    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError) as busy:
        waiter.execute("BEGIN IMMEDIATE")
    holder.execute("ROLLBACK")
    holder.close()
    waiter.close()
    assert busy.value.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
    assert is_lock_error(OperationalError("BEGIN IMMEDIATE", {}, busy.value))
