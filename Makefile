# Live Safe: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := LIVESAFE_ENV=development $(BIN)/flask --app livesafe
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test check install browser setup-db bench clamav

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

# Install everything (the test browser included) and run the whole suite.
test: install browser clamav
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The fast lane while working: everything but the browser and slow server tests, on SQLite.
check: install clamav
	env -u DATABASE_URL $(BIN)/python -m pytest -q -x -m 'not browser and not slow' $(PYTEST_ARGS)

# Benchmarks (needs wrk, installed from Debian's packages).
bench: install
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }
	$(BIN)/python bench/run.py
