"""Shared set-up of the comment benchmarks: a fresh database (PostgreSQL when BENCH_POSTGRES_URL is set,
else a SQLite file), the portal app on it, and comments with responses inserted in bulk."""
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seed import bench_database_url, recreate_database  # noqa: E402

from app import create_app  # noqa: E402
from app.comments.models import Comment, Response  # noqa: E402
from app.comments.richtext import sanitise, search_key  # noqa: E402
from app.extensions import db  # noqa: E402

WORDS = ("農地", "海岸", "濕地", "保育", "工業區", "住宅", "交通", "水資源", "山坡地", "原住民族", "防災", "公聽會")
DECISIONS = ("adopted", "partly", "not_adopted", "elsewhere", "out_of_scope")


def bench_app(name: str):
    """The portal on a fresh database named `name`, its schema created."""
    base = os.environ.get("BENCH_POSTGRES_URL")
    if base:
        url = bench_database_url(base, name)
        recreate_database(url)
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/{name}.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
    return app, url


def comment_rows(rng, n: int, *, plan_id, organizer_id, meeting_id=None, case_ids=(None,), now) -> list[dict]:
    """`n` comments of plausible text, a fifth of them by organisations."""
    rows = []
    for i in range(n):
        text = "、".join(rng.sample(WORDS, 3)) + f"：第 {i} 則意見，請規劃單位說明劃設理由並補充資料。" * 2
        organisation = f"在地保育協會{i % 40}" if i % 5 == 0 else ""
        rows.append(dict(plan_id=plan_id, organizer_id=organizer_id, meeting_id=meeting_id,
                         case_id=case_ids[i % len(case_ids)], source="oral" if meeting_id else "written",
                         oral_form="consented_summary" if meeting_id else None, position=i, name=f"王{i}明",
                         organisation=organisation, confidential=i % 50 == 0, topic=WORDS[i % 4], text=text,
                         search_text=search_key(text, organisation), received_at=now - timedelta(days=i % 60),
                         created_at=now))
    return rows


def insert_comments(rows, *, drafter_id, approver_id, now, status="published"):
    """Insert the comments and one response each (approved by another person)."""
    db.session.execute(insert(Comment), rows)
    ids = [cid for (cid,) in db.session.execute(db.select(Comment.id).order_by(Comment.id))]
    reasoning = sanitise("<p>經查本意見涉及<strong>功能分區</strong>劃設，已於計畫書補充說明。</p><ul><li>一</li></ul>")
    db.session.execute(insert(Response), [dict(
        comment_id=cid, organizer_id=rows[0]["organizer_id"], decision=DECISIONS[cid % 5], reasoning=reasoning,
        plan_section="第五章", status=status, version=1, drafted_by_id=drafter_id, approved_by_id=approver_id,
        drafted_at=now, approved_at=now, published_at=now if status == "published" else None) for cid in ids])
    db.session.commit()
    return ids


def timed(client, url: str, runs: int) -> list[float]:
    """Wall-clock seconds of `runs` GETs of `url` (each must answer 200)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return times


def rate(client, urls: list[str], seconds: float) -> float:
    """Requests per second over `seconds`, the URLs in turn."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        assert client.get(urls[done % len(urls)]).status_code == 200
        done += 1
    return done / (time.perf_counter() - start)


def median_ms(times) -> float:
    """The median in milliseconds."""
    return statistics.median(times) * 1000


def now_utc() -> datetime:
    """The current moment, aware UTC."""
    return datetime.now(timezone.utc).replace(microsecond=0)
