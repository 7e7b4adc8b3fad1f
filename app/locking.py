"""Serialising changes to what becomes less available (speaking places, seats).

PostgreSQL: the service locks the meeting row with SELECT … FOR UPDATE, waiting at most
LOCK_TIMEOUT_MS. SQLite ignores FOR UPDATE, so there the transaction itself must begin with
BEGIN IMMEDIATE, which takes the database's single write lock up front (WAL lets readers go on);
the connection's busy timeout (app/setup.py) bounds the wait. Either way a request that waits too long raises
`Busy`, which the views turn into a "please try again" page.
"""
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from .extensions import db

LOCK_TIMEOUT_MS = 5000


class Busy(Exception):
    """The lock could not be had in time; nothing was changed, the request may be repeated."""


def lock_meeting(meeting_id: int):
    """Take the meeting's allocation lock for the rest of the transaction and return the meeting,
    freshly loaded from the database."""
    from .meetings.models import Meeting
    session = db.session
    try:
        if session.get_bind().dialect.name == "sqlite":
            _begin_immediate(session)
        else:
            session.execute(text(f"SET LOCAL lock_timeout = {int(LOCK_TIMEOUT_MS)}"))
            session.execute(select(Meeting.id).where(Meeting.id == meeting_id).with_for_update())
    except OperationalError as error:
        session.rollback()
        if is_lock_error(error):
            raise Busy() from error
        raise
    return session.get(Meeting, meeting_id, populate_existing=True)


def _begin_immediate(session):
    # pysqlite opens an SQLite transaction only before its first write, and a transaction that has
    # written already holds the database's write lock (so its reads are current). Otherwise begin
    # one with BEGIN IMMEDIATE, which takes the write lock before the recount reads anything.
    connection = session.connection()
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_lock_error(error: Exception) -> bool:
    """Whether a database error means "the lock was not free in time" (PostgreSQL 55P03, SQLite busy)."""
    orig = getattr(error, "orig", error)
    if getattr(orig, "sqlstate", None) in ("55P03", "40P01"):
        return True
    return "database is locked" in str(orig) or "database table is locked" in str(orig)
