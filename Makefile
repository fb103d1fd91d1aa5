# laborgrid — thin wrappers. The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export LABORGRID_DEMO_PASSWORD ?= Dafang@2026
# A throwaway test database is created on this server (pytest-django adds the test_ prefix).
export LABORGRID_TEST_PG ?= postgres://postgres@127.0.0.1:5432/laborgrid

.PHONY: run install migrate seed test test-sqlite test-pg lint bench messages clean

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## Set up a fresh machine and serve the 大方县 demo on http://127.0.0.1:8000 (one worker beside it).
run: seed
	@echo ""
	@echo "  大方县演示 / Dafang demo: http://$(HOST):$(PORT)/"
	@echo "  演示账号 / demo accounts: county leader maochang maochang-a1 machang sysadmin secadmin auditor"
	@echo "  密码 / password: $$LABORGRID_DEMO_PASSWORD   (set LABORGRID_DEMO_PASSWORD to change it)"
	@echo ""
	@$(BIN)/python manage.py worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Run the whole suite on SQLite, then on PostgreSQL.
test: install
	@$(BIN)/python scripts/run-tests $(ARGS)

test-sqlite: install
	$(BIN)/python -m pytest $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy laborgrid config
	$(BIN)/python manage.py makemigrations --check --dry-run

## Benchmarks. EMPLOYERS sets the registry size (the issue's full 1,000,000 is a manual run).
EMPLOYERS ?= 100000
bench: install
	$(BIN)/python bench/grid_import.py
	$(BIN)/python bench/registry.py --employers $(EMPLOYERS)

## Refresh the translation catalogue (needs GNU gettext) and compile it.
messages: install
	cd laborgrid && ../$(BIN)/python ../manage.py makemessages -l en --no-obsolete
	$(BIN)/python scripts/compile-messages

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
