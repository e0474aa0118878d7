# contentlib: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install translations extract update-translations demo bench page-weight clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

# Compiled catalogs are built, not tracked. Fuzzy (unreviewed) Tibetan drafts are used
# rather than falling back to English; the .po files keep them flagged for an editor.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy --statistics -d translations 2>&1 | tail -n 3

extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o translations/messages.pot .

update-translations: extract
	$(BIN)/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations

demo: install
	$(BIN)/contentlib demo

run: demo
	$(BIN)/contentlib serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test translations
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-test
	$(BIN)/python bench/search_bench.py

# First-visit bytes per page and interface language, in Debian's chromium (apt-get install chromium).
page-weight: $(VENV)/.installed-test translations
	$(BIN)/python bench/page_weight.py --json bench/out/page_weight.json

clean:
	rm -rf $(VENV) instance
