"""Issue 13 item 6: the deployment files in deploy/ are valid and agree with the app's settings."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.config import ENVIRONMENT, FORM_OVERHEAD_BYTES, Config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("portal-*.*"))


def test_there_are_units_for_the_web_the_outbox_the_daily_purge_and_the_notices_that_come_due():
    assert {unit.name for unit in UNITS} == {"portal-web.service", "portal-outbox.service",
                                            "portal-purge.service", "portal-purge.timer",
                                            "portal-notices.service", "portal-notices.timer"}


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: scripts/ensure-system-packages.sh installs systemd"
    # The units name /srv/portal; here the checkout stands in for it, so every ExecStart must exist in our venv.
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/portal", str(ROOT)))
    done = subprocess.run([analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "portal-purge.service" in (DEPLOY / "systemd" / "portal-purge.timer").read_text()


@pytest.mark.parametrize("unit", ["portal-web.service", "portal-outbox.service", "portal-purge.service",
                                  "portal-notices.service"])
def test_services_run_as_the_portal_user_with_the_code_read_only(unit):
    text = (DEPLOY / "systemd" / unit).read_text()
    assert "User=portal" in text and "ProtectSystem=strict" in text and "NoNewPrivileges=true" in text
    assert "EnvironmentFile=/etc/portal/portal.env" in text


def test_the_example_environment_names_only_settings_the_app_reads():
    names = re.findall(r"^([A-Z_]+)=", (DEPLOY / "portal.env.example").read_text(), re.M)
    assert "PORTAL_ENV" in names and "TRUSTED_PROXIES" in names
    unknown = [n for n in names if n not in ENVIRONMENT and n != "PORTAL_ENV"]
    assert unknown == []


def test_nginx_sets_the_headers_the_trusted_proxy_setting_reads_and_compresses_text():
    conf = (DEPLOY / "nginx" / "portal.conf").read_text()
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header} " in conf
    assert re.search(r"^\s*gzip on;", conf, re.M) and "text/css" in conf
    assert "Strict-Transport-Security" in conf and "listen 443 ssl" in conf
    limit_mb = (Config.UPLOAD_MAX_BYTES + FORM_OVERHEAD_BYTES) // (1024 * 1024)
    assert f"client_max_body_size {limit_mb}m;" in conf
    static = re.search(r"location /static/ \{\s*alias /srv/portal/(\S+);", conf).group(1)
    assert (ROOT / static).is_dir()
    # The micro-cache never serves a signed-in staff member's page from the cache.
    assert "proxy_no_cache $cookie_session;" in conf and "proxy_cache_bypass $cookie_session;" in conf


def test_gunicorn_keeps_no_access_log_of_its_own_the_apps_json_line_leaves_out_paths_and_tokens():
    # A private link's token is in its path; app/requestlog.py logs the route pattern only.
    for text in [(DEPLOY / "systemd" / "portal-web.service").read_text(), (ROOT / "README.md").read_text()]:
        assert "--access-logfile" not in text and "--access-log" not in text
