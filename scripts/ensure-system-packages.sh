#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing:
# the PostgreSQL server, Chromium (for the Playwright journeys), CJK fonts (for screenshots and PDFs)
# and Pango (WeasyPrint's text layout).
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
# Redis: the shared rate-limit store of the two-instance tests (scripts/test-redis.sh).
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# curl: scripts/test-s3.sh asks the S3 test server whether it is up.
command -v curl >/dev/null 2>&1 || need+=(curl)
# systemd-analyze checks the unit files in deploy/systemd.
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# WeasyPrint (PDF minutes) draws text with Pango.
dpkg -s libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "ERROR: need root (or sudo) to install: ${need[*]}" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
