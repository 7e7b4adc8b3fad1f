"""The baseline: bare Flask routes that fetch every row the portal's pages show and return plain text.

No extensions, no ORM, no templates, no Babel: one psycopg 3 connection per server thread
(autocommit, so no BEGIN/ROLLBACK round trips), hand-written SQL. The URLs and their query
parameters are the portal's, so the load generator sends both servers the same requests.

    BARE_DATABASE_URL=postgresql://portal@127.0.0.1:55432/portal_bench \
        gunicorn --chdir benchmarks bare_app:app
"""
from datetime import datetime, timezone

from bare_db import connection
from flask import Flask, Response, abort, request

COUNTIES = {"taipei", "new-taipei", "taoyuan", "taichung", "tainan", "kaohsiung", "keelung", "hsinchu-city",
            "chiayi-city", "hsinchu", "miaoli", "changhua", "nantou", "yunlin", "chiayi", "pingtung", "yilan",
            "hualien", "taitung", "penghu", "kinmen", "lienchiang"}
KINDS = {"symposium", "workshop", "hearing", "committee", "subgroup"}
PUBLIC = ("published", "postponed", "cancelled")
PER_PAGE = 20

app = Flask(__name__)


def _filters(args):
    """The same filters the portal's list understands; unknown values are ignored."""
    where, params = ["m.status = ANY(%s)"], [list(PUBLIC)]
    if args.get("county") in COUNTIES:
        where.append("p.county_code = %s")
        params.append(args["county"])
    if args.get("plan", "").isdigit():
        where.append("m.plan_id = %s")
        params.append(int(args["plan"]))
    if args.get("kind") in KINDS:
        where.append("m.kind = %s")
        params.append(args["kind"])
    past = args.get("when") == "past"
    where.append("m.ends_at < %s" if past else "m.ends_at >= %s")
    params.append(datetime.now(timezone.utc).replace(tzinfo=None))  # stored as naive UTC, as UTCDateTime does
    order = "m.starts_at DESC, m.id DESC" if past else "m.starts_at, m.id"
    return " AND ".join(where), params, order


def _text(lines) -> Response:
    return Response("\n".join("\t".join("" if v is None else str(v) for v in row) for row in lines) + "\n",
                    mimetype="text/plain")


@app.get("/meetings")
def meetings():
    """The filtered page of 20: the count, the meetings with plan and organizer names, the plan list."""
    where, params, order = _filters(request.args)
    page = int(request.args["page"]) if request.args.get("page", "").isdigit() else 1
    conn = connection()
    total = conn.execute(f"SELECT count(*) FROM meetings m JOIN plans p ON p.id = m.plan_id WHERE {where}",
                         params).fetchone()[0]
    rows = conn.execute(
        "SELECT m.id, m.kind, m.phase, m.status, m.status_reason, m.title, m.starts_at, m.ends_at, m.venue_name,"
        " p.name, p.name_en, o.name, o.name_en"
        " FROM meetings m JOIN plans p ON p.id = m.plan_id JOIN organizers o ON o.id = m.organizer_id"
        f" WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s", [*params, PER_PAGE, (page - 1) * PER_PAGE]).fetchall()
    plans = conn.execute("SELECT id, name, name_en FROM plans ORDER BY name").fetchall()
    return _text([(total,), *rows, *plans])


@app.get("/meetings/<int:meeting_id>")
def meeting(meeting_id):
    """Everything the meeting page shows: the meeting with plan and organizer names and the
    organizer's rule profile (departures are shown against it), its agenda items, cases, suggested
    attendance, status history, departures from the profile, materials, and the allocated speakers
    in speaking order (names and organisations only, as the page masks them)."""
    conn = connection()
    row = conn.execute(
        "SELECT m.*, p.name, p.name_en, o.name, o.name_en, r.speaker_cap, r.gallery_seats,"
        " r.observers_per_group, r.observers_per_village, r.minutes_per_speaker, r.comment_minutes_per_case"
        " FROM meetings m JOIN plans p ON p.id = m.plan_id JOIN organizers o ON o.id = m.organizer_id"
        " LEFT JOIN rule_profiles r ON r.organizer_id = o.id"
        " WHERE m.id = %s AND m.status = ANY(%s)", [meeting_id, list(PUBLIC)]).fetchone()
    if row is None:
        abort(404)
    rows = [row]
    for sql in (
        "SELECT starts_at, ends_at, title, presenter FROM agenda_items WHERE meeting_id = %s ORDER BY position, id",
        "SELECT id, title, summary, comment_minutes FROM review_cases WHERE meeting_id = %s ORDER BY position, id",
        "SELECT agency, unit, seats, subtopics FROM suggested_attendance WHERE meeting_id = %s ORDER BY id",
        "SELECT at, to_status, reason, previous_starts_at, new_starts_at FROM meeting_status_changes"
        " WHERE meeting_id = %s ORDER BY id",
        "SELECT setting, profile_value, value, reason FROM rule_departures WHERE meeting_id = %s ORDER BY id",
        "SELECT id, category, title, link_url, original_filename, size_bytes FROM materials"
        " WHERE meeting_id = %s ORDER BY category, id",
        "SELECT r.case_key, r.position, a.name, a.organisation FROM speaking_requests r"
        " JOIN applications a ON a.id = r.application_id"
        " WHERE r.meeting_id = %s AND r.active AND r.outcome = 'allocated'"
        " ORDER BY r.case_key, a.pool, a.interest_group, r.position, r.id",
    ):
        rows.extend(conn.execute(sql, [meeting_id]).fetchall())
    return _text(rows)
