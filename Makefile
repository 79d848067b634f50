# Two commands a newcomer needs: `make run` and `make test`. Everything else here serves those two.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
WORKERS ?= 2
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run test install translations lint bench bench-quality bench-speed bench-markup clean

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C stops)"
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile - wsgi:app

# The suite runs on SQLite, then again on PostgreSQL whenever PG_URL answers.
test: install
	$(BIN)/pytest
	@if $(BIN)/python -c "import sys, psycopg; psycopg.connect(sys.argv[1].replace('+psycopg', ''), connect_timeout=3).close()" "$(PG_URL)" 2>/dev/null; then \
		echo "== The same suite on PostgreSQL ($(PG_URL)) =="; \
		HELPDESK_TEST_DATABASE_URL="$(PG_URL)" $(BIN)/pytest -m "not e2e"; \
	else \
		echo "== PostgreSQL is not reachable at $(PG_URL): the PostgreSQL run was skipped =="; \
	fi

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 'helpdesk needs Python 3.11 or newer: set PYTHON=python3.11 (or newer)')"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Compiled catalogues (.mo) are built from the .po sources, never committed.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d helpdesk/translations

# Benchmarks print figures; nothing here is enforced by tests. They read ../shared/data (see bench/*.py --help).
bench: bench-quality bench-speed bench-markup

bench-quality: install
	$(BIN)/python bench/quality.py

bench-speed: install
	$(BIN)/python bench/speed.py --sizes 10000,100000

bench-markup: install
	$(BIN)/python bench/markup_bench.py

lint: install
	$(BIN)/ruff check helpdesk tests bench config.py wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache
