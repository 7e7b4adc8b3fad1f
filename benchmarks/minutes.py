"""Benchmark: a meeting's published minutes with 1,000 comments and responses (goal: under 500 ms).

    BENCH_POSTGRES_URL=postgresql+psycopg://portal@127.0.0.1:55432/portal_bench .venv/bin/python benchmarks/minutes.py

Seeds one meeting with 4 cases and 1,000 oral comments, each with an approved response, publishes the
minutes through the service (publish_minutes), then times GET /meetings/<id>/minutes against a bare route
registered on the same app that runs the same queries (meeting, versions, signed copy) and writes the
same items as plain text without templates. Without BENCH_POSTGRES_URL a SQLite file is used.
"""
import os
import random

from comments_common import bench_app, comment_rows, insert_comments, median_ms, now_utc, timed
from flask import Response
from sqlalchemy import select

from app.accounts.models import User
from app.comments.minutes import publish_minutes, versions
from app.extensions import db
from app.materials.models import Material
from app.meetings.models import Meeting, ReviewCase
from tests import factories

COMMENTS = int(os.environ.get("BENCH_MINUTES_COMMENTS", "1000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
GOAL_MS = 500


def bare_minutes(meeting_id):
    """The same queries as the minutes page, answered as plain text."""
    meeting = db.session.get(Meeting, meeting_id)
    history = versions(meeting.id)
    version = history[0]
    if version.signed_copy_id:
        db.session.get(Material, version.signed_copy_id)
    lines = [meeting.title, str(version.number)]
    for section in version.content["sections"]:
        lines.append(section["title"])
        lines += [f"{i['comment_id']}\t{i['speaker']}\t{i['text']}\t{i['decision']}\t{i['reasoning']}"
                  for i in section["items"]]
    return Response("\n".join(lines), mimetype="text/plain")


def main():
    app, url = bench_app("portal_bench_minutes")
    app.add_url_rule("/bare/minutes/<int:meeting_id>", view_func=bare_minutes)
    now = now_utc()
    with app.app_context():
        meeting = factories.open_meeting(cases=4)
        planner, approver = factories.staff("planner", meeting.organizer), factories.staff("secretariat",
                                                                                         meeting.organizer)
        factories.commit()
        case_ids = [c.id for c in db.session.scalars(select(ReviewCase).where(ReviewCase.meeting_id == meeting.id))]
        rows = comment_rows(random.Random(1), COMMENTS, plan_id=meeting.plan_id, organizer_id=meeting.organizer_id,
                            meeting_id=meeting.id, case_ids=case_ids, now=now)
        insert_comments(rows, drafter_id=planner.id, approver_id=approver.id, now=now, status="approved")
        publish_minutes(meeting, members="甲委員、乙委員", agencies="農業部", actor=db.session.get(User, approver.id),
                        now=now)
        db.session.commit()
        meeting_id = meeting.id
    client = app.test_client()
    page, bare = f"/meetings/{meeting_id}/minutes", f"/bare/minutes/{meeting_id}"
    timed(client, page, 2), timed(client, bare, 2)  # warm up: templates compiled, connections opened
    app_ms, bare_ms = median_ms(timed(client, page, RUNS)), median_ms(timed(client, bare, RUNS))
    engine = "postgresql" if url.startswith("postgresql") else "sqlite"
    print(f"minutes, {COMMENTS} comments, {engine}: app median {app_ms:.1f} ms, bare {bare_ms:.1f} ms "
          f"(goal < {GOAL_MS} ms: {'met' if app_ms < GOAL_MS else 'NOT met'})")
    return 0 if app_ms < GOAL_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
