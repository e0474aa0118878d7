# contentlib: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-slow typecheck install translations extract places update-translations demo admin bench page-weight clean

# Installing is quiet: pip's output goes to .venv/pip.log, shown only when something fails.
PIP := $(BIN)/pip install --quiet --disable-pip-version-check
LOGGED = >> $(VENV)/pip.log 2>&1 || { tail -n 40 $(VENV)/pip.log; exit 1; }

$(BIN)/python:
	@echo "Creating $(VENV) and installing contentlib (a few minutes the first time; log: $(VENV)/pip.log)"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) --upgrade pip $(LOGGED)

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	@$(PIP) -e . $(LOGGED)
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	@$(PIP) -e '.[test]' $(LOGGED)
	@touch $@

install: $(VENV)/.installed translations

# Compiled catalogs are built, not tracked. Fuzzy (unreviewed) Tibetan drafts are used
# rather than falling back to English; the .po files keep them flagged for an editor.
translations: $(VENV)/.installed
	@$(BIN)/pybabel --quiet compile --use-fuzzy -d translations

extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o translations/messages.pot .
	@$(MAKE) --no-print-directory places

# Where each string appears (the review page shows it): the same extraction with locations, as a file map.
places: $(VENV)/.installed
	$(BIN)/pybabel --quiet extract -F babel.cfg -k _l -k lazy_gettext --sort-output -o translations/.places.pot .
	$(BIN)/python tools/interface_places.py translations/.places.pot translations/places.json
	@rm -f translations/.places.pot

update-translations: extract
	$(BIN)/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations

demo: install
	@$(BIN)/contentlib demo

run: demo
	@$(BIN)/contentlib serve --host $(HOST) --port $(PORT)

# The first administrator: make admin NAME=dolma PASSWORD='at least 8 characters'
admin: install
	@test -n "$(NAME)" -a -n "$(PASSWORD)" || { echo "usage: make admin NAME=you PASSWORD='at least 8 characters'"; exit 2; }
	@$(BIN)/contentlib users create "$(NAME)" --role admin --password "$(PASSWORD)"

# In parallel: one pytest-xdist worker per core (WORKERS=4 for another count, WORKERS=0 for one process).
# Each worker has its own PostgreSQL database (<name>_gw0, ...), ports and temporary folders (tests/conftest.py).
# The long runs marked slow (the 3-minute soak, the 30-second PostgreSQL outage, the wheel installed from the
# index) wait for `make test-slow`, CI's second step.
WORKERS ?= auto
test: $(VENV)/.installed-test translations
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal -m "not slow"

test-slow: $(VENV)/.installed-test translations
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal -m slow

# The Flask-free core type-checks (configuration: pyproject.toml [tool.mypy]).
typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

bench: $(VENV)/.installed-test
	$(BIN)/python bench/search_bench.py

# First-visit bytes per page and interface language, in Debian's chromium (apt-get install chromium).
page-weight: $(VENV)/.installed-test translations
	$(BIN)/python bench/page_weight.py --json bench/out/page_weight.json

clean:
	rm -rf $(VENV) instance
