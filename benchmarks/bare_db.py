"""The bare comparison apps' database access: one autocommit psycopg connection per server thread."""
import os
import threading

import psycopg

_local = threading.local()


def connection() -> psycopg.Connection:
    """This thread's connection, opened on first use (a thread serves one request at a time)."""
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(os.environ["BARE_DATABASE_URL"], autocommit=True)
    return conn
