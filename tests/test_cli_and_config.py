"""Command-line tasks and configuration safety."""
import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import User
from app.config import FORM_OVERHEAD_BYTES, ConfigurationError
from app.meetings.models import Meeting
from app.rules.periods import registration_state
from app.urls import external_url

ROOT = Path(__file__).resolve().parent.parent


def test_demo_data_has_every_kind_status_and_an_open_registration(runner, db):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "demo-password-2026" in result.output and "admin@demo.landuse.tw" in result.output
    meetings = db.session.scalars(select(Meeting)).all()
    assert {m.kind for m in meetings} == {"symposium", "workshop", "hearing", "committee", "subgroup"}
    assert {m.status for m in meetings} == {"draft", "published", "postponed", "cancelled"}
    now = datetime.now(timezone.utc)
    open_now = {m.kind for m in meetings
                if registration_state(now, m.registration_opens_at, m.registration_closes_at) == "open"}
    assert {"hearing", "committee"} <= open_now
    assert any(m.ends_at < now for m in meetings) and any(m.starts_at > now for m in meetings)
    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert "already has meetings" in again.output
    assert db.session.scalar(select(func.count(Meeting.id))) == len(meetings)


@pytest.mark.parametrize("command", ["demo-data", "demo-code"])
def test_demo_commands_refuse_to_run_in_production(app, runner, db, command):
    # The demo's passwords and TOTP key are published in the README.
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=[command])
    assert result.exit_code != 0 and f"{command} is for development only" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_demo_data_seeds_the_standing_invitees_of_every_organizer_P11(runner, db):
    from app.plans.models import StandingInvitee
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    invitees = db.session.scalars(select(StandingInvitee)).all()
    assert len(invitees) >= 2  # the Ministry's planning agency and its branch
    assert all(i.organizer_id is None and "@" in i.email for i in invitees)


def test_create_staff_hashes_the_password_and_rejects_bad_input(runner, db, make):
    make.organizer("taichung")
    make.commit()
    ok = runner.invoke(args=["create-staff", "--email", "a@example.tw", "--name", "承辦人", "--role", "secretariat",
                             "--organizer", "taichung", "--password", "long enough password"])
    assert ok.exit_code == 0, ok.output
    user = db.session.scalar(select(User).where(User.email == "a@example.tw"))
    assert user.password_hash.startswith("$argon2id$") and "long enough" not in user.password_hash
    for args, message in ((["--organizer", "nowhere"], "no organizer 'nowhere'"),
                          (["--organizer", "taichung", "--email", "A@example.tw"], "exists already"),
                          (["--organizer", "taichung", "--password", "short"], "at least 12")):
        base = {"--email": "b@example.tw", "--name": "某人", "--role": "secretariat", "--password": "long enough password"}
        pairs = dict(zip(args[::2], args[1::2], strict=True))
        argv = ["create-staff"] + [x for k, v in (base | pairs).items() for x in (k, v)]
        result = runner.invoke(args=argv)
        assert result.exit_code != 0 and message in result.output


PRODUCTION = {"PORTAL_ENV": "production", "SECRET_KEY": "k" * 64,
              "PUBLIC_BASE_URL": "https://participation.example.gov.tw"}


def start_wsgi(env: dict) -> subprocess.CompletedProcess:
    """Start the app as gunicorn would (`import wsgi`) in a fresh interpreter with only `env` set."""
    clean = {k: v for k, v in os.environ.items()
             if k not in ("PORTAL_ENV", "SECRET_KEY", "PUBLIC_BASE_URL", "TRUSTED_PROXIES") and not k.startswith("DATABASE_")}
    code = "import wsgi; print('started', wsgi.app.config['ENV_NAME'])"
    return subprocess.run([sys.executable, "-c", code], env=clean | {"DATABASE_URL": "sqlite://"} | env, cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=60)


@pytest.mark.parametrize("env, message", [
    ({}, "PORTAL_ENV is not set: set PORTAL_ENV=production"),
    ({"PORTAL_ENV": "Production"}, "PORTAL_ENV='Production' is not a known environment"),
    ({"PORTAL_ENV": "prod"}, "PORTAL_ENV='prod' is not a known environment"),
    ({"PORTAL_ENV": ""}, "PORTAL_ENV='' is not a known environment"),
    ({"PORTAL_ENV": "development", "SECRET_KEY": ""}, "SECRET_KEY is set but empty"),
    (PRODUCTION | {"SECRET_KEY": ""}, "SECRET_KEY is set but empty"),
    (PRODUCTION | {"SECRET_KEY": "dev-only-not-secret"}, "SECRET_KEY must be set to a random value"),
    ({k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}, "SECRET_KEY must be set to a random value"),
    ({k: v for k, v in PRODUCTION.items() if k != "PUBLIC_BASE_URL"}, "PUBLIC_BASE_URL must be set in production"),
    (PRODUCTION | {"PUBLIC_BASE_URL": "http://participation.example.gov.tw"}, "PUBLIC_BASE_URL='http://"),
    (PRODUCTION | {"TRUSTED_PROXIES": "one"}, "TRUSTED_PROXIES='one' is not a whole number"),
    (PRODUCTION | {"SESSION_COOKIE_SECURE": "ture"}, "SESSION_COOKIE_SECURE='ture' is not true or false"),
    (PRODUCTION | {"RATELIMIT_ENABLED": "enabled"}, "RATELIMIT_ENABLED='enabled' is not true or false"),
    (PRODUCTION | {"MAIL_USE_TLS": ""}, "MAIL_USE_TLS='' is not true or false"),
])
def test_the_app_refuses_to_start_under_an_unsafe_configuration_with_a_clear_message(env, message):
    result = start_wsgi(env)
    assert result.returncode != 0 and "started" not in result.stdout
    assert "ConfigurationError: " + message in result.stderr


def test_the_makefile_development_commands_name_the_development_environment():
    # `make run` keeps working although the app refuses an unset PORTAL_ENV.
    flask = next(line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("FLASK :="))
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_ENV"}
    command = flask.split(":=", 1)[1].replace("$$", "$").replace("$(BIN)", str(Path(sys.executable).parent))
    result = subprocess.run(["bash", "-c", command + " shell"], input="print('env', app.config['ENV_NAME'])\n",
                            env=env | {"DATABASE_URL": "sqlite://"}, cwd=ROOT, capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "env development" in result.stdout


def test_the_app_starts_in_production_when_the_configuration_is_complete():
    result = start_wsgi(PRODUCTION | {"TRUSTED_PROXIES": "1"})
    assert result.returncode == 0, result.stderr
    assert "started production" in result.stdout


def test_a_session_signed_with_the_development_key_cannot_reach_a_production_app(monkeypatch):
    # PORTAL_ENV=prod used to run the development configuration, whose public key forged an admin session.
    monkeypatch.setenv("PORTAL_ENV", "prod")
    with pytest.raises(ConfigurationError, match="not a known environment"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_defaults_secure_cookies_hsts_and_links_from_the_public_address(monkeypatch):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/language/en", headers={"Host": "evil.example"})
    assert response.headers["Strict-Transport-Security"] == f"max-age={365 * 24 * 3600}"
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert external_url("meetings.show", meeting_id=7) == "https://participation.example.gov.tw/meetings/7"


def test_development_sends_no_hsts_and_keeps_its_own_key(monkeypatch):
    for name in ("SECRET_KEY", "PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORTAL_ENV", "development")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["ENV_NAME"] == "development" and app.config["SECRET_KEY"] == "dev-only-not-secret"
    assert "Strict-Transport-Security" not in app.test_client().get("/language/en").headers


def test_the_environment_is_read_when_the_app_is_created_not_at_import(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("DATABASE_PRE_PING", "1")
    monkeypatch.setenv("UPLOAD_MAX_BYTES", str(3 * 1024 * 1024))
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_recycle": 300, "pool_pre_ping": True}
    assert app.config["TRUSTED_PROXIES"] == 2
    # The request limit follows the upload limit, with room for the form's other fields.
    assert app.config["MAX_CONTENT_LENGTH"] == 3 * 1024 * 1024 + FORM_OVERHEAD_BYTES
    monkeypatch.setenv("DATABASE_PRE_PING", "0")
    again = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert again.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is False


@pytest.mark.parametrize("raw, value", [("1", True), (" TRUE ", True), ("Yes", True), ("on", True),
                                        ("0", False), ("false", False), ("NO", False), ("Off", False)])
def test_booleans_accept_only_explicit_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", raw)
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SESSION_COOKIE_SECURE"] is value


def test_tests_are_hermetic_the_environment_is_not_read(monkeypatch):
    monkeypatch.setenv("RATELIMIT_ENABLED", "1")
    monkeypatch.setenv("PORTAL_ENV", "nonsense")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["ENV_NAME"] == "test" and app.config["RATELIMIT_ENABLED"] is False


def test_no_library_private_name_is_replaced_anywhere_in_the_app():
    # Design rule: configure libraries through their public hooks, never by assigning to `module._name`.
    assignment = re.compile(r"^\s*(?!self\b)[A-Za-z_][\w.]*\._[A-Za-z]\w*\s*=[^=]", re.M)
    found = [f"{path.relative_to(ROOT)}: {match.group(0).strip()}" for path in (ROOT / "app").rglob("*.py")
             for match in assignment.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
