# Two commands: `make site` builds everything from committed data; `make test` runs every test.
# Everything runs inside a local virtual environment (.venv) with the locked dependencies.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
RUN     := NO_MKDOCS_2_WARNING=1 PYTHONPATH=. $(PY)
SITE_STAMP := $(VENV)/.site-$(shell sha256sum requirements.lock 2>/dev/null | cut -c1-16)
TEST_STAMP := $(VENV)/.test-$(shell sha256sum requirements-test.lock 2>/dev/null | cut -c1-16)
PIP     := $(PY) -m pip install --disable-pip-version-check -q --require-hashes --no-deps

.PHONY: site pdf data serve serve-ja serve-editions test test-tools test-fast lint refresh bench shots editions deploy clean distclean lock help

help:
	@echo "make site      build data products and the bilingual site into site/ (offline)"
	@echo "make test      run every test (unit, data, fetch, build, browser)"
	@echo "make serve     live preview for authors at http://127.0.0.1:8000 (English)"
	@echo "make serve-ja  live preview of the Japanese edition (http://127.0.0.1:8001/ja/)"
	@echo "make refresh   fetch new prices from the providers (the only networked step)"
	@echo "make test-fast the quick loop: the tests under a second each (no build, no browser, no subprocess)"
	@echo "make lint      ruff over the code and tests, and the mypy type check of build_scripts"
	@echo "make bench     measure builds, page weight and scale (ARGS=--lighthouse adds Lighthouse)"
	@echo "make editions  build every edition of data/editions.yaml into the local gh-pages branch"
	@echo "make pdf       make site, plus the whole report as a PDF per language (headless Chromium)"
	@echo "make serve-editions  serve the gh-pages branch at http://127.0.0.1:8002 (version selector)"
	@echo "make deploy    push gh-pages to origin (needs SITE_URL set when the editions were built)"
	@echo "make clean     remove generated files; make distclean also removes .venv"

$(SITE_STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.lock
	@rm -f $(VENV)/.site-* && touch $@

$(TEST_STAMP): requirements-test.lock $(SITE_STAMP)
	$(PIP) -r requirements-test.lock
	@rm -f $(VENV)/.test-* && touch $@

site: $(SITE_STAMP)
	$(RUN) -m build_scripts site

# The PDF is printed after the pages are built (build_scripts/pdf.py); it is left out of `make site`
# to keep the everyday build quick. `make editions` prints one for every edition.
pdf: $(SITE_STAMP)
	REPORT_PDF=1 $(RUN) -m build_scripts site

data: $(SITE_STAMP)
	$(RUN) -m build_scripts data

serve: data
	$(RUN) -m mkdocs serve -f mkdocs.yml --watch build_scripts --watch data --watch docs/partials

serve-ja: data
	$(RUN) -m mkdocs serve -f mkdocs.ja.yml -a 127.0.0.1:8001 --watch build_scripts --watch data --watch docs/partials

# The page gates need system Chromium, Java (Nu Html Checker) and npm (axe-core, vnu-jar from
# tests/a11y/package-lock.json). `.ci/run` installs the system packages on Debian.
A11Y_TOOLS := tests/a11y/node_modules/.package-lock.json

$(A11Y_TOOLS): tests/a11y/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make test needs npm for axe-core and the Nu Html Checker (Debian: apt-get install nodejs npm)"; exit 1; }
	cd tests/a11y && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

test-tools: $(A11Y_TOOLS)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || { echo "make test needs Chromium for the browser tests (Debian: apt-get install chromium; or run .ci/run)"; exit 1; }
	@command -v java >/dev/null 2>&1 || { echo "make test needs Java 11+ for the Nu Html Checker (Debian: apt-get install default-jre-headless; or run .ci/run)"; exit 1; }

test: $(TEST_STAMP) test-tools
	$(RUN) -m ruff check build_scripts tests
	$(RUN) -m mypy
	$(RUN) -m pytest

test-fast: $(TEST_STAMP)
	$(RUN) -m pytest -m "not slow and not browser"

lint: $(TEST_STAMP)
	$(RUN) -m ruff check build_scripts tests
	$(RUN) -m mypy

refresh: $(SITE_STAMP)
	$(RUN) -m build_scripts refresh $(ARGS)

# `make bench` measures builds, rebuilds, page weight and scale; ARGS=--lighthouse adds Lighthouse
# (npm lighthouse from tests/lighthouse/, three runs per page; several minutes).
LH_TOOLS := tests/lighthouse/node_modules/.package-lock.json

$(LH_TOOLS): tests/lighthouse/package-lock.json
	cd tests/lighthouse && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

bench: $(TEST_STAMP)
	@case " $(ARGS) " in *" --lighthouse "*) $(MAKE) --no-print-directory $(LH_TOOLS);; esac
	$(RUN) -m build_scripts.bench $(ARGS)

shots: site $(TEST_STAMP)
	$(RUN) -m build_scripts.shots build/shots "" headline/ efficiency/ overreaction/ investor/ methodology/

# ARGS=--rebuild rebuilds editions already on the branch; ARGS="publish 2025-07" builds one.
editions: $(SITE_STAMP)
	$(RUN) -m build_scripts editions $(ARGS)

serve-editions: $(SITE_STAMP)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/mike serve -F mkdocs.yml -a 127.0.0.1:8002

deploy: $(SITE_STAMP)
	$(RUN) -m build_scripts deploy $(ARGS)

lock:
	$(PY) -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --no-header -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra test -c requirements.lock --python-version 3.11 --generate-hashes --no-header -o requirements-test.lock

clean:
	rm -rf site build docs/*/generated .pytest_cache .ruff_cache .mypy_cache

distclean: clean
	rm -rf $(VENV)
