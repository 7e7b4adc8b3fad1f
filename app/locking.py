"""Serialising changes to what becomes less available (speaking places, seats).

PostgreSQL: the service locks the row (a meeting's) with SELECT … FOR UPDATE, waiting at most
LOCK_TIMEOUT_MS. SQLite ignores FOR UPDATE, so there the transaction itself must begin with
BEGIN IMMEDIATE, which takes the database's single write lock up front (WAL lets readers go on);
the connection's busy timeout (app/setup.py) bounds the wait. Either way a request that waits too long raises
`Busy`, which the views turn into a "please try again" page.

This module sits below every domain package: it locks a row by its table's name, and the package
that owns the table loads the object (meetings.locks.lock_meeting).
"""
import sqlite3

from sqlalchemy import column, select, table, text
from sqlalchemy.exc import OperationalError

from .extensions import db

LOCK_TIMEOUT_MS = 5000
# PostgreSQL: lock_not_available, deadlock_detected. SQLite: SQLITE_BUSY, SQLITE_LOCKED (primary codes).
PG_LOCK_STATES = ("55P03", "40P01")
SQLITE_LOCK_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class Busy(Exception):
    """The lock could not be had in time; nothing was changed, the request may be repeated."""


def lock_row(table_name: str, row_id: int):
    """Take the lock on one row (by its `id`) for the rest of the transaction; Busy if not had in time."""
    rows = table(table_name, column("id"))
    _locked(lambda session: session.execute(select(rows.c.id).where(rows.c.id == row_id).with_for_update()))


def lock_and_load(model, row_id: int):
    """Take the lock on one row of `model` for the rest of the transaction and return the row,
    freshly loaded (on PostgreSQL in the same statement: SELECT … FOR UPDATE); Busy if not had in time."""
    return _locked(lambda session: session.get(model, row_id, populate_existing=True, with_for_update=True),
                   then=lambda session: session.get(model, row_id, populate_existing=True))


def _locked(for_update, then=lambda session: None):
    """Run `for_update(session)` under the lock timeout on PostgreSQL; on SQLite take the write lock
    (BEGIN IMMEDIATE) and run `then(session)`. A lock not had in time rolls back and raises Busy."""
    session = db.session
    try:
        if session.get_bind().dialect.name == "sqlite":
            _begin_immediate(session)
            return then(session)
        session.execute(text(f"SET LOCAL lock_timeout = {int(LOCK_TIMEOUT_MS)}"))
        return for_update(session)
    except OperationalError as error:
        session.rollback()
        if is_lock_error(error):
            raise Busy() from error
        raise


def _begin_immediate(session):
    # pysqlite opens an SQLite transaction only before its first write, and a transaction that has
    # written already holds the database's write lock (so its reads are current). Otherwise begin
    # one with BEGIN IMMEDIATE, which takes the write lock before the recount reads anything.
    connection = session.connection()
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_lock_error(error: Exception) -> bool:
    """Whether a database error means "the lock was not free in time": PostgreSQL's SQLSTATE 55P03 or
    40P01, SQLite's result code SQLITE_BUSY or SQLITE_LOCKED (extended codes included) — by code, not text."""
    orig = getattr(error, "orig", error)
    if getattr(orig, "sqlstate", None) in PG_LOCK_STATES:
        return True
    code = getattr(orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in SQLITE_LOCK_CODES
