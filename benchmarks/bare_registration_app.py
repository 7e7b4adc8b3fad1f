"""The baseline for the registration burst: the portal's four registration steps, with the same SQL
statements, on bare Flask and psycopg 3 — no ORM, no form library, no templates (f-strings), no
Babel, no extensions. The paths are the portal's, so the load generator drives both servers alike.

  GET  /meetings/<id>/register        the meeting, its cases and the two "places taken" counts; a form
  POST /meetings/<id>/register        W1 window, content, V5 (the group's speakers); one transaction:
                                      INSERT the application, its speaking requests, the audit entry and
                                      the confirmation e-mail with its signed link (outbox); 302
  GET  /registration/confirm/<token>  the signed link checked; the application, meeting, requests; a form
  POST /registration/confirm/<token>  one transaction under the meeting's lock (SET LOCAL lock_timeout,
                                      SELECT … FOR UPDATE): meeting and application read afresh, V15 and
                                      V5 checked, the application activated with a check-in code (in a
                                      SAVEPOINT, retried on a repeated code), the recount from rows
                                      (placing's one query) and the pure allocation (app.rules), the
                                      moved rows written in one executemany, a place-changed e-mail for
                                      anyone else moved, the audit entry and the "received" e-mail; 302.

Refusals answer as the portal does: 400 on applying and 409 on confirming (V5), 503 when the lock
was not had in time. CSRF: a random token kept in Flask's signed session cookie. One autocommit
psycopg connection per server thread (bare_db); each writing step is one explicit transaction.

    BARE_DATABASE_URL=postgresql://portal@127.0.0.1:55432/portal_burst BARE_SECRET_KEY=… \
        gunicorn --chdir benchmarks bare_registration_app:app
"""
import hmac
import json
import os
import secrets
import sys
from datetime import datetime, timezone
from html import escape
from pathlib import Path

import psycopg
from bare_db import connection
from flask import Flask, abort, redirect, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app.rules import allocation as rules  # noqa: E402  (pure: no Flask, no SQLAlchemy)
from app.rules.names import (  # noqa: E402
    clean_text,
    normalise_email,
    normalise_name,
    normalise_phone,
    normalise_village,
)
from app.rules.periods import registration_state  # noqa: E402

app = Flask(__name__)
app.secret_key = os.environ.get("BARE_SECRET_KEY") or secrets.token_hex(32)
CONFIRM_MAX_AGE = 7 * 24 * 3600
CHECK_IN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
MEETING = ("SELECT id, organizer_id, title, status, starts_at, registration_opens_at, registration_closes_at,"
           " speaker_cap, representative_cap, gallery_seats, observers_per_group, observers_per_village, contact"
           " FROM meetings WHERE id = %s")
APPLICATION = ("SELECT id, meeting_id, kind, status, name, name_key, org_key, email, email_key, phone_key, nonce,"
               " locale FROM applications WHERE id = %s")
# placing.allocation_input's queries: a confirmation recounts its part (the observers, or the speakers of
# its cases).
ALIASES = "SELECT alias_key, canonical_key FROM group_aliases WHERE organizer_id = %s"
OBSERVERS = ("SELECT id, confirmed_at, org_key, village_key, outcome, reason, position FROM applications"
             " WHERE meeting_id = %s AND status = 'active' AND kind = 'observe'")
SPEAKERS_ON_CASES = (
    "SELECT r.application_id, r.id, r.case_key, coalesce(r.added_at, a.confirmed_at), r.org_key, r.claim, r.outcome,"
    " r.reason, r.position, r.given_at IS NOT NULL, a.pool, a.interest_group FROM speaking_requests r"
    " JOIN applications a ON a.id = r.application_id WHERE r.meeting_id = %s AND r.active IS true"
    " AND a.status = 'active' AND a.kind = 'speak' AND r.case_key = ANY(%s)")
V5_REFUSAL = "Your organisation already has a speaker on %s; each group has one (venue rules, point 3(3))."


class Meeting:
    """The meeting row's columns as attributes."""

    def __init__(self, row):
        (self.id, self.organizer_id, self.title, self.status, self.starts_at, self.opens_at, self.closes_at,
         self.speaker_cap, self.representative_cap, self.gallery_seats, self.per_group, self.per_village,
         self.contact) = row


def utcnow() -> datetime:
    """Now, as the portal stores it: UTC without an offset."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def signer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.secret_key, salt=purpose)


def page(title: str, body: str, status: int = 200):
    return f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1>{body}", status


def csrf_field() -> str:
    token = session.get("csrf") or session.setdefault("csrf", secrets.token_urlsafe(24))
    return f'<input type="hidden" name="csrf_token" value="{token}">'


def check_csrf():
    if not hmac.compare_digest(session.get("csrf", ""), request.form.get("csrf_token", "")):
        abort(400)


def load_meeting(conn, meeting_id: int) -> Meeting:
    row = conn.execute(MEETING, (meeting_id,)).fetchone()
    if row is None or row[3] not in ("published", "postponed"):
        abort(404)
    return Meeting(row)


def window_open(meeting: Meeting, now: datetime) -> bool:
    """W1: a public meeting, inside its registration window, not yet begun."""
    return registration_state(now, meeting.opens_at, meeting.closes_at) == "open" and now < meeting.starts_at


@app.get("/health")
def health():
    connection().execute("SELECT 1")
    return "ok\n"


@app.get("/meetings/<int:meeting_id>/register")
def form(meeting_id):
    """The form, with the cases and whether their places (or the gallery) are all taken."""
    conn = connection()
    meeting = load_meeting(conn, meeting_id)
    cases = conn.execute("SELECT id, title FROM review_cases WHERE meeting_id = %s ORDER BY position",
                         (meeting_id,)).fetchall()
    held = dict(((case, outcome), n) for case, outcome, n in conn.execute(
        "SELECT r.case_key, r.outcome, count(*) FROM speaking_requests r JOIN applications a ON a.id = r.application_id"
        " WHERE r.meeting_id = %s AND r.active IS true AND a.status = 'active' AND a.pool = 'online'"
        " GROUP BY r.case_key, r.outcome", (meeting_id,)))
    seated = conn.execute("SELECT count(*) FROM applications WHERE meeting_id = %s AND status = 'active'"
                          " AND kind = 'observe' AND outcome = 'gallery'", (meeting_id,)).fetchone()[0]
    full = [title for key, title in cases if held.get((key, "allocated"), 0) >= meeting.speaker_cap]
    boxes = "".join(f'<label><input type="checkbox" name="case_ids" value="{key}"> {escape(title)}</label>'
                    for key, title in cases)
    notice = (f"<p>Speaking places taken: {escape('、'.join(full))}</p>" if full else "") + (
        "<p>The gallery is full.</p>" if seated >= meeting.gallery_seats else "")
    return page(f"Apply — {meeting.title}", f'{notice}<form method="post">{csrf_field()}'
                '<input name="kind"><input name="name"><input name="organisation"><input name="township">'
                f'<input name="village"><input name="email"><input name="phone">{boxes}'
                '<textarea name="party_statement"></textarea><input type="checkbox" name="consent">'
                "<button>Apply</button></form>")


@app.post("/meetings/<int:meeting_id>/register")
def submit(meeting_id):
    """Take the application (not yet counting: it waits for the e-mail confirmation, V6)."""
    check_csrf()
    conn, now, data = connection(), utcnow(), {k: clean_text(v) for k, v in request.form.items()}
    meeting = load_meeting(conn, meeting_id)
    if not window_open(meeting, now):
        return page("Registration has closed", "", 409)
    cases = dict(conn.execute("SELECT id, title FROM review_cases WHERE meeting_id = %s ORDER BY position",
                              (meeting_id,)).fetchall())
    kind, email = data.get("kind"), data.get("email", "")
    chosen = sorted({int(c) for c in request.form.getlist("case_ids") if c.isdigit()}) if kind == "speak" else []
    if (kind not in ("speak", "observe") or not data.get("consent") or not normalise_name(data.get("name", ""))
            or "@" not in email or any(c not in cases for c in chosen) or (kind == "speak" and not chosen)):
        return page("Please correct the form", "", 400)
    keys = {"name_key": normalise_name(data["name"]), "org_key": normalise_name(data.get("organisation", "")),
            "email_key": normalise_email(email), "phone_key": normalise_phone(data.get("phone", "")),
            "village_key": normalise_village(data.get("township", ""), data.get("village", ""))}
    if kind == "speak" and keys["org_key"]:
        taken = [row[0] for row in conn.execute(
            "SELECT case_key FROM speaking_requests WHERE meeting_id = %s AND active IS true AND org_key = %s"
            " AND case_key = ANY(%s)", (meeting_id, keys["org_key"], chosen))]
        if taken:
            return page("Your organisation already has a speaker", V5_REFUSAL % "、".join(cases[k] for k in taken), 400)
    with conn.transaction():
        application_id, nonce = insert_application(conn, meeting, data, keys, chosen, now)
        token = signer("registration-confirm").dumps([application_id, nonce])
        body = (f"Hello {data['name']},\n\nPlease confirm your application to {kind} at {meeting.title}:\n\n"
                f"{request.host_url}registration/confirm/{token}\n")
        insert_mail(conn, "registration.confirm_email", email, f"Please confirm your application — {meeting.title}",
                    body, [], application_id, meeting.id, now)
    session["registration_sent"] = {"meeting": meeting_id, "email": email}
    return redirect(f"/meetings/{meeting_id}/register/sent")


def insert_application(conn, meeting, data, keys, chosen, now) -> tuple[int, str]:
    """The application and its speaking requests, as the portal's INSERTs write them."""
    nonce = secrets.token_urlsafe(12)
    application_id = conn.execute(
        "INSERT INTO applications (meeting_id, kind, channel, pool, status, name, name_key, organisation, org_key,"
        " township, village, village_key, email, email_key, phone, phone_key, interest_group, locale, nonce, reason,"
        " rejection_reason, submitted_at, consented_at) VALUES (%s, %s, 'online', 'online', 'unconfirmed', %s, %s, %s,"
        " %s, %s, %s, %s, %s, %s, %s, %s, '', 'en', %s, '', '', %s, %s) RETURNING id",
        (meeting.id, data["kind"], data["name"], keys["name_key"], data.get("organisation", ""), keys["org_key"],
         data.get("township", ""), data.get("village", ""), keys["village_key"], data["email"], keys["email_key"],
         data.get("phone", ""), keys["phone_key"], nonce, now, now)).fetchone()[0]
    if chosen:
        conn.cursor().executemany(
            "INSERT INTO speaking_requests (application_id, meeting_id, case_id, case_key, org_key, active,"
            " party_concerned, party_statement, claim, claim_note, reason) VALUES (%s, %s, %s, %s, %s, false, false,"
            " '', 'none', '', '')", [(application_id, meeting.id, c, c, keys["org_key"]) for c in chosen])
    audit(conn, "registration.submitted", "applications", application_id, {"kind": data["kind"]}, meeting, now)
    return application_id, nonce


def audit(conn, action, target_type, target_id, details, meeting, now):
    conn.execute("INSERT INTO audit_entries (at, actor_id, organizer_id, action, target_type, target_id, details)"
                 " VALUES (%s, NULL, %s, %s, %s, %s, %s) RETURNING id",
                 (now, meeting.organizer_id, action, target_type, target_id, json.dumps(details)))


def insert_mail(conn, topic, recipient, subject, body, attachments, application_id, meeting_id, now):
    conn.execute("INSERT INTO outbox_messages (created_at, topic, recipient, subject, body, attachments,"
                 " application_id, meeting_id, status, attempts, next_attempt_at, last_error)"
                 " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'pending', 0, %s, '') RETURNING id",
                 (now, topic, recipient, subject, body, json.dumps(attachments), application_id, meeting_id, now))


def application_for(conn, token: str):
    """The application the signed link names, if its nonce still matches."""
    try:
        application_id, nonce = signer("registration-confirm").loads(token, max_age=CONFIRM_MAX_AGE)
    except BadSignature:
        abort(404)
    row = conn.execute(APPLICATION, (application_id,)).fetchone()
    if row is None or not hmac.compare_digest(row[10].encode(), nonce.encode()):
        abort(404)
    return row


@app.get("/registration/confirm/<token>")
def confirm_page(token):
    """What will be confirmed, and the button."""
    conn = connection()
    row = application_for(conn, token)
    if row[3] != "unconfirmed":
        return page("This application is already confirmed or closed", "", 409)
    meeting = load_meeting(conn, row[1])
    cases = conn.execute("SELECT r.case_key, c.title FROM speaking_requests r LEFT JOIN review_cases c"
                         " ON c.id = r.case_id WHERE r.application_id = %s ORDER BY r.case_key", (row[0],)).fetchall()
    listed = "".join(f"<li>{escape(title or meeting.title)}</li>" for _key, title in cases)
    return page("Confirm your application", f"<p>{escape(meeting.title)}</p><p>{escape(row[4])}</p><ul>{listed}</ul>"
                f'<form method="post">{csrf_field()}<button>Confirm my application</button></form>')


@app.post("/registration/confirm/<token>")
def confirm(token):
    """Confirm under the meeting's lock: activate, recount, write what moved, queue the mail."""
    check_csrf()
    conn = connection()
    row = application_for(conn, token)
    if row[3] != "unconfirmed":
        return page("This application is already confirmed or closed", "", 409)
    if not window_open(load_meeting(conn, row[1]), utcnow()):
        return page("Registration has closed", "", 409)
    try:
        with conn.transaction():
            conn.execute("SET LOCAL lock_timeout = 5000")
            conn.execute("SELECT id FROM meetings WHERE id = %s FOR UPDATE", (row[1],))
            refusal = confirm_locked(conn, load_meeting(conn, row[1]), row[0])
    except psycopg.errors.LockNotAvailable:
        return page("Please try again", "", 503)
    if refusal:
        return refusal
    return redirect(f"/registration/{signer('registration-manage').dumps([row[0], row[10]])}")


def confirm_locked(conn, meeting: Meeting, application_id: int):
    """The locked part of the confirmation; a refusal page, or None once confirmed."""
    (_id, _meeting_id, kind, status, name, name_key, org_key, email, email_key, phone_key, _nonce,
     _locale) = conn.execute(APPLICATION, (application_id,)).fetchone()
    if status != "unconfirmed":
        return page("This application is already confirmed or closed", "", 409)
    case_keys = [r[0] for r in conn.execute("SELECT case_key FROM speaking_requests WHERE application_id = %s"
                                            " ORDER BY case_key", (application_id,))]
    now = utcnow()  # read under the lock: times follow the order of confirmations (V6)
    if conn.execute("SELECT id FROM suspensions WHERE organizer_id = %s AND lifted_at IS NULL AND until >= %s AND"
                    " (email_key = %s OR (phone_key = %s AND phone_key <> '')) LIMIT 1",
                    (meeting.organizer_id, now.date(), email_key, phone_key)).fetchone():
        return page("Please contact the secretariat", "", 409)
    if conn.execute("SELECT id FROM applications WHERE meeting_id = %s AND status = 'active' AND (email_key = %s OR"
                    " (name_key = %s AND phone_key = %s AND phone_key <> '')) AND id <> %s LIMIT 1",
                    (meeting.id, email_key, name_key, phone_key, application_id)).fetchone():
        return page("You have already applied", "", 409)
    if kind == "speak" and org_key and conn.execute(
            "SELECT case_key FROM speaking_requests WHERE meeting_id = %s AND active IS true AND org_key = %s AND"
            " case_key = ANY(%s) AND application_id <> %s",
            (meeting.id, org_key, case_keys, application_id)).fetchall():
        return page("Your organisation already has a speaker", V5_REFUSAL % meeting.title, 409)
    code = activate(conn, application_id, now)
    moved, mine = recount(conn, meeting, application_id, kind, case_keys)
    if moved - {application_id}:  # told of their move, as the portal tells them
        for other, other_email in conn.execute("SELECT id, email FROM applications WHERE id = ANY(%s) ORDER BY id",
                                               (sorted(moved - {application_id}),)):
            insert_mail(conn, "registration.place_changed", other_email, f"Your place has changed — {meeting.title}",
                        "Your place has changed.\n", [], other, meeting.id, now)
    audit(conn, "registration.confirmed", "applications", application_id, {"kind": kind}, meeting, now)
    seated = any(place.outcome in rules.SEATED for place in mine)
    lines = "".join(f"- {place.outcome} {place.position}\n" for place in mine)
    files = [{"filename": f"meeting-{meeting.id}.ics", "content_type": "text/calendar; charset=utf-8",
              "build": "meeting_ics", "arguments": {"meeting_id": meeting.id, "locale": "en",
                                                    "url": f"{request.host_url}meetings/{meeting.id}"}},
             {"filename": f"check-in-{code}.png", "content_type": "image/png", "build": "check_in_qr",
              "arguments": {"code": code}}] if seated else []
    insert_mail(conn, "registration.received", email, f"Application received — {meeting.title}",
                f"Hello {name},\n\nYour application is confirmed. Time of application: {now:%Y-%m-%d %H:%M}.\n\n"
                f"{lines}\nCheck-in code: {code}\n", files, application_id, meeting.id, now)
    return None


def activate(conn, application_id: int, now: datetime) -> str:
    """Active now, with a fresh check-in code (drawn again if the unique index refuses it)."""
    for _ in range(5):
        code = "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(8))
        try:
            with conn.transaction():  # a SAVEPOINT, as the portal's begin_nested
                conn.execute("UPDATE applications SET status = 'active', check_in_code = %s, confirmed_at = %s"
                             " WHERE id = %s", (code, now, application_id))
                conn.execute("UPDATE speaking_requests SET active = true WHERE application_id = %s", (application_id,))
            return code
        except psycopg.errors.UniqueViolation as error:
            if "check_in_code" not in str(error):
                raise
    raise RuntimeError("could not draw a unique check-in code")


def recount(conn, meeting: Meeting, confirming: int, kind: str, case_keys: list) -> tuple[set[int], list]:
    """Re-run the allocation of the part `confirming` is in from the rows and write the rows whose place
    changed; return the applications that gained or lost a place (or moved between gallery and overflow
    room), and the places of the application `confirming`."""
    speakers, observers, held, owner = [], [], {}, {}
    aliases = dict(conn.execute(ALIASES, (meeting.organizer_id,)).fetchall())
    if kind == "observe":
        for (application_id, at, org_key, village_key, outcome, reason,
             position) in conn.execute(OBSERVERS, (meeting.id,)).fetchall():
            observers.append(rules.ObserverBid(key=application_id, at=at, group=aliases.get(org_key, org_key),
                                               village=village_key))
            held[("applications", application_id)] = (outcome, reason, position)
            owner[("applications", application_id)] = application_id
    else:
        for (application_id, request_id, case_key, at, org_key, claim, outcome, reason, position, given_place, pool,
             interest) in conn.execute(SPEAKERS_ON_CASES, (meeting.id, sorted(set(case_keys)))).fetchall():
            speakers.append(rules.SpeakerBid(key=request_id, case=case_key, at=at, group=aliases.get(org_key, org_key),
                                             pool=pool, claim=claim,
                                             interest=normalise_name(interest) if interest else "",
                                             given=given_place))
            held[("speaking_requests", request_id)] = (outcome, reason, position)
            owner[("speaking_requests", request_id)] = application_id
    placed = {("speaking_requests", k): p for k, p in rules.allocate_speakers(
        speakers, speaker_cap=meeting.speaker_cap, representative_cap=meeting.representative_cap).items()}
    placed.update({("applications", k): p for k, p in rules.allocate_observers(
        observers, gallery_seats=meeting.gallery_seats, per_group=meeting.per_group,
        per_village=meeting.per_village).items()})
    moved = [(table, key, p) for (table, key), p in placed.items()
             if (p.outcome, p.reason, p.position) != held[(table, key)]]
    for table in ("speaking_requests", "applications"):
        rows = [(p.outcome, p.reason, p.position, key) for t, key, p in moved if t == table]
        if rows:
            conn.cursor().executemany(f"UPDATE {table} SET outcome = %s, reason = %s, position = %s"
                                      " WHERE id = %s", rows)
    told = {owner[(table, key)] for table, key, p in moved if _told(held[(table, key)][0], p.outcome)}
    return told, [p for (table, key), p in placed.items() if owner[(table, key)] == confirming]


def _told(before, after) -> bool:
    """placing.place_change for one place: a place gained or lost, or gallery and overflow room swapped."""
    return (before in rules.SEATED) != (after in rules.SEATED) or {before, after} == {rules.GALLERY, rules.OVERFLOW}
