# CallReady: `make run` serves the site with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# The newest Python 3.12+ found: $PYTHON if set, then python3.13/3.12 on PATH, then pyenv's
# installed versions, then python3. A Python that cannot create virtual environments is skipped.
FIND_PYTHON = pyroot="$$(pyenv root 2>/dev/null || echo "$$HOME/.pyenv")"; \
	for c in "$${PYTHON:-}" python3.13 python3.12 \
	  $$(ls -d "$$pyroot"/versions/3.1[3-9]*/bin/python3 2>/dev/null | sort -rV) \
	  $$(ls -d "$$pyroot"/versions/3.12*/bin/python3 2>/dev/null | sort -rV) python3 python; do \
	  [ -n "$$c" ] || continue; \
	  "$$c" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 \
	    && { command -v "$$c" || echo "$$c"; } && exit 0; \
	done; exit 1

.PHONY: help install run test lint format check-content bench clean messages compile-messages

help:
	@echo "make run    install, migrate, load the curriculum, create demo accounts, serve on http://$(HOST):$(PORT)"
	@echo "            (PORT=8123 serves on another port; certificates then link to it too)"
	@echo "make test   install, then run the whole test suite"
	@echo "make lint   ruff checks and the template linter"
	@echo "make bench  measure throughput of the key pages against a trivial view"
	@echo "make messages, make compile-messages   update the Finnish catalogue, then compile it"

$(STAMP): pyproject.toml
	@py="$$($(FIND_PYTHON))" || { \
	  echo "CallReady needs Python 3.12 or newer (3.13 preferred), with its venv module." >&2; \
	  echo "Install one, for example:" >&2; \
	  echo "  Debian/Ubuntu: sudo apt install python3.13 python3.13-venv   (or python3.12 python3.12-venv)" >&2; \
	  echo "  macOS:         brew install python@3.13" >&2; \
	  echo "  pyenv:         pyenv install 3.13" >&2; \
	  echo "then run make again, or point to it with: make PYTHON=/path/to/python3.13 ..." >&2; \
	  exit 1; }; \
	echo "Using $$py ($$("$$py" --version))"; \
	[ -x $(BIN)/python ] && $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  || { rm -rf $(VENV) && "$$py" -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Certificates and emails link to the address the site is served on (`make run PORT=8123`),
# unless SITE_URL is set. The output is a summary; the demo accounts are the last of it.
run: export DEBUG ?= 1
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: $(STAMP)
	@$(BIN)/python manage.py migrate --no-input --verbosity 0
	@echo "Database migrated."
	@$(BIN)/python manage.py load_content
	@echo "Serving CallReady on http://$(HOST):$(PORT)/ (Ctrl-C stops it); certificates and emails link to $(SITE_URL)."
	@$(BIN)/python manage.py seed_demo
	@$(BIN)/python manage.py runserver $(HOST):$(PORT)

# One test process per core; a file's tests stay in one process (the browser tests share one
# Chromium per process).
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The benchmark builds its own organisation in a scratch database and serves it with gunicorn;
# wrk generates the load. BENCH_ARGS passes options, e.g. BENCH_ARGS="--duration 20".
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "make bench needs wrk; installing it (Debian/Ubuntu: apt-get install wrk)."; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk; else sudo apt-get install -y -qq wrk; fi; }
	DEBUG=1 $(BIN)/python manage.py bench $(BENCH_ARGS)

# The interface's translations (README, "Languages"): both need GNU gettext.
MESSAGES_LANGUAGE ?= fi
GETTEXT_NEEDED = command -v msgfmt >/dev/null 2>&1 || { \
	  echo "Translations need GNU gettext (Debian/Ubuntu: apt-get install gettext; macOS: brew install gettext)." >&2; \
	  exit 1; }

messages: $(STAMP)
	@$(GETTEXT_NEEDED)
	DEBUG=1 $(BIN)/python manage.py makemessages -l $(MESSAGES_LANGUAGE) --no-location --no-obsolete

compile-messages: $(STAMP)
	@$(GETTEXT_NEEDED)
	DEBUG=1 $(BIN)/python manage.py compilemessages -l $(MESSAGES_LANGUAGE) --ignore=.venv

check-content: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py load_content --check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-callready.sqlite3*
