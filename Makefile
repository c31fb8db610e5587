# Ancrage — the README contract: `make run` and `make test` on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PERSONS ?= 5000

.PHONY: run test check bench install browser-deps demo messages format clean-db worker

$(STAMP): requirements/base.txt requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium drives the browser tests; gettext compiles translations.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

run: $(STAMP)
	mkdir -p var
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) load_territory
	$(MANAGE) load_rome
	$(MANAGE) seed_demo --if-empty --persons $(PERSONS)
	@$(MANAGE) demo_accounts
	$(MANAGE) db_worker & trap "kill $$! 2>/dev/null" EXIT; $(MANAGE) runserver $(HOST):$(PORT)

demo: $(STAMP)
	mkdir -p var
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) load_territory
	$(MANAGE) load_rome
	$(MANAGE) seed_demo --persons $(PERSONS)

# The task worker, and the scheduler that enqueues the daily jobs for it (stopped with the worker).
worker: $(STAMP)
	$(MANAGE) scheduler & trap "kill $$! 2>/dev/null" EXIT; $(MANAGE) db_worker

# One pytest worker per CPU (pytest-xdist): each worker has its own test database.
TEST_WORKERS ?= auto
test: $(STAMP) browser-deps
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(MANAGE) makemigrations --check --dry-run -v0
	$(MANAGE) check --fail-level WARNING
	$(PY) -m ancrage.core.checks_translations

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(STAMP)
	$(MANAGE) makemessages -l en --no-location --ignore=.venv --ignore=var --ignore=tests
	$(MANAGE) compilemessages --ignore=.venv

# Pages and API on the configured database; then record linkage (FEBRL4, synthetic refugee names,
# 100,000 records) and a 50,000-line import, each in a throwaway database.
bench: $(STAMP)
	$(PY) -m ancrage.bench $(BENCH_ARGS)
	$(PY) -m ancrage.linkage.bench
	$(PY) -m ancrage.imports.bench --lines 50000

clean-db:
	rm -f var/ancrage.sqlite3*

# --- production-like start, load test (see README "Production") ---
.PHONY: serve loadtest
# Production-like start: migrations, static files (hashed, compressed), gunicorn (deploy/gunicorn.conf.py).
serve: export DEBUG ?= 0
serve: $(STAMP)
	mkdir -p var
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) collectstatic --noinput -v0
	GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):$(PORT)} $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py ancrage.wsgi

# Locust, headless, on loopback against gunicorn: LOADTEST_USERS (50) for LOADTEST_TIME (10m).
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/ancrage_load make loadtest (a database with the demo seeded)
loadtest: $(STAMP)
	$(PY) loadtest/run.py
