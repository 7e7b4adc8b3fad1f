"""Issue 13 items 3 and 7: /healthz and /readyz for a load balancer, and logs without personal data."""
import json
import logging

import pytest
from sqlalchemy import text

from app.extensions import db
from app.requestlog import REQUEST_ID_HEADER

from .conftest import fast_sign_in


@pytest.fixture
def migrated(app, runner):
    """The test database stamped at the migrations' head (the suite builds its schema with create_all)."""
    assert runner.invoke(args=["db", "stamp", "head"]).exit_code == 0
    yield
    with app.app_context():
        db.session.execute(text("DROP TABLE alembic_version"))
        db.session.commit()


def _lines(caplog, logger: str) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == logger]


def test_healthz_answers_without_a_session_or_a_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert "X-RateLimit-Limit" not in response.headers  # the limiter does not count it


def test_readyz_checks_the_database_the_migrations_and_the_store(client, app, migrated):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ready",
                                   "checks": {"database": "ok", "migrations": "ok", "storage": "ok"}}
    assert "Set-Cookie" not in response.headers


def test_readyz_is_not_ready_when_the_schema_is_behind_the_migrations(client, app, migrated):
    with app.app_context():
        [current] = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
        db.session.execute(text("UPDATE alembic_version SET version_num = 'older'"))
        db.session.commit()
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["checks"]["migrations"] == "behind"
        assert response.get_json()["status"] == "not ready"
        assert response.get_json()["checks"]["database"] == "ok"
    finally:
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
            db.session.commit()


def test_readyz_is_not_ready_on_a_database_never_migrated(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "migrations": "behind", "storage": "ok"}


def test_readyz_is_not_ready_when_the_database_does_not_answer(app, tmp_path):
    from app import create_app
    down = create_app({"TESTING": True, "UPLOAD_FOLDER": str(tmp_path / "up"),
                       "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://portal@127.0.0.1:9/nowhere"})
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "unavailable"
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_readyz_is_not_ready_when_the_store_cannot_be_written(client, app, migrated, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the upload folder should be")
    app.config["UPLOAD_FOLDER"] = str(blocked)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["storage"] == "unavailable"
    assert str(blocked) not in response.get_data(as_text=True)  # no paths leak


@pytest.mark.one_engine
def test_every_request_gets_an_id_returned_and_logged_once(client, caplog):
    caplog.set_level(logging.INFO, logger="portal")
    response = client.get("/meetings")
    request_id = response.headers[REQUEST_ID_HEADER]
    assert len(request_id) == 32
    lines = [line for line in _lines(caplog, "portal.requests") if line["request_id"] == request_id]
    assert len(lines) == 1
    assert lines[0]["route"] == "/meetings" and lines[0]["status"] == 200 and lines[0]["method"] == "GET"
    assert lines[0]["ms"] >= 0
    assert "staff_id" not in lines[0]  # a visitor, not staff


@pytest.mark.one_engine
def test_an_untrusted_request_id_is_replaced(client):
    response = client.get("/healthz", headers={REQUEST_ID_HEADER: "chosen-by-the-client-123"})
    assert response.headers[REQUEST_ID_HEADER] != "chosen-by-the-client-123"


# Security events (issue 13 item 7): failed sign-ins, refused CSRF tokens, rate-limit hits.

@pytest.fixture
def staff(make, own_user_per_request):
    user = make.staff("secretariat", email="clerk@county-a.gov.tw")
    fast_sign_in(user)
    return user


def test_failed_sign_ins_and_the_rate_limit_are_logged_without_the_address_typed(app_with, staff, caplog):
    caplog.set_level(logging.INFO, logger="portal")
    client = app_with(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute").test_client()
    for _ in range(3):
        client.post("/staff/login", data={"email": staff.email, "password": "guess"})
    events = [line["event"] for line in _lines(caplog, "portal.security")]
    assert events == ["sign_in_failed", "sign_in_failed", "rate_limited"]
    failed = _lines(caplog, "portal.security")[0]
    assert failed["route"] == "/staff/login" and failed["client"] == "127.0.0.1" and failed["step"] == "password"
    statuses = [line["status"] for line in _lines(caplog, "portal.requests")]
    assert statuses == [401, 401, 429]
    assert staff.email not in caplog.text and "guess" not in caplog.text


def test_a_refused_form_token_is_logged(app_with, make, caplog):
    caplog.set_level(logging.INFO, logger="portal")
    meeting = make.meeting(status="published")
    client = app_with(WTF_CSRF_ENABLED=True).test_client()
    assert client.post(f"/meetings/{meeting.id}/register", data={"name": "王小明"}).status_code == 400
    [event] = _lines(caplog, "portal.security")
    assert event["event"] == "csrf_refused" and event["route"] == "/meetings/<int:meeting_id>/register"


def test_an_application_leaves_no_personal_data_in_the_logs(client, make, caplog):
    caplog.set_level(logging.INFO, logger="portal")
    meeting = make.open_meeting(cases=1)
    make.commit()
    response = client.post(f"/meetings/{meeting.id}/register", data={
        "kind": "observe", "name": "王小明", "email": "ming.wang@example.tw", "phone": "0912-345-678",
        "consent": "y"})
    assert response.status_code == 302
    assert len(_lines(caplog, "portal.requests")) == 1
    for personal in ("王小明", "ming.wang@example.tw", "0912-345-678", "0912345678"):
        assert personal not in caplog.text


def test_a_link_token_in_the_path_is_not_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="portal")
    client.get("/registration/confirm/a-secret-token-from-a-mail")
    [line] = _lines(caplog, "portal.requests")
    assert "a-secret-token-from-a-mail" not in caplog.text
    assert "<" in line["route"]  # the route's pattern stands in for the path


def test_a_database_error_is_answered_503_and_logged_with_the_drivers_words_not_only_its_class(tmp_path, caplog):
    from app import create_app
    empty = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    caplog.set_level(logging.WARNING)
    response = empty.test_client().get("/meetings")  # no tables: a migration that never ran
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    logged = [r.getMessage() for r in caplog.records if "database unavailable" in r.getMessage()]
    assert logged and "no such table" in logged[0]
