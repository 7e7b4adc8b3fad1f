"""Benchmark: the adoption-status page of a plan with 5,000 comments, filtered and searched (goal: at least
60 % of the bare route's rate).

    BENCH_POSTGRES_URL=postgresql+psycopg://portal@127.0.0.1:55432/portal_bench .venv/bin/python benchmarks/adoption.py

Seeds one plan with 5,000 written opinions (each with a published response), then loads, in the same
process and in alternating rounds, the portal's /plans/<id>/adoption with a mix of searches (農地, 海岸 …)
and filters (decision, source, topic, page 2) and a bare route registered on the same app that runs the
same two queries (count and page) and writes the rows as plain text, without templates.
"""
import os
import random

from comments_common import WORDS, bench_app, comment_rows, insert_comments, now_utc, rate
from flask import Response, request

from app.comments.queries import Filters, adoption_page, filter_choices
from app.extensions import db
from tests import factories

COMMENTS = int(os.environ.get("BENCH_ADOPTION_COMMENTS", "5000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
GOAL = 0.60


def bare_adoption(plan_id):
    """The same queries as the adoption page (the page of rows, the count, the filter menus), as plain text."""
    rows, total = adoption_page(plan_id, Filters.from_args(request.args))
    filter_choices(plan_id)
    lines = [str(total)] + [f"{c.id}\t{c.name}\t{c.text}\t{r.decision if r else ''}\t{r.reasoning if r else ''}"
                            for c, r in rows]
    return Response("\n".join(lines), mimetype="text/plain")


def urls(plan_id: int, prefix: str) -> list[str]:
    """Searched and filtered addresses of the plan's adoption page."""
    queries = [f"q={word}" for word in WORDS[:6]] + ["decision=partly", "source=written&q=保育",
                                                      f"topic={WORDS[1]}", "decision=adopted&page=2"]
    return [f"{prefix}{plan_id}{'/adoption' if prefix == '/plans/' else ''}?{q}" for q in queries]


def main():
    app, url = bench_app("portal_bench_adoption")
    app.add_url_rule("/bare/adoption/<int:plan_id>", view_func=bare_adoption)
    now = now_utc()
    with app.app_context():
        plan = factories.plan(stage="exhibition")
        planner, approver = factories.staff("planner", plan.organizer), factories.staff("secretariat", plan.organizer)
        factories.commit()
        rows = comment_rows(random.Random(2), COMMENTS, plan_id=plan.id, organizer_id=plan.organizer_id, now=now)
        insert_comments(rows, drafter_id=planner.id, approver_id=approver.id, now=now)
        plan_id = plan.id
        db.session.remove()
    client = app.test_client()
    app_urls, bare_urls = urls(plan_id, "/plans/"), urls(plan_id, "/bare/adoption/")
    rate(client, app_urls, 1), rate(client, bare_urls, 1)  # warm up
    app_rates, bare_rates = [], []
    for _ in range(ROUNDS):
        app_rates.append(rate(client, app_urls, SECONDS))
        bare_rates.append(rate(client, bare_urls, SECONDS))
    app_rate, bare_rate = sum(app_rates) / ROUNDS, sum(bare_rates) / ROUNDS
    ratio = app_rate / bare_rate
    engine = "postgresql" if url.startswith("postgresql") else "sqlite"
    print(f"adoption, {COMMENTS} comments, {engine}: app {app_rate:.1f} req/s, bare {bare_rate:.1f} req/s, "
          f"ratio {ratio:.2f} (goal >= {GOAL:.2f}: {'met' if ratio >= GOAL else 'NOT met'})")
    return 0 if ratio >= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
