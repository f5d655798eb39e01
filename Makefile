# Live Safe: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := LIVESAFE_ENV=development $(BIN)/flask --app livesafe
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test check lint format install browser setup-db bench clamav

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/activate

install: $(BIN)/activate

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser:
	@command -v /usr/bin/chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# ClamAV's daemon for uploads: installs clamav-daemon if missing, starts clamd on 127.0.0.1:3310 and waits for
# PING (with an EICAR-only stand-in database while freshclam cannot run: scripts/clamav/README.md).
clamav:
	@ldconfig -p | grep -q libmagic.so.1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libmagic1; }
	scripts/clamav.sh

setup-db: install
	$(FLASK) db upgrade
	$(FLASK) demo
	$(FLASK) index

# Install, migrate, load demo data, build the search index and serve on http://127.0.0.1:$(PORT), with the
# mail worker and a catch-all SMTP server that prints every e-mail here (scripts/run-dev.sh).
PORT ?= 5000
MAIL_PORT ?= 1025
run: setup-db clamav
	BIN=$(BIN) PORT=$(PORT) MAIL_PORT=$(MAIL_PORT) scripts/run-dev.sh

# Tests run in parallel, one pytest-xdist worker per core, each on its own database (a SQLite file, or
# DATABASE_URL's database + _gw0, _gw1...). WORKERS=0 runs everything in one process.
WORKERS ?= auto
XDIST = -n $(WORKERS) --dist loadgroup

# Install everything (the test browser included) and run the whole suite.
test: install browser clamav
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# The fast lane while working: lint and types, then everything but the browser and slow server tests, on SQLite.
check: lint clamav
	env -u DATABASE_URL $(BIN)/python -m pytest -q -x $(XDIST) -m 'not browser and not slow' $(PYTEST_ARGS)

# ruff (lint) and mypy (strict on the kernel, places and clock; gradual elsewhere), configured in pyproject.toml.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# Format the code and sort imports (not yet applied to the tree: see pyproject.toml's deferred rules).
format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix --select I .

# Benchmarks (needs wrk, installed from Debian's packages).
bench: install
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }
	$(BIN)/python bench/run.py
