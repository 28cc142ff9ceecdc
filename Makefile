# Chỉ đạo — two commands for a fresh Debian/Ubuntu machine:
#   make run    install, migrate, load demo data when the database is empty, serve on :8000
#               with the notification worker beside the web server (Ctrl-C stops both)
#   make test   install and run the whole test suite (SQLite, or DATABASE_URL for PostgreSQL)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
VENDOR := chidao/core/static/vendor
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install install-dev assets system-packages browser office lint check clean

run: install assets var/secret_key var/timeline_keys var/demo_password
	@export SECRET_KEY_FILE=var/secret_key CHIDAO_TIMELINE_KEYS_FILE=var/timeline_keys HTTPS=false; \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py collectstatic --noinput -v0 && \
	$(BIN)/python manage.py load_demo --if-empty --password-file var/demo_password \
	  --base-url http://$(HOST):$(PORT) && \
	echo "Chỉ đạo: http://$(HOST):$(PORT)/" && \
	export SITE_URL=http://$(HOST):$(PORT) && \
	{ $(BIN)/python manage.py run_worker & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	  $(BIN)/gunicorn chidao.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
	    --access-logfile - --graceful-timeout 20; }

test: install-dev assets browser office
	$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null || \
	  { echo "Models changed without a migration: run manage.py makemigrations"; exit 1; }
	$(BIN)/ruff check .
	$(BIN)/pytest -n auto --dist worksteal $(PYTEST_ARGS)

# --- installation (idempotent: each step reruns only when its lock file changes) --------------
system-packages:
	@command -v $(PYTHON) >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y python3; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { $(SUDO) apt-get update && \
	  $(SUDO) apt-get install -y python3-venv; }
	@command -v npm >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y nodejs npm; }
	@{ command -v fc-list >/dev/null && fc-list | grep -q "Liberation Serif"; } || { \
	  $(SUDO) apt-get update && $(SUDO) apt-get install -y fonts-liberation2; }

$(BIN)/python: | system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.main: requirements/main.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/main.lock
	@touch $@

$(VENV)/.dev: requirements/dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	@touch $@ $(VENV)/.main

install: $(VENV)/.main
install-dev: $(VENV)/.dev

node_modules/.package-lock.json: package-lock.json | system-packages
	npm ci --no-audit --no-fund --loglevel=error

assets: $(VENDOR)/.stamp
$(VENDOR)/.stamp: node_modules/.package-lock.json
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/htmx
	cp node_modules/bootstrap/dist/css/bootstrap.min.css{,.map} $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js{,.map} $(VENDOR)/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	@touch $@

var/secret_key:
	@umask 077 && mkdir -p var && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# The timeline key (id:secret, the id the day it was made); rotation: README, "Timeline key and anchors".
var/timeline_keys:
	@umask 077 && mkdir -p var && $(PYTHON) -c 'import datetime, secrets; print(f"{datetime.date.today():%Y%m%d}:" + secrets.token_urlsafe(32))' > $@

var/demo_password:
	@umask 077 && mkdir -p var && $(PYTHON) -c 'import secrets; print("demo-" + secrets.token_hex(4))' > $@

# Browser tests drive Debian's chromium; Playwright never downloads a browser of its own.
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update && \
	  $(SUDO) apt-get install -y --no-install-recommends chromium fonts-dejavu-core; }

# The report tests open the .docx in LibreOffice and read the PDFs with poppler's pdftotext; the
# import tests have LibreOffice Calc write a register.
office:
	@command -v soffice >/dev/null && command -v pdftotext >/dev/null && \
	  test -e /usr/lib/libreoffice/program/libsclo.so || { $(SUDO) apt-get update && \
	  $(SUDO) apt-get install -y --no-install-recommends libreoffice-writer-nogui \
	  libreoffice-calc-nogui poppler-utils; }

lint: install-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var/static
