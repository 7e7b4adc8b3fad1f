"""Command-line tasks and configuration safety."""
import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import User
from app.meetings.models import Meeting
from app.rules.periods import registration_state

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


@pytest.mark.parametrize("secret", [None, "dev-only-not-secret", "short"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, secret):
    monkeypatch.setenv("PORTAL_ENV", "production")
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
    if secret is not None:
        config["SECRET_KEY"] = secret
    else:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_production_starts_with_a_real_secret_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 64})
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["SESSION_COOKIE_HTTPONLY"] is True


@pytest.mark.parametrize("env, expected", [
    ({}, {"pool_recycle": 300, "pool_pre_ping": False}),
    ({"DATABASE_PRE_PING": "1", "DATABASE_POOL_RECYCLE": "300"}, {"pool_recycle": 300, "pool_pre_ping": True}),
])
def test_connection_pool_settings_come_from_the_environment(env, expected):
    # The configuration is read when the process starts, so each case runs in a fresh interpreter.
    code = ("import json; from app import create_app; "
            "app = create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
            "print(json.dumps(app.config['SQLALCHEMY_ENGINE_OPTIONS']))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    result = subprocess.run([sys.executable, "-c", code], env=clean | env, cwd=ROOT, capture_output=True, text=True,
                            check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected
