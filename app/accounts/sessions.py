"""Server-side sign-in sessions: the signed cookie carries a random key, and every staff request is
signed in only while that key's `StaffSession` row is live and its account active. Ending the row
(sign-out, a password change elsewhere, an admin disabling the account) refuses a copied cookie at
once. Flask-Login's remember-me cookie is not offered, and could not sign anyone in: without the
session key the loader returns no user."""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, request, session
from flask_login import login_user
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import OperationalError

from .. import audit
from ..audit import AuditEntry
from ..dbtypes import utcnow
from ..extensions import db
from .models import StaffSession, User

SESSION_KEY = "staff_session"  # the name of the key in Flask's signed session cookie
LAST_SEEN_EVERY = timedelta(minutes=1)  # how stale `last_seen_at` may get before a request refreshes it
PENDING_FOR = timedelta(minutes=5)  # how long the code step waits after the password step


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def user_agent_summary(header: str | None) -> str:
    """A short description of the browser and system, to tell one's sessions apart."""
    agent = header or ""
    browser = next((name for token, name in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                             ("Safari/", "Safari")) if token in agent), "")
    system = next((name for token, name in (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
                                            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux"))
                   if token in agent), "")
    return " · ".join(part for part in (browser, system) if part) or agent[:120]


def start_session(user: User, *, user_agent: str, now: datetime, pending: bool = False) -> str:
    """Record a new sign-in of `user` (`pending`: only its password step); return the key to keep
    in the session cookie."""
    key = secrets.token_urlsafe(32)
    db.session.add(StaffSession(key_hash=_hash(key), user_id=user.id, created_at=now, last_seen_at=now,
                                user_agent=user_agent_summary(user_agent)[:120], pending=pending))
    db.session.flush()
    return key


def start_pending(user: User, *, now: datetime) -> str:
    """The password was right and a code is due: a pending row (PENDING_FOR), whose key the cookie
    carries to the code step; the account's pending rows that expired are deleted."""
    db.session.execute(delete(StaffSession).where(StaffSession.user_id == user.id, StaffSession.pending.is_(True),
                                                  StaffSession.created_at <= now - PENDING_FOR))
    return start_session(user, user_agent=request.headers.get("User-Agent"), now=now, pending=True)


def pending_session(key, *, now: datetime) -> StaffSession | None:
    """The pending row the key names, if it was created less than PENDING_FOR ago."""
    if not isinstance(key, str):
        return None
    return db.session.scalar(select(StaffSession).where(
        StaffSession.key_hash == _hash(key), StaffSession.pending.is_(True), StaffSession.ended_at.is_(None),
        StaffSession.created_at > now - PENDING_FOR))


def drop_pending(record: StaffSession):
    """The code step is done (or abandoned): its pending row goes."""
    db.session.delete(record)
    db.session.flush()


def sign_in(user: User, *, now: datetime):
    """Start a fresh session for `user`: the old cookie's contents (its CSRF secret too) are dropped."""
    session.clear()
    session[SESSION_KEY] = start_session(user, user_agent=request.headers.get("User-Agent"), now=now)
    login_user(user)


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the account of a live session row whose key the cookie carries."""
    key = session.get(SESSION_KEY)
    if not isinstance(key, str) or not user_id.isdigit():
        return None
    row = db.session.execute(
        select(StaffSession, User).join(User, User.id == StaffSession.user_id)
        .where(StaffSession.key_hash == _hash(key), StaffSession.ended_at.is_(None),
               StaffSession.pending.is_(False))).first()
    if row is None or row.User.id != int(user_id) or not row.User.active:
        return None
    now = utcnow()
    reason = expiry_reason(row.StaffSession, now)
    if reason:
        _end_expired(row.StaffSession, row.User, reason, now)
        return None
    _refresh_last_seen(row.StaffSession)
    return row.User


def expires_at(record: StaffSession) -> datetime:
    """When the session ends unless used again: idle timeout, or its absolute lifetime if sooner."""
    config = current_app.config
    return min(record.last_seen_at + timedelta(minutes=config["STAFF_SESSION_IDLE_MINUTES"]),
               record.created_at + timedelta(hours=config["STAFF_SESSION_MAX_HOURS"]))


def expiry_reason(record: StaffSession, now: datetime) -> str | None:
    """Why the session is over at `now` (idle_timeout, lifetime_over), or None while it lives."""
    config = current_app.config
    if now - record.created_at >= timedelta(hours=config["STAFF_SESSION_MAX_HOURS"]):
        return "lifetime_over"
    if now - record.last_seen_at >= timedelta(minutes=config["STAFF_SESSION_IDLE_MINUTES"]):
        return "idle_timeout"
    return None


def _end_expired(record: StaffSession, user: User, reason: str, now: datetime):
    # Like _refresh_last_seen, in a transaction of its own: a GET refuses the session and commits nothing.
    try:
        with db.engine.begin() as connection:
            ended = connection.execute(update(StaffSession).where(StaffSession.id == record.id,
                                                                  StaffSession.ended_at.is_(None))
                                       .values(ended_at=now, end_reason=reason)).rowcount
            if ended:
                connection.execute(insert(AuditEntry).values(
                    at=now, actor_id=None, organizer_id=user.organizer_id, action="session.ended",
                    target_type=User.__tablename__, target_id=user.id,
                    details={"session": record.id, "reason": reason}))
    except OperationalError:
        return  # the database was busy: the session is refused all the same, and ended by a later request


def _refresh_last_seen(record: StaffSession):
    # In a connection of its own, so that a GET needs no commit and a refused POST does not undo it.
    now = utcnow()
    if now - record.last_seen_at < LAST_SEEN_EVERY:
        return
    try:
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":  # never wait long: the time is only informative
                connection.execute(text("SET LOCAL lock_timeout = 1000"))
            connection.execute(update(StaffSession).where(StaffSession.id == record.id).values(last_seen_at=now))
    except OperationalError:
        return  # the database was busy: refreshed by a later request instead
    record.last_seen_at = now


def current_session() -> StaffSession | None:
    """The live session row this request's cookie names, if any."""
    key = session.get(SESSION_KEY)
    if not isinstance(key, str):
        return None
    return db.session.scalar(select(StaffSession).where(StaffSession.key_hash == _hash(key),
                                                        StaffSession.ended_at.is_(None),
                                                        StaffSession.pending.is_(False)))


def live_sessions(user: User) -> list[StaffSession]:
    """The user's sessions that have not ended, most recently used first."""
    return db.session.scalars(select(StaffSession).where(StaffSession.user_id == user.id,
                                                         StaffSession.ended_at.is_(None),
                                                         StaffSession.pending.is_(False))
                              .order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())).all()


def end_session(record: StaffSession, *, reason: str, actor, now: datetime):
    """End one sign-in (audited); its cookie no longer signs anyone in."""
    if record.ended_at is None:
        record.ended_at, record.end_reason = now, reason
        audit.record(actor, "session.ended", record.user, {"session": record.id, "reason": reason}, now=now)


def end_sessions(user: User, *, reason: str, actor, now: datetime, keep: StaffSession | None = None) -> int:
    """End every live session of `user` except `keep`; return how many ended (audited once)."""
    query = (update(StaffSession).where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
             .values(ended_at=now, end_reason=reason))
    if keep is not None:
        query = query.where(StaffSession.id != keep.id)
    ended = db.session.execute(query, execution_options={"synchronize_session": False}).rowcount
    if ended:
        audit.record(actor, "session.ended", user, {"count": ended, "reason": reason}, now=now)
    return ended


def register_user_loader(login_manager):
    """Attach the session-checking user loader to Flask-Login (called by app setup)."""
    login_manager.user_loader(load_user)
