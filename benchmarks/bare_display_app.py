"""The bare baseline for display.json: a plain Flask route that reads the same rows with psycopg and
answers the same JSON (no ETag, no ORM, no templates, no translations), for benchmarks/display_json.py."""
import math
import sys
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, jsonify

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bare_db import connection  # noqa: E402

from app.rules import speaking_time  # noqa: E402  (pure rules: the same arithmetic)
from app.rules.names import mask_name  # noqa: E402

app = Flask(__name__)
LABELS = {"not_started": "尚未開始", "called": "唱名入場", "comment": "陳述意見", "deliberation": "委員會討論",
          "adjourned": "已散會"}
COURSE = ("SELECT m.id, m.title, m.comment_minutes_per_case, c.version, c.phase, c.case_index, c.warning_seconds, "
          "c.public_leaves FROM meetings m LEFT JOIN meeting_courses c ON c.meeting_id = m.id WHERE m.id = %s")
TURNS = ("SELECT t.id, t.state, t.allotted_seconds, t.started_at, t.paused_at, t.paused_seconds, t.ended_at, a.name, "
         "a.organisation, (SELECT max(new_total) FROM comment_extensions e WHERE e.meeting_id = t.meeting_id "
         "AND e.case_key = t.case_key) FROM speaking_turns t JOIN applications a ON a.id = t.application_id "
         "WHERE t.meeting_id = %s AND t.case_key = 0 ORDER BY t.position, t.id")


def _utc(value):
    return value.replace(tzinfo=timezone.utc) if value is not None else None


def _clock(remaining: float) -> str:
    seconds = math.ceil(round(remaining, 3))
    return f"{'−' if seconds < 0 else ''}{abs(seconds) // 60}:{abs(seconds) % 60:02d}"


@app.get("/meetings/<int:meeting_id>/display.json")
def display_json(meeting_id):
    """The same state display.json answers, for a meeting without cases (key 0)."""
    now = datetime.now(timezone.utc)
    with connection().cursor() as cur:
        cur.execute(COURSE, (meeting_id,))
        mid, title, base, version, phase, index, warning, leaves = cur.fetchone()
        cur.execute(TURNS, (meeting_id,))
        turns = cur.fetchall()
    state = {"meeting": {"id": mid, "title": title}, "version": version or 0, "server_time": now.timestamp(),
             "phase": phase, "phase_label": LABELS[phase], "case": {"number": 1, "count": 1, "title": title},
             "public_leaves": leaves, "notice": "", "warning_seconds": warning, "speaker": None, "next": [],
             "budget": None}
    spoken, total = [], base
    for tid, tstate, allotted, started, paused, held, ended, name, org, extended in turns:
        times = speaking_time.TurnTimes(_utc(started), _utc(paused), held, _utc(ended))
        total = extended or base
        if started is not None:
            spoken.append(times)
        person = {"turn": tid, "name": mask_name(name), "organisation": org, "state": tstate}
        if tstate in ("speaking", "paused", "up") and state["speaker"] is None:
            reading = speaking_time.read_turn(times, allotted_seconds=allotted, warning_seconds=warning, now=now)
            state["speaker"] = person | {
                "allotted": allotted, "remaining": round(reading.remaining, 3), "light": reading.light,
                "ends_at": now.timestamp() + reading.remaining if reading.running else None,
                "clock": _clock(reading.remaining), "overrun": round(reading.overrun, 3)}
        elif tstate == "waiting" and len(state["next"]) < 3:
            state["next"].append(person)
    left = speaking_time.budget_remaining(total, spoken, now)
    state["budget"] = {"total_minutes": total, "remaining": round(left, 3), "clock": _clock(left),
                       "ends_at": None, "spent": left <= 0}
    return jsonify(state)
