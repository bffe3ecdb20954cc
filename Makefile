# The few verbs people need. Each target creates and uses the virtual
# environment in .venv, so a fresh clone needs only Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format messages check-messages check-servers bench bench-smoke chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

## run: install, migrate, load the demo newsroom and serve it at http://$(HOST)/
run: $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py loaddemo
	$(BIN)/python manage.py runserver $(HOST)

## check-servers: the site served by gunicorn as in production: two servers sharing PostgreSQL
## and Redis (DATABASE_URL/REDIS_URL default to this machine's), then fifty simultaneous writers on SQLite
check-servers: $(VENV)/.dev-installed
	$(BIN)/python scripts/check_several_servers.py
	$(BIN)/python scripts/check_sqlite_writers.py

## bench: the benchmark (needs PostgreSQL, Redis, nginx and wrk; builds 1,000- and 100,000-story archives on
## PostgreSQL and a 40,000-story one on SQLite, and times a backup and restore of a 10,000-story site)
bench: $(VENV)/.dev-installed
	$(BIN)/python bench/run.py --sizes small,full --embedded archive --restore

## bench-smoke: the benchmark on a tiny archive with one-second runs, to keep it working (CI)
bench-smoke: $(VENV)/.dev-installed
	$(BIN)/python bench/run.py --sizes smoke --embedded smoke --duration 1 --concurrency 1,8 --rebuild --attempts 1

## test: the whole suite, browser tests included (on PostgreSQL with DATABASE_URL=postgres://...)
test: $(VENV)/.dev-installed chromium
	$(BIN)/pytest

## lint: ruff, the only linter and formatter
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: refresh the Korean and English catalogues and compile them (needs gettext)
messages: $(VENV)/.dev-installed
	$(BIN)/python manage.py makemessages -l ko -l en --no-location --ignore=.venv --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

## check-messages: fail if a translatable string is missing from the catalogues (needs gettext)
check-messages: $(VENV)/.dev-installed
	$(BIN)/python .ci/check_messages.py

# Browser tests need Chromium: Debian's package where we can install it, else Playwright's own build.
# Noto: the browser tests need a font that stacks combining marks (DejaVu does not; see the Zalgo test).
chromium: $(VENV)/.dev-installed
	@if [ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/truetype/noto ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium and Noto fonts for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	else \
		$(BIN)/playwright install chromium; \
	fi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
