"""Migrations keep the data: rows inserted at an old revision survive upgrade to head and downgrade back.

On SQLite, batch mode rebuilds a table (copy, DROP, rename); with foreign keys enforced the DROP used
to cascade into speaking_requests (deleted) and outbox_messages (application_id nulled), or to fail.
"""
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db

from .conftest import ENGINES, postgres_database, sqlite_database

OLD = "a6c20973c909"
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def _filler(column):
    """A value of the column's type for a NOT NULL column the test does not care about."""
    kind = type(column.type).__name__.lower()
    if "bool" in kind:
        return False
    if "int" in kind:
        return 1
    if "datetime" in kind or "timestamp" in kind:
        return NOW
    if kind == "date":
        return date(2026, 11, 1)
    if "json" in kind:
        return {}
    return ""


def _insert(conn, table_name, **values):
    """INSERT a row, filling the other NOT NULL columns (the schema as it is at this revision)."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
    for column in table.columns:
        if column.name not in values and not column.nullable and not column.primary_key \
                and column.server_default is None:
            values[column.name] = _filler(column)
    if "created_at" in table.c and values.get("created_at") == "":
        values["created_at"] = NOW
    return conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()


def _seed(conn):
    """One of each row that a table rebuild could lose, each referring to the others."""
    org = _insert(conn, "organizers", slug="taoyuan", name="桃園市政府")
    plan = _insert(conn, "plans", organizer_id=org, name="國土計畫", stage="planning",
                   created_at=NOW, updated_at=NOW)
    user = _insert(conn, "users", email="admin@example.org", name="管理者", role="admin", active=True,
                   created_at=NOW)
    meeting = _insert(conn, "meetings", uid="m-1@example.org", plan_id=plan, organizer_id=org,
                      kind="hearing", title="聽證", status="published", starts_at=NOW,
                      ends_at=datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc), speaker_cap=3,
                      comment_minutes_per_case=3)
    applications = []
    for n in range(2):
        applications.append(_insert(
            conn, "applications", meeting_id=meeting, kind="speak", channel="online", pool="online",
            status="active", name=f"王小明{n}", name_key=f"王小明{n}", email=f"a{n}@example.org",
            email_key=f"a{n}@example.org", phone="0912345678", phone_key="0912345678", locale="zh_Hant_TW",
            nonce=f"nonce{n}", submitted_at=NOW, confirmed_at=NOW, recorded_by_id=user))
    for n, application in enumerate(applications):
        _insert(conn, "speaking_requests", application_id=application, meeting_id=meeting, case_key=n,
                active=True, party_concerned=False, claim="none")
        _insert(conn, "outbox_messages", topic="confirmation", recipient=f"a{n}@example.org",
                application_id=application, meeting_id=meeting, status="sent", attempts=1,
                next_attempt_at=NOW)
    _insert(conn, "audit_entries", at=NOW, actor_id=user, organizer_id=org, action="meeting.created",
            target_type="meeting", target_id=meeting)
    _insert(conn, "suspensions", organizer_id=org, name="李四", name_key="李四", email="x@example.org",
            email_key="x@example.org", until=date(2027, 1, 1), meeting_id=meeting, actor_id=user,
            created_at=NOW)


def _snapshot(conn):
    """What must survive: counts and the references between the rows."""
    def rows(sql):
        return [tuple(r) for r in conn.execute(sa.text(sql)).all()]
    return {
        "users": rows("SELECT id, email FROM users ORDER BY id"),
        "meetings": rows("SELECT id, plan_id FROM meetings ORDER BY id"),
        "applications": rows("SELECT id, meeting_id, recorded_by_id, status FROM applications ORDER BY id"),
        "speaking_requests": rows("SELECT id, application_id, meeting_id FROM speaking_requests ORDER BY id"),
        "outbox_messages": rows("SELECT id, application_id, meeting_id FROM outbox_messages ORDER BY id"),
        "audit_entries": rows("SELECT id, actor_id, organizer_id FROM audit_entries ORDER BY id"),
        "suspensions": rows("SELECT id, actor_id, meeting_id FROM suspensions ORDER BY id"),
    }


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_upgrade_and_downgrade_keep_every_row(request, tmp_path_factory, engine):
    url = postgres_database(request, "migdata") if engine == "postgresql" else \
        sqlite_database(tmp_path_factory, "migdata")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision=OLD)
        with db.engine.begin() as conn:
            _seed(conn)
        with db.engine.connect() as conn:
            before = _snapshot(conn)
        assert len(before["speaking_requests"]) == 2 and all(r[1] for r in before["outbox_messages"])

        upgrade()
        with db.engine.connect() as conn:
            assert _snapshot(conn) == before
            if engine == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with db.engine.begin() as conn:
            # Legal since identity01 (review flags): a second active application with the same name and phone.
            conn.execute(sa.text("INSERT INTO applications (meeting_id, kind, channel, pool, status, name, name_key, "
                                 "organisation, org_key, township, village, village_key, email, email_key, phone, "
                                 "phone_key, interest_group, locale, nonce, reason, rejection_reason, submitted_at, "
                                 "confirmed_at) SELECT meeting_id, kind, channel, pool, status, name, name_key, "
                                 "organisation, org_key, township, village, village_key, 'other@example.org', "
                                 "'other@example.org', phone, phone_key, interest_group, locale, 'nonce9', reason, "
                                 "rejection_reason, submitted_at, confirmed_at FROM applications WHERE nonce = 'nonce0'"))
            before = _snapshot(conn)

        downgrade(revision=OLD)
        with db.engine.connect() as conn:
            assert _snapshot(conn) == before
            keys = conn.execute(sa.text("SELECT nonce, phone_key FROM applications ORDER BY id")).all()
            assert [tuple(k) for k in keys] == [("nonce0", "0912345678"), ("nonce1", "0912345678"), ("nonce9", "")]
        db.engine.dispose()
