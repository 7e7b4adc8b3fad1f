"""/healthz and /readyz for a load balancer: alive, and ready to serve.

Neither needs a session, touches the rate limiter or is cached, and neither says more than which
check failed: no addresses, versions of software or error texts that could help an attacker.
"""
import os
import threading
import time

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from .extensions import db, limiter
from .storage import file_store

bp = Blueprint("health", __name__)
READY_TIMEOUT_SECONDS = 2.0


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process answers requests (nothing else is checked: a load balancer restarts it if not)."""
    return _answer({"status": "ok"}, 200)


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """The database answers within the timeout, its schema is at the migrations' head, and the file store answers."""
    checks = {"database": "timeout", "migrations": "unknown", "storage": "timeout"}
    app = current_app._get_current_object()
    workers = [threading.Thread(target=_database, args=(app, checks), daemon=True),
               threading.Thread(target=_storage, args=(file_store(), checks), daemon=True)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    for worker in workers:  # both checks run at once; together they wait READY_TIMEOUT_SECONDS at most
        worker.join(max(0.0, deadline - time.monotonic()))
    ready = all(value == "ok" for value in checks.values())
    return _answer({"status": "ready" if ready else "not ready", "checks": dict(checks)}, 200 if ready else 503)


def _answer(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _database(app, checks: dict) -> None:
    # In a thread, so that a database that does not answer costs the caller READY_TIMEOUT_SECONDS, no more.
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SET LOCAL statement_timeout = 2000"))
                connection.execute(text("SELECT 1"))
                checks["database"] = "ok"
                checks["migrations"] = "ok" if _revisions(connection) == migration_heads(app) else "behind"
        except Exception:  # noqa: BLE001  (any failure means "not ready"; its text may name hosts)
            if checks["database"] != "ok":
                checks["database"] = "unavailable"
        finally:
            db.session.remove()


def _revisions(connection) -> set[str]:
    # A database never migrated (no alembic_version table) is as far behind as one can be.
    try:
        with connection.begin_nested():
            return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except Exception:  # noqa: BLE001
        return set()


def migration_heads(app) -> set[str]:
    """The revision ids at the head of the migrations folder (read once per process)."""
    heads = app.extensions.get("migration_heads")
    if heads is None:
        directory = app.config.get("MIGRATIONS_DIR", "migrations")
        if not os.path.isabs(directory):
            directory = os.path.join(app.root_path, os.pardir, directory)
        heads = set(ScriptDirectory(directory).get_heads())
        app.extensions["migration_heads"] = heads
    return heads


def _storage(store, checks: dict) -> None:
    checks["storage"] = "ok" if store.ready() else "unavailable"
