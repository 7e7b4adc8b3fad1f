"""The engine tiers of tests/conftest.py: both engines by default, `one_engine` only for tests that read."""
from collections import defaultdict

import pytest
from sqlalchemy import update

from app.extensions import db
from app.plans.models import Organizer

from .conftest import BOTH_ENGINES_ALWAYS, ENGINES, ONE_ENGINE, ReadOnlyWatch


def engines_by_test(items) -> dict:
    """The engines each collected test function runs on, keyed by (file, function name)."""
    found = defaultdict(set)
    for item in items:
        if "app" in getattr(item, "fixturenames", ()):
            found[(item.nodeid.split("::")[0], item.originalname)].add(item.callspec.params["app"])
    return found


def test_unmarked_tests_run_on_every_engine_and_one_engine_tests_once(request):
    items = {(i.nodeid.split("::")[0], i.originalname): i for i in request.session.items}
    checked = 0
    for key, engines in engines_by_test(request.session.items).items():
        marked = items[key].get_closest_marker("one_engine") is not None
        assert engines == ({ONE_ENGINE} if marked else set(ENGINES)), key
        assert not (marked and key[0].startswith(BOTH_ENGINES_ALWAYS)), key
        checked += 1
    assert checked


def write_endpoints(app):
    """Two test-only routes: a GET that writes to the database and one that only reads."""
    organizer = Organizer(slug="tiers", name="測試縣政府")
    db.session.add(organizer)
    db.session.commit()

    @app.get("/_test/rename")
    def rename():
        db.session.execute(update(Organizer).where(Organizer.slug == "tiers").values(name="改名"))
        db.session.commit()
        return "renamed"

    @app.get("/_test/read")
    def read():
        return db.session.get(Organizer, organizer.id).name


def test_the_watch_fails_a_test_whose_requests_post_or_write(app, client):
    write_endpoints(app)
    watch = ReadOnlyWatch("example")
    watch.attach(app)
    assert client.get("/_test/read").status_code == 200
    watch.check()  # a read passes
    client.get("/_test/rename")
    client.post("/staff/login", data={"email": "nobody@example.tw", "password": "x"})
    assert watch.found[0] == "UPDATE during GET /_test/rename"
    assert "POST /staff/login" in watch.found
    with pytest.raises(pytest.fail.Exception, match="marked one_engine but writes through a request"):
        watch.check()
