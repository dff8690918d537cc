# OrderFlow build and run commands. `make run` and `make test` work on a fresh Debian/Ubuntu machine:
# they install what is missing (Debian packages, the .venv virtualenv, the pinned Python packages)
# and skip what is already there, so a repeat run is fast.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# What the app needs at run time: venv, gettext (compilemessages), WeasyPrint's libraries and the CJK font.
SYSTEM_PACKAGES := python3-venv python3-dev build-essential gettext fonts-noto-cjk \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# What the tests need on top: Chromium for the browser tests, pdftotext to read generated PDFs.
TEST_SYSTEM_PACKAGES := chromium poppler-utils

# Ignored when looking for locale/ folders: the virtualenv holds Django's own catalogs.
I18N_IGNORE := --ignore=$(VENV) --ignore=staticfiles --ignore=var --ignore=node_modules

# Runtime packages for `make run`; the dev extras (pytest, Playwright, ruff, benchmark tools) only for
# `make test`, `make lint` and `make bench`. Both are installed from the lock files (exact versions with
# hashes, compiled from pyproject.toml by `make lock`), so a fresh install gets what CI tested. Each stamp
# is redone only when its lock file changes.
RUNTIME_LOCK := requirements/runtime.txt
DEV_LOCK := requirements/dev.txt
DEPS_STAMP := $(VENV)/.orderflow-deps
DEV_DEPS_STAMP := $(VENV)/.orderflow-dev-deps
# pip-tools lives in a virtualenv of its own: it is a tool for the lock files, never a project dependency.
LOCK_TOOLS ?= var/lock-tools
PIP_COMPILE_ARGS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: backup restore help install install-dev lock diagrams system-packages test-system-packages run serve migrate seed messages compilemessages \
	test lint bench worker beat clean

help:
	@echo "make run      install everything, migrate, load demo data and serve http://$(HOST):$(PORT)"
	@echo "make test     run the whole test suite (pytest, incl. the embedded-default check)"
	@echo "make install  Debian packages + .venv + the locked runtime packages (requirements/runtime.txt)"
	@echo "make install-dev  the same plus the dev extras (tests, lint, benchmarks)"
	@echo "make lock     recompile requirements/runtime.txt and dev.txt from pyproject.toml (after changing it)"
	@echo "make diagrams the state machines as docs/state-machines/<model>.dot (docs/architecture.md)"
	@echo "make backup   database + media files into var/backups/<time> (BACKUP_DIR= to choose)"
	@echo "make restore BACKUP=<folder>  into the configured (new, empty) database and MEDIA_ROOT"
	@echo "make migrate | seed | messages | lint | bench | worker | beat | serve"

system-packages:
	@bash scripts/install-system-packages.sh $(SYSTEM_PACKAGES)

test-system-packages:
	@OPTIONAL_PACKAGES="chromium" bash scripts/install-system-packages.sh $(TEST_SYSTEM_PACKAGES)

$(PY): | system-packages
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "OrderFlow needs Python 3.11 or newer; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(DEPS_STAMP): $(RUNTIME_LOCK) | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r $(RUNTIME_LOCK)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(DEV_DEPS_STAMP): $(DEV_LOCK) $(DEPS_STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r $(DEV_LOCK)
	@touch $@

lock:
	@test -x $(LOCK_TOOLS)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_TOOLS) && \
		$(LOCK_TOOLS)/bin/pip install --quiet --disable-pip-version-check pip-tools; }
	$(LOCK_TOOLS)/bin/pip-compile $(PIP_COMPILE_ARGS) -o $(RUNTIME_LOCK) pyproject.toml
	$(LOCK_TOOLS)/bin/pip-compile $(PIP_COMPILE_ARGS) --extra dev -o $(DEV_LOCK) pyproject.toml

# One .dot file per state machine (django-fsm-2's graph_transitions); render with Graphviz's `dot -Tsvg`.
diagrams: install
	$(MANAGE) state_diagrams --to docs/state-machines

install: system-packages $(DEPS_STAMP)

install-dev: install $(DEV_DEPS_STAMP)

# A catalog is compiled only when its .po is newer than its .mo: a repeat `make run` starts no Django for it.
%.mo: %.po
	msgfmt --check-format -o $@ $<

compilemessages: install $(MO_FILES)

messages: install
	@mkdir -p locale
	$(MANAGE) makemessages -l zh_Hans $(I18N_IGNORE) --ignore=tests --ignore=bench
	$(MANAGE) makemessages -d djangojs -l zh_Hans $(I18N_IGNORE) --ignore=static/vendor --ignore=tests
	$(MANAGE) compilemessages $(I18N_IGNORE)

migrate: install
	$(MANAGE) migrate --noinput

# Demo data: one user per role and sample orders, then the planning data (calendars, work centers,
# items, BOMs, routings) and plans for the approved orders, stock and inspection plans. One process
# (demo/management/commands/setup_demo.py) migrates when needed and skips the seeds in one query when
# they already ran on this database.
seed: install
	$(MANAGE) setup_demo

# The embedded default: SQLite file db.sqlite3, Celery eager (no CELERY_BROKER_URL), DEBUG on.
# One process migrates if needed, loads the demo data unless loaded, and serves (no auto-reload: `make serve`
# reloads on code changes).
run: install compilemessages
	@echo "OrderFlow at http://$(HOST):$(PORT)/  (demo logins: see README.md, password orderflow-demo)"
	$(MANAGE) setup_demo --serve $(HOST):$(PORT)

# Serve without installing or seeding (for example against PostgreSQL set by DATABASE_URL), reloading on
# code changes.
serve:
	$(MANAGE) runserver $(HOST):$(PORT)

test: install-dev test-system-packages compilemessages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .

bench: install-dev
	$(PY) bench/run.py

# A real worker and beat need CELERY_BROKER_URL (Redis); see README.md.
worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	@mkdir -p var
	$(VENV)/bin/celery -A config beat --loglevel=INFO --schedule var/celerybeat-schedule

# Backups of the configured database (DATABASE_URL, else the SQLite file) and MEDIA_ROOT: docs/operations.md.
BACKUP_DIR ?= var/backups/$(shell date +%Y%m%d-%H%M%S)
backup: install
	$(MANAGE) backup_site --to $(BACKUP_DIR)

restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<folder>"; exit 2; }
	$(MANAGE) restore_site --from $(BACKUP)

clean:
	rm -rf staticfiles test-results .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf
