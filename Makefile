# Everything a fresh machine with Python 3.11+ and make needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The reference graphql-ws client (npm) the WebSocket tests drive, when npm exists.
CLIENT := tests/clients/graphql-ws
CLIENT_INSTALLED := $(CLIENT)/node_modules/.installed

.PHONY: install chromium run test lint schema bench bench-delivery fuzz vendor-verify clean

# uv installs exactly what uv.lock holds (versions and hashes); it lives in a venv of
# its own (.tools), since `uv sync` removes from .venv whatever the lock does not list.
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install -qq uv==$(UV_VERSION)

$(INSTALLED): uv.lock pyproject.toml $(UV)
	$(PYTHON) -m venv $(VENV)
	$(UV) sync --frozen --extra dev --python $(BIN)/python --quiet
	touch $@

$(CLIENT_INSTALLED): $(CLIENT)/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix $(CLIENT) --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the reference graphql-ws client tests will skip (in CI they fail)"; fi

install: $(INSTALLED) $(CLIENT_INSTALLED) chromium

# The browser tests drive Debian's chromium (never a downloaded one); CI installs it,
# elsewhere they skip with a reason when it is missing.
chromium:
	@if [ "$$CI" = "true" ] && [ ! -x /usr/bin/chromium ]; then \
		apt-get update -q && apt-get install -y -q chromium; fi

## Migrate the SQLite file, seed the demo tenant, serve the Hooks tab at http://127.0.0.1:8000/ (GraphiQL at /graphql)
run: install
	$(BIN)/python -m app migrate
	$(BIN)/python -m app seed
	$(BIN)/python -m app serve --no-migrate

## Lint, type-check, check import layers, run every test (SQLite and PostgreSQL)
test: install lint
	$(BIN)/python -m pytest

## Attack the service with a large, fresh budget of generated and concurrent operations
## (HOOKS_FUZZ=1: see tests/fuzzing.py; FUZZ_EXAMPLES overrides each test's budget)
fuzz: install
	HOOKS_FUZZ=1 $(BIN)/python -m pytest tests/fuzz --hypothesis-show-statistics -p no:cacheprovider

lint: install
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## Regenerate the committed GraphQL contract from the code
schema: install
	$(BIN)/python -m app schema > schema.graphql

## Every benchmark (PostgreSQL on 127.0.0.1:5432, wrk from Debian's packages; BENCH_SECONDS and
## BENCH_REPEATS size the runs; POSTGRAPHILE_DIR adds PostGraphile 5: see bench/postgraphile.py)
bench: install
	@command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null || \
		(echo "install wrk (apt-get install wrk) and run again"; exit 1)
	$(BIN)/python -m bench

## Cross-replica delivery delay on PostgreSQL (127.0.0.1:5432)
bench-delivery: install
	$(BIN)/python -m bench.delivery --changes 200
	$(BIN)/python -m bench.delivery --changes 200 --rate 100

## Re-fetch the vendored front-end packages from npm and prove the files are theirs
vendor-verify: install
	$(BIN)/python -m tests.vendor_lock

clean:
	rm -rf $(VENV) .tools data .pytest_cache .mypy_cache .ruff_cache .hypothesis $(CLIENT)/node_modules
