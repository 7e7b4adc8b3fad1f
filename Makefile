# The two commands the README names: `make run` (serve with demo data) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The app refuses to start without PORTAL_ENV; the development commands here name it (unless set).
FLASK := PORTAL_ENV=$${PORTAL_ENV:-development} $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test venv lock translations system-packages test-postgres lint extract-messages bench clean screens

# requirements-dev.txt is the complete lock (runtime + test tools) with a hash for every file, so
# pip installs in --require-hashes mode: exactly the locked versions, verified.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host

## Re-compile the locks from requirements.in and requirements-dev.in (direct dependencies, pinned with ==).
## Existing pins are kept; `make lock PIP_COMPILE_ARGS=--upgrade` moves the transitive ones to their newest.
lock: venv
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) -o requirements.txt requirements.in
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) -o requirements-dev.txt requirements-dev.in

translations: venv
	@$(BIN)/pybabel compile -d app/translations -f >/dev/null

## Serve the portal on the embedded SQLite database (instance/), with demo data on first run,
## beside a development mail sink (mail kept in instance/mail/) and the outbox worker; Ctrl-C stops all three.
run: venv translations
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	@trap 'kill $$sink $$worker 2>/dev/null; wait' EXIT; trap 'exit 130' INT TERM HUP; \
	$(BIN)/python scripts/dev-mail-sink.py & sink=$$!; \
	$(FLASK) outbox send --loop --interval 2 & worker=$$!; \
	echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop; e-mail lands in instance/mail/)"; \
	$(FLASK) run --host $(HOST) --port $(PORT)

## Install the Debian packages the suite needs (PostgreSQL server, Chromium, CJK fonts) when missing.
system-packages:
	@scripts/ensure-system-packages.sh

## Run the whole suite: rules, services and views on SQLite and PostgreSQL, then the browser journeys.
test: venv translations system-packages
	@set -euo pipefail; \
	url=$$(scripts/test-postgres.sh); \
	echo "PostgreSQL for tests: $$url"; \
	s3=$$(scripts/test-s3.sh); \
	echo "S3-compatible store for tests: $${s3%%@*}@…"; \
	redis=$$(scripts/test-redis.sh); \
	TEST_REDIS_URL="$$redis" TEST_S3_URL="$$s3" TEST_POSTGRES_URL="$$url" REQUIRE_ENGINES="sqlite postgresql" $(BIN)/pytest -n 2 --dist loadgroup -p no:cacheprovider $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check app tests benchmarks

extract-messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot --no-location --sort-output --ignore-dirs '.* __pycache__ .venv instance' . 2>/dev/null
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -l zh_Hant_TW --no-fuzzy-matching 2>/dev/null
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -l en --no-fuzzy-matching 2>/dev/null

bench: venv system-packages
	@url=$$(scripts/test-postgres.sh); BENCH_POSTGRES_URL="$$url" $(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) instance .pytest_cache

## Refresh the reviewers' screenshots in docs/screens/ (phone 390 px and desktop 1280 px): the meeting page,
## the application form with its errors, the applicant's private page, the staff meeting page, and the
## staff-security pages (docs/screens/security/). Needs Debian's chromium (make system-packages).
screens: venv translations
	$(BIN)/python scripts/screens.py
	$(BIN)/python scripts/screens_security.py
