# OncoLens: `make run` serves the app with demo data; `make test` runs the tests.
# Both create .venv and install what is missing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-slow bench lint venv system-packages browser migrate worker load clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check --upgrade pip 2>/dev/null
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt -c constraints.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -c "import django, celery, spacy, medspacy, pdfplumber" 
	touch $(STAMP)

venv: $(STAMP)

system-packages:
	@bash scripts/system_packages.sh

# Debian's Chromium for the Playwright browser tests (Playwright's own download
# does not work offline).
browser:
	@bash scripts/install_browser.sh

migrate: venv
	$(PY) manage.py migrate --noinput -v0

# The embedded default (SQLite + SQLAlchemy broker) unless DATABASE_URL /
# CELERY_BROKER_URL are set in the environment.
run: venv system-packages migrate
	@$(PY) manage.py seed_demo
	@echo "Starting a Celery worker and the web server..."
	@trap 'kill 0' EXIT INT TERM; \
	  $(VENV)/bin/celery -A backend worker --loglevel=info --concurrency=2 & \
	  echo "OncoLens is at http://$(HOST):$(PORT)/  (API: http://$(HOST):$(PORT)/api/docs/)"; \
	  DEBUG=$${DEBUG:-1} $(PY) manage.py runserver --noreload $(HOST):$(PORT)

worker: venv
	$(VENV)/bin/celery -A backend worker --loglevel=info

# Uses PostgreSQL and Redis on loopback when they answer, else the embedded set-up.
test: venv system-packages browser
	@eval "$$($(PY) scripts/detect_services.py)"; \
	  echo "database: $${DATABASE_URL:-sqlite (embedded)}  broker: $${CELERY_BROKER_URL:-sqlalchemy+sqlite (embedded)}"; \
	  $(PY) -m pytest $(PYTEST_ARGS)

test-fast: venv
	@eval "$$($(PY) scripts/detect_services.py)"; $(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

test-slow: venv system-packages browser
	@eval "$$($(PY) scripts/detect_services.py)"; $(PY) -m pytest -m slow $(PYTEST_ARGS)

bench: venv migrate
	$(PIP) install -q --disable-pip-version-check -r requirements-bench.txt -c constraints.txt 2>&1 | grep -v "^WARNING: Location" || true
	@echo "== NLP extraction speed"; $(PY) bench/nlp_speed.py
	@echo "== upload to text_ready / done (one worker)"; eval "$$($(PY) scripts/detect_services.py)"; $(PY) bench/upload_latency.py
	@echo "== answers: grounding and latency"; $(PY) manage.py evaluate_answers
	@echo "== retrieval recall"; $(PY) manage.py evaluate_retrieval

# Load and throughput figures, not in CI: needs PostgreSQL and Redis on 127.0.0.1; uses
# its own database (oncolens_load, recreated) and Redis db 8. About 3 minutes.
load: venv
	$(PIP) install -q --disable-pip-version-check -r requirements-load.txt -c constraints.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) bench/load/run.py

lint: venv
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache
