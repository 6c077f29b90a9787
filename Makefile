# Offers service. Every target sets up what it needs on a fresh machine (Python 3.11+ and
# network access to PyPI are the only prerequisites).
#   make serve   run the API locally on http://127.0.0.1:3000 (AWS emulated in memory)
#   make test    lint + unit + integration + e2e + template lint (what CI runs)
#   make build   sam build (layer wheels for the Lambda platform; ARCH/RUNTIME override)

PYTHON ?= python3
VENV := .venv
SAM_VENV := .venv-sam
PY := $(VENV)/bin/python
SAM := $(SAM_VENV)/bin/sam
export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= us-east-1

ARCH ?= arm64
RUNTIME ?= python3.13
LAYER_PLATFORM := $(if $(filter x86_64,$(ARCH)),manylinux2014_x86_64,manylinux2014_aarch64)
LAYER_PYVER := $(subst python,,$(RUNTIME))
TENANT ?= 000000000000000000000001
# Integration suites run in this many processes (pytest-xdist), each with its own moto.
TEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help serve emulator sam-api token app-key test test-future lint unit integration e2e template-lint build bench bench-search bench-export bench-schedules bench-cards bench-card-exports sam-local-check clean openapi fuzz

help:
	@echo "make serve | token TENANT=<24 chars> | app-key TENANT=<24 chars> | test | test-future | lint | unit | integration | e2e"
	@echo "     template-lint | build [ARCH=arm64|x86_64 RUNTIME=python3.13] | emulator | sam-api | sam-local-check"
	@echo "     bench | bench-search | bench-export | bench-schedules | openapi | fuzz [FUZZ_EXAMPLES=n FUZZ_SEED=n] | clean"

$(VENV)/.installed: requirements-dev.txt layers/common/requirements.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $@

serve: $(VENV)/.installed
	$(PY) -m local.server

# An AWS emulator (moto on 127.0.0.1) holding the table, the bucket and the data the events in
# events/ refer to, for `sam local invoke` / `start-api` by hand (README, "sam local invoke").
# Prints ENDPOINT=...; writes .local/sam-env.json (--env-vars) and .local/emulator.pid.
EMULATOR_PORT ?= 4566
emulator: $(VENV)/.installed
	EMULATOR_PORT=$(EMULATOR_PORT) $(PY) -m local.emulator

# `sam local start-api` on 127.0.0.1:$(SAM_API_PORT): API Gateway emulation, the authorizer and
# every function in Lambda containers, against `make emulator` (after `make build ARCH=x86_64`
# and the stand-in image, see README). Records its PID in .local/sam-api.pid.
SAM_API_PORT ?= 3001
ENDPOINT ?= http://127.0.0.1:$(EMULATOR_PORT)
sam-api: $(SAM_VENV)/.installed
	@test -f .local/sam-env.json || { echo "start the emulator first: make emulator" >&2; exit 1; }
	mkdir -p .local && echo $$$$ > .local/sam-api.pid && exec $(SAM_VENV)/bin/python local/sam_http_api.py \
		local start-api --template .aws-sam/build/template.yaml --env-vars .local/sam-env.json \
		--warm-containers LAZY --host 127.0.0.1 --port $(SAM_API_PORT) --parameter-overrides \
		"Architecture=x86_64 PythonRuntime=$(RUNTIME) TokenIssuer=https://offers.local/issuer JwksUrl=https://offers.local/.well-known/jwks.json LocalEndpointUrl=$(ENDPOINT)"

token: $(VENV)/.installed
	@$(PY) -m local.devtokens $(TENANT)

# A Voucherify app key (X-App-Id / X-App-Token) for TENANT from the running `make serve`.
app-key: $(VENV)/.installed
	@$(PY) -m local.appkeys $(TENANT)

test: lint unit integration test-future e2e template-lint

# The unit and integration suites as if it were a year from now (Debian's libfaketime shifts
# every clock call of the test process and its workers, monotonic ones by the same constant),
# so a test that holds a fixed date fails today instead of on that date.
FAKETIME_OFFSET ?= +365d
test-future: $(VENV)/.installed
	@command -v faketime >/dev/null || { \
		echo "installing Debian's faketime (once)"; \
		$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
		$(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq faketime >/dev/null; }
	faketime -f '$(FAKETIME_OFFSET)' \
		$(PY) -c 'from datetime import datetime; print("test-future: the tests think it is", datetime.now())'
	faketime -f '$(FAKETIME_OFFSET)' $(PY) -m pytest tests/unit tests/integration -q -n $(TEST_WORKERS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit -q

integration: $(VENV)/.installed
	$(PY) -m pytest tests/integration -q -n $(TEST_WORKERS)

# The fuzzer (tests/e2e/test_fuzz.py) runs here with its CI budget and fixed seed.
e2e: $(VENV)/.installed
	FUZZ=1 $(PY) -m pytest tests/e2e -q

template-lint: $(VENV)/.installed $(SAM_VENV)/.installed
	$(SAM) validate --lint --template template.yaml
	$(VENV)/bin/cfn-lint template.yaml

# docs/openapi.json from the handlers' Powertools resolvers and template.yaml (commit the result;
# tests/unit/test_openapi_document.py fails while it is stale).
openapi: $(VENV)/.installed
	$(PY) -m local.openapi

# schemathesis against the local server from docs/openapi.json, longer than the e2e run:
# FUZZ_EXAMPLES generated requests per operation and phase, FUZZ_SEED (random when empty).
FUZZ_EXAMPLES ?= 200
FUZZ_SEED ?=
fuzz: $(VENV)/.installed
	FUZZ=1 FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SEED=$(FUZZ_SEED) $(PY) -m pytest tests/e2e/test_fuzz.py -q -s

build: $(SAM_VENV)/.installed
	LAYER_PLATFORM=$(LAYER_PLATFORM) LAYER_PYVER=$(LAYER_PYVER) \
		$(SAM) build --parameter-overrides Architecture=$(ARCH) PythonRuntime=$(RUNTIME)

# Every event in events/ through `sam local invoke` in the Lambda container, then a few routes
# through `sam local start-api`. Needs dockerd and the stand-in image from
# ../shared/tools/sam-local (see README, "sam local invoke"). Not part of `make test`.
sam-local-check: $(VENV)/.installed $(SAM_VENV)/.installed
	$(MAKE) build ARCH=x86_64 RUNTIME=$(RUNTIME)
	SAM_PY=$(CURDIR)/$(SAM_VENV)/bin/python $(PY) -m local.sam_check --runtime $(RUNTIME)

bench: $(VENV)/.installed
	$(PY) bench/cold_start.py
	$(PY) bench/redemptions.py
	$(MAKE) bench-search
	$(MAKE) bench-export
	$(MAKE) bench-schedules
	$(MAKE) bench-cards
	$(MAKE) bench-card-exports

# DynamoDB calls and bytes read per promotion search at 1,000 and 10,000 promotions (minutes on moto).
bench-search: $(VENV)/.installed
	$(PY) bench/search.py

# Our export against a naive one at 100,000 and 1,000,000 redemptions (about 20 minutes).
bench-export: $(VENV)/.installed
	$(PY) bench/export.py

# AWS requests per scheduled run, and the local server's scheduling and webhook lag (~12 minutes).
bench-schedules: $(VENV)/.installed
	$(PY) bench/schedules.py

# DynamoDB round trips per card balance change and spend; 50 concurrent spends (about a minute).
bench-cards: $(VENV)/.installed
	$(PY) bench/cards.py

# One gift card's transactions export at 10,000 and 100,000 ledger entries: task memory, rows/s.
bench-card-exports: $(VENV)/.installed
	$(PY) bench/card_exports.py

clean:
	rm -rf .aws-sam .pytest_cache .ruff_cache
