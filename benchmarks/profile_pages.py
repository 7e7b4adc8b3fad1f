"""Per-request CPU time of the public pages, in process (Flask test client, no server), with an
optional cProfile of one page kind: a quick before/after measure for optimising a page.

    PROFILE_DATABASE_URL=postgresql+psycopg://portal@127.0.0.1:55432/portal_prof \
        .venv/bin/python benchmarks/profile_pages.py [--seed] [--profile meeting] [--dump DIR] [--repeat N]

--seed (re)creates and seeds that database (benchmarks/seed.py); --dump writes every page body to
DIR (to compare two versions byte for byte); both languages are loaded, as anonymous first visits.
"""
import argparse
import cProfile
import os
import pstats
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, os.getcwd())

from seed import recreate_database, seed  # noqa: E402


def page_paths(app) -> dict[str, list[str]]:
    """A few URLs of each public page kind, chosen as run_all.py chooses them."""
    from run_all import choose_paths
    from sqlalchemy import select

    from app.extensions import db
    from app.plans.models import Plan
    lists, meetings = choose_paths(app)
    with app.app_context():
        plans = db.session.scalars(select(Plan.id).order_by(Plan.id).limit(5)).all()
        db.session.remove()
    return {"list": lists, "meeting": meetings[::5], "home": ["/"], "plan": [f"/plans/{i}" for i in plans],
            "plans": ["/plans"]}


def run(client, paths, repeat, dump=None, kind=""):
    """CPU milliseconds per request over `repeat` passes of `paths` in both languages."""
    count, started = 0, time.process_time()
    for _ in range(repeat):
        for lang in ("zh_Hant_TW", "en"):
            client.set_cookie("lang", lang)
            for number, path in enumerate(paths):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                count += 1
                if dump:
                    (Path(dump) / f"{kind}-{lang}-{number}.html").write_bytes(response.data)
    return (time.process_time() - started) * 1000 / count


def main():
    """Seed if asked, warm up, then time (and optionally profile) each page kind."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", action="store_true")
    parser.add_argument("--profile", default="")
    parser.add_argument("--dump", default="")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = os.environ["PROFILE_DATABASE_URL"]
    from app import create_app
    if args.seed:
        recreate_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    if args.seed:
        seed(app, datetime.now(timezone.utc))
    paths = page_paths(app)
    client = app.test_client()
    if args.dump:
        Path(args.dump).mkdir(parents=True, exist_ok=True)
    for kind, urls in paths.items():
        run(client, urls, 1, args.dump, kind)  # warm up (and dump)
        passes = sorted(run(client, urls, 1) for _ in range(args.repeat))  # the least disturbed pass, and the median
        print(f"{kind:8} {passes[0]:6.2f} ms CPU per request (median {passes[len(passes) // 2]:6.2f}; "
              f"{len(urls)} URLs x 2 languages, {args.repeat} passes)")
    if args.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU time: other programs on the machine do not count
        profiler.enable()
        run(client, paths[args.profile], args.repeat)
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs()
        print(f"{stats.total_calls} function calls")
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
