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

.PHONY: site data serve serve-ja serve-editions test test-fast lint refresh bench shots editions deploy clean distclean lock help

help:
	@echo "make site      build data products and the bilingual site into site/ (offline)"
	@echo "make test      run every test (unit, data, fetch, build, browser)"
	@echo "make serve     live preview for authors at http://127.0.0.1:8000 (English)"
	@echo "make serve-ja  live preview of the Japanese edition (http://127.0.0.1:8001/ja/)"
	@echo "make refresh   fetch new prices from the providers (the only networked step)"
	@echo "make bench     measure analysis and build speed"
	@echo "make editions  build every edition of data/editions.yaml into the local gh-pages branch"
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

data: $(SITE_STAMP)
	$(RUN) -m build_scripts data

serve: data
	$(RUN) -m mkdocs serve -f mkdocs.yml --watch build_scripts --watch data --watch docs/partials

serve-ja: data
	$(RUN) -m mkdocs serve -f mkdocs.ja.yml -a 127.0.0.1:8001 --watch build_scripts --watch data --watch docs/partials

test: $(TEST_STAMP)
	$(RUN) -m ruff check build_scripts tests
	$(RUN) -m pytest

test-fast: $(TEST_STAMP)
	$(RUN) -m pytest -m "not slow and not browser"

lint: $(TEST_STAMP)
	$(RUN) -m ruff check build_scripts tests

refresh: $(SITE_STAMP)
	$(RUN) -m build_scripts refresh $(ARGS)

bench: $(TEST_STAMP)
	$(RUN) -m build_scripts.bench

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
	rm -rf site build docs/*/generated .pytest_cache .ruff_cache

distclean: clean
	rm -rf $(VENV)
