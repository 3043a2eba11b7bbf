# strongroom: `make demo` runs every system locally; `make test` runs lint and all tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
TEMPLATES := template.yaml $(wildcard src/strongroom/*/template.yaml)

.PHONY: demo up test lint typecheck templates unit integration e2e fuzz bench build clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/strongroom demo

up: $(STAMP)
	$(BIN)/strongroom up

# Unit and integration tests spread over the cores (pytest-xdist). The e2e tests run in two
# processes, each with its own local stack; a file's tests stay in one process (--dist loadfile),
# as they share the data they set up.
test: lint
	$(BIN)/pytest -n auto tests/unit tests/integration
	$(BIN)/pytest -n 2 --dist loadfile tests/e2e

lint: $(STAMP) typecheck templates
	$(BIN)/lint-imports
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# checkov: every check passes or is skipped next to its resource with the reason (docs/security.md).
# --skip-download: no calls to Prisma Cloud (offline CI); any failed check fails the target.
# checkov pins boto3 exactly (3.3.30: ==1.35.49), so it lives in its own environment rather than
# holding the project's boto3 back (decision 0000).
$(CHECKOV_STAMP): Makefile
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet 'checkov>=3.3,<4'
	touch $(CHECKOV_STAMP)

templates: $(STAMP) $(CHECKOV_STAMP)
	$(BIN)/cfn-lint $(TEMPLATES)
	$(CHECKOV_VENV)/bin/checkov --framework cloudformation --compact --quiet --skip-download \
		$(addprefix --file ,$(TEMPLATES))

unit: $(STAMP)
	$(BIN)/pytest tests/unit

integration: $(STAMP)
	$(BIN)/pytest tests/integration

e2e: $(STAMP)
	$(BIN)/pytest tests/e2e

# The fuzz tests with a bigger budget than make test's (docs/security.md, "Fuzzing"): the
# queue and stream consumers, then the API routes on a local stack (unit tests come first, as
# in testpaths: the stack's threads live until the session ends).
FUZZ_EXAMPLES ?= 200
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest --durations=10 \
		tests/unit/login_activity/test_ingest_fuzz.py tests/unit/config_audit/test_audit_producer_fuzz.py \
		tests/unit/deep_archive_api/test_request_types_fuzz.py tests/e2e/fuzz

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Each function's bundle comes from src/Makefile (SAM's makefile builder): core + its own system.
build:
	sam build --template template.yaml

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .strongroom .pytest_cache .mypy_cache .ruff_cache .aws-sam
