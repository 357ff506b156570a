# The README's two commands: `make run` and `make test`. Each sets up .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
# CKAN and ckanext-dcat, the real harvester the catalogue tests use; their pins clash with ours.
HARVEST    := .venv-harvest
HARVEST_STAMP := $(HARVEST)/.installed
# Debian's chromium, the real browser the page tests drive (Playwright's own download is not used).
CHROMIUM   := /usr/bin/chromium
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench outline venv clean store messages query-page docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	touch $@ $(RUN_STAMP)

STORE_STAMP := $(VENV)/.installed-store
$(STORE_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[store]'
	touch $@

$(HARVEST_STAMP): Makefile
	$(PYTHON) -m venv $(HARVEST)
	$(HARVEST)/bin/python -m pip --disable-pip-version-check -q install 'ckan[requirements]==2.12.*' 'ckanext-dcat==2.4.*'
	touch $@

# Without root or apt this only says so: the browser tests then skip with that reason.
$(CHROMIUM):
	@$(SUDO) apt-get install -y -q chromium >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -q >/dev/null 2>&1 && $(SUDO) apt-get install -y -q chromium >/dev/null 2>&1) || \
	  echo "make test: could not install Debian's chromium (needs root or sudo, and apt); the browser tests will skip."

# Debian's LibreOffice Calc without its GUI: the real spreadsheet the CSV-injection test opens our CSVs in.
SOFFICE := /usr/bin/soffice
$(SOFFICE):
	@DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends libreoffice-calc-nogui >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends libreoffice-calc-nogui >/dev/null 2>&1) || \
	  echo "make test: could not install Debian's libreoffice-calc-nogui (needs root or sudo, and apt); the spreadsheet test will skip."

# Debian's nginx with njs, and Apache httpd: the real web servers the static-site tests start on
# 127.0.0.1. policy-rc.d stops the packages from starting their own daemons on port 80 (the
# tests start and stop their own); without root or apt the site's web-server tests skip.
WEB_SERVERS := /usr/sbin/nginx /usr/lib/nginx/modules/ngx_http_js_module.so /usr/sbin/apache2
WEB_PACKAGES := nginx libnginx-mod-http-js apache2
$(WEB_SERVERS) &:
	@blocker=; if [ ! -e /usr/sbin/policy-rc.d ]; then blocker=/usr/sbin/policy-rc.d; \
	  printf '#!/bin/sh\nexit 101\n' | $(SUDO) tee $$blocker >/dev/null 2>&1 && $(SUDO) chmod +x $$blocker; fi; \
	( DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(WEB_PACKAGES) >/dev/null 2>&1 || \
	  ( $(SUDO) apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(WEB_PACKAGES) >/dev/null 2>&1 ) || \
	  echo "make test: could not install Debian's $(WEB_PACKAGES) (needs root or sudo, and apt); the web-server tests will skip." ); \
	if [ -n "$$blocker" ]; then $(SUDO) rm -f $$blocker; fi; true

# Debian's Virtuoso 7 (the server and its isql): the tests start their own on 127.0.0.1 with a
# configuration they write; without root or apt the Virtuoso tests skip.
VIRTUOSO := /usr/bin/virtuoso-t /usr/bin/isql-vt
$(VIRTUOSO) &:
	@DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends virtuoso-opensource-7-bin >/dev/null 2>&1 || \
	  ( $(SUDO) apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends virtuoso-opensource-7-bin >/dev/null 2>&1 ) || \
	  echo "make test: could not install Debian's virtuoso-opensource-7-bin (needs root or sudo, and apt); the Virtuoso tests will skip."

venv: $(RUN_STAMP)

## run: validate the bundled Kassel data and publish it to dist/ (the main job)
run: $(RUN_STAMP)
	$(BIN)/twingraph build
	@echo "twingraph is installed in .venv: run '. .venv/bin/activate' to have it on your PATH (or call .venv/bin/twingraph)."

## store: the Oxigraph server binary (`oxigraph serve`) in .venv, for the README's triple-store section
store: $(STORE_STAMP)
	@echo "oxigraph is installed in .venv: $(BIN)/oxigraph serve --location store --bind 127.0.0.1:7878"

## test: the documentation built strictly, then the whole test suite
test: $(TEST_STAMP) $(HARVEST_STAMP) $(CHROMIUM) $(WEB_SERVERS) $(SOFFICE) $(VIRTUOSO) docs
	$(BIN)/python -m pytest -n 2 --durations=15

## docs: the documentation site (mkdocs.yml, docs/) into build/docs, strictly: a broken link, a
## missing page or a page left out of the navigation fails (a phony target: docs/ is a folder too)
docs: $(TEST_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	@echo "The documentation is in build/docs (open build/docs/index.html)."

lint: $(TEST_STAMP)
	$(PIP) install -e '.[dev]'
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/vulture src/twingraph vulture-allowlist.py --min-confidence 60

## messages: extract the pages' words into the catalogue template and add them to each language's catalogue
## (src/twingraph/web/locales/; translate what is new, and the test of the catalogues passes again)
messages: $(TEST_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --omit-header --sort-output -o src/twingraph/web/locales/twingraph.pot .
	$(BIN)/pybabel update -i src/twingraph/web/locales/twingraph.pot -d src/twingraph/web/locales -D twingraph

clean:
	rm -rf $(VENV) $(HARVEST) dist build .pytest_cache

# Debian's wrk, the load generator of the static-site benchmark.
WRK := /usr/bin/wrk
$(WRK):
	@$(SUDO) apt-get install -y -q wrk >/dev/null 2>&1 || echo "make bench: could not install Debian's wrk (needs root or sudo, and apt)."

## bench: benchmarks against the plain rdflib + pyshacl way (prints a table, writes benchmarks/results.json),
## then wrk on the static site's nginx beside serve (benchmarks/site-load.json), then `import csv` of the
## Wikipedia list against the 2016 crawl in a local Oxigraph (benchmarks/reconcile.json), the world's
## import and build (benchmarks/world-import.json), the coverage report of the world beside the
## Wikipedia list with the README's world pictures (benchmarks/coverage.json, docs/world-*.png), and the
## static site's SPARQL page in Chromium for Kassel and World (benchmarks/query-page.json)
bench: $(TEST_STAMP) $(WEB_SERVERS) $(WRK) $(CHROMIUM)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/site_load.py
	$(BIN)/python benchmarks/reconcile.py
	$(BIN)/python benchmarks/world_import.py
	$(BIN)/python benchmarks/coverage.py
	$(BIN)/python benchmarks/query_page.py

## outline: fetch the Natural Earth country outlines again from the npm package world-atlas (needs npm)
outline:
	cd "$$(mktemp -d)" && npm pack --silent world-atlas@2.0.2 >/dev/null && \
	  tar xzf world-atlas-2.0.2.tgz package/countries-110m.json && \
	  cp package/countries-110m.json $(CURDIR)/src/twingraph/plots/naturalearth/countries-110m.json
	sha256sum src/twingraph/plots/naturalearth/countries-110m.json

## query-page: build the static site's SPARQL page again from browser/package-lock.json (needs npm):
## the bundled editor and Oxigraph's WebAssembly, committed, so that neither `make run` nor users need Node
QUERY_ASSETS := src/twingraph/static_site/assets/query
query-page:
	cd browser && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	cp browser/node_modules/oxigraph/web_bg.wasm $(QUERY_ASSETS)/oxigraph.wasm
	cd browser && node licences.mjs ../$(QUERY_ASSETS)/LICENSES.txt
	sha256sum $(QUERY_ASSETS)/*
