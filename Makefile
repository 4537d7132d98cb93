# Developer entry points. `make run` serves the app with demo data; `make test` runs the whole suite.
# Every target is idempotent: the virtualenv is (re)installed only when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 5000
EXTRAS ?= test,postgres,prod

BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FLASK  := $(BIN)/flask --app dispatch
PYTEST_ARGS ?=
# `make test` spreads the suite over every core (pytest-xdist), a file's tests kept on one worker;
# TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= auto

.PHONY: run install translations migrate demo test bench lint clean

run: install translations migrate demo
	@echo "Serving on http://$(HOST):$(PORT)  (back office /, technician app /app/, API /api/v1)"
	$(FLASK) run --host $(HOST) --port $(PORT)

install: $(STAMP)

# The stamp is newer than pyproject.toml once the install succeeded; a failed install leaves no stamp.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (PYTHON=$(PYTHON))."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[$(EXTRAS)]'
	@touch $(STAMP)

# Compiles the nl/de catalogues when there are any; none yet is fine. A catalogue whose header is
# still marked fuzzy is skipped by pybabel, so clear that mark once it is translated.
translations: $(STAMP)
	@if ls dispatch/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel compile --statistics -d dispatch/translations; \
	fi

migrate: $(STAMP)
	$(FLASK) db upgrade

# Loads demo data only into an empty database (the command refuses otherwise).
demo: migrate
	$(FLASK) demo

test: install translations
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: install translations
	$(BIN)/pytest tests/bench -p no:cacheprovider -s -o norecursedirs= $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check dispatch tests migrations wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
