# malang-kg developer entry points. `make run` and `make test` bootstrap everything they need.
#
# Dependencies are installed from requirements.lock with --require-hashes (exact pins). The lock
# holds the hashes of every file PyPI serves for each pinned version; pip may fetch them from PyPI
# or from any configured mirror, as long as the file it gets has one of those hashes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP_TOOLS_VERSION := 7.6.2
# Extra pip-compile flags for `make lock`, e.g. `make lock LOCK_FLAGS=--upgrade` to move every
# pin to the newest allowed release (by default existing pins are kept where still valid).
LOCK_FLAGS ?=

.PHONY: venv frontend clients build run test test-fast lint format lock areas clean distclean bench bench-lock

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --require-hashes -r requirements.lock
	$(BIN)/pip install --no-deps -e .
	touch $@

build: venv
	$(BIN)/malang-kg build

# The query page's editor: npm packages pinned in frontend/package-lock.json, bundled by esbuild
# into malang_kg/static/build/ (not committed). `make run` goes on without it when npm is missing
# (the page keeps its plain form); the tests need it.
BUNDLE := malang_kg/static/build/editor.js
frontend: $(BUNDLE)

$(BUNDLE): frontend/package-lock.json frontend/package.json $(wildcard frontend/src/*.js)
	cd frontend && npm ci --no-audit --no-fund && npm run build

run: build
	@command -v npm >/dev/null 2>&1 && $(MAKE) --no-print-directory frontend \
	  || echo "the editor was not built (npm missing?): the query page keeps its plain form"
	$(BIN)/malang-kg serve

# Regenerate data/areas.ttl from sources/reference/kota-malang-wilayah.csv (commit the output).
areas: venv
	$(BIN)/python scripts/generate_areas.py

# The JavaScript SPARQL client the live tests run (Comunica), pinned in tests/clients.
CLIENTS := tests/clients/node_modules/.installed
clients: $(CLIENTS)

$(CLIENTS): tests/clients/package-lock.json tests/clients/package.json
	cd tests/clients && npm ci --no-audit --no-fund && touch node_modules/.installed

# Every tier: lint, types, then the whole suite (live servers, backends, browser, slow builds).
test: lint frontend clients
	$(BIN)/pytest

# The fast tier (well under a minute): lint, types, and the unit tests on the real data built
# once per worker; no live server, no external engine, no browser, no slow build.
FAST_TESTS := not (live or backend or browser or slow)
TEST_WORKERS ?= 2
test-fast: lint
	$(BIN)/pytest -n $(TEST_WORKERS) -m "$(FAST_TESTS)"

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate requirements.lock with pip-tools from a throwaway virtual environment.
# Index URLs and find-links are not written into the lock: they come from the machine's pip
# configuration, so the lock stays portable.
lock:
	set -eu; \
	tmp="$$(mktemp -d)"; \
	trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" install --quiet "pip-tools==$(PIP_TOOLS_VERSION)"; \
	CUSTOM_COMPILE_COMMAND="make lock" "$$tmp/venv/bin/pip-compile" --quiet \
		--extra dev --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
		$(LOCK_FLAGS) -o requirements.lock pyproject.toml

# The benchmark (not a test): our server, `oxigraph serve` and rdflib-endpoint side by side at
# 10k, 100k and 1M triples; writes bench/results/ and the README's Performance table. It installs
# wrk (apt-get) and the peers (var/bench/venv, from bench/requirements.lock) when missing.
# Options: `make bench BENCH_ARGS="--sizes 10000,100000 --duration 5"` (see bench/README.md).
BENCH_ARGS ?=
bench: venv
	$(BIN)/python -m bench $(BENCH_ARGS)

# Regenerate bench/requirements.lock (the peers' pins, with hashes) from bench/requirements.in.
bench-lock:
	set -eu; \
	tmp="$$(mktemp -d)"; \
	trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" install --quiet "pip-tools==$(PIP_TOOLS_VERSION)"; \
	CUSTOM_COMPILE_COMMAND="make bench-lock" "$$tmp/venv/bin/pip-compile" --quiet \
		--generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
		-o bench/requirements.lock bench/requirements.in

clean:
	rm -rf var/ .mypy_cache .ruff_cache .pytest_cache build/ test-artifacts/ *.egg-info
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
