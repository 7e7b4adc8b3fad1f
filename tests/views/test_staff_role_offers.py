"""Issue 9, item 11: staff are offered only what their role may do — no link or form on a staff page answers 403."""
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from app.materials.models import Material

from .conftest import text_of

MAX_PAGES = 150


class _Offers(HTMLParser):
    """The links and form actions a page offers."""

    def __init__(self, page_url):
        super().__init__()
        self.page_url, self.links, self.forms = page_url, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self.forms.append(((attrs.get("method") or "get").lower(), attrs.get("action") or self.page_url))


def _staff_url(href):
    """The in-app staff path a link leads to, or None for public pages, mail links and other sites."""
    parts = urlsplit(urldefrag(href)[0])
    if parts.scheme not in ("", "http") or (parts.netloc not in ("", "localhost")):
        return None
    if not parts.path.startswith("/staff") or parts.path.endswith("/logout"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, start="/staff/"):
    """Every staff page reachable from `start` by GET, with each page's status, and the post forms they offer."""
    seen, statuses, posts, queue = {start}, {}, set(), deque([start])
    while queue and len(statuses) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code in (301, 302, 303, 307, 308) and (found := _staff_url(response.location)) \
                and found not in seen:
            seen.add(found)
            queue.append(found)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        offers = _Offers(url)
        offers.feed(text_of(response))
        targets = list(offers.links) + [action for method, action in offers.forms if method == "get"]
        posts.update(found for method, action in offers.forms if method == "post" and (found := _staff_url(action)))
        for href in targets:
            if (found := _staff_url(href)) and found not in seen:
                seen.add(found)
                queue.append(found)
    return statuses, posts


@pytest.fixture
def busy_county(make, counties):
    """County A with an open meeting that has a case, an application and materials; a plan with a document."""
    meeting = make.open_meeting(counties.a, cases=1)
    make.commit()
    make.application(meeting, case_ids=[meeting.cases[0].id])
    for owner in ({"meeting_id": meeting.id}, {"plan_id": counties.plan_a.id}):
        make.db.session.add(Material(title="簡報", category="briefing", link_url="https://example.tw/a.pdf", **owner))
    make.commit()
    return counties


@pytest.mark.parametrize("role", ["planner_a", "secretariat_a"])
def test_no_staff_page_offers_a_link_or_form_the_role_is_refused(client, db, busy_county, sign_in, role):
    sign_in(getattr(busy_county, role))
    statuses, posts = crawl(client)
    assert len(statuses) > 8, statuses  # the crawl really walked the staff pages
    refused = {url: code for url, code in statuses.items() if code == 403 or code >= 500}
    assert refused == {}, f"{role} is offered links that answer: {refused}"
    answers = {}
    for action in sorted(posts):
        db.session.remove()  # each request starts from the database, as in production (the test shares one session)
        answers[action] = client.post(action).status_code
    assert answers, "no forms found"
    refused = {action: code for action, code in answers.items() if code == 403 or code >= 500}
    assert refused == {}, f"{role} is offered forms that answer: {refused}"


def test_planner_is_not_offered_new_meeting_nor_a_form_to_change_the_rule_profile(client, counties, sign_in):
    sign_in(counties.planner_a)
    dashboard = text_of(client.get("/staff/"))
    assert "/staff/meetings/new" not in dashboard and "New meeting" not in dashboard
    profile = text_of(client.get("/staff/profile"))
    assert '<form method="post" novalidate>' not in profile and "may read this profile but not change it" in profile
    assert "/staff/plans/new" in text_of(client.get("/staff/plans/"))  # planners do make plans


def test_secretariat_is_offered_new_meeting_but_not_new_plan(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    assert "/staff/meetings/new" in text_of(client.get("/staff/"))
    plans = text_of(client.get("/staff/plans/"))
    assert "/staff/plans/new" not in plans and f"/staff/plans/{counties.plan_a.id}/edit" not in plans
    assert f"/staff/plans/{counties.plan_a.id}/materials" in plans
