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

.DEFAULT_GOAL := help
.PHONY: help serve token app-key test test-future lint unit integration e2e template-lint build bench bench-search bench-export sam-local-check clean

help:
	@echo "make serve | token TENANT=<24 chars> | app-key TENANT=<24 chars> | test | test-future | lint | unit | integration | e2e | template-lint"
	@echo "     build [ARCH=arm64|x86_64 RUNTIME=python3.13] | sam-local-check | bench | bench-search | bench-export | clean"

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
	faketime -f '$(FAKETIME_OFFSET)' $(PY) -m pytest tests/unit tests/integration -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit -q

integration: $(VENV)/.installed
	$(PY) -m pytest tests/integration -q

e2e: $(VENV)/.installed
	$(PY) -m pytest tests/e2e -q

template-lint: $(VENV)/.installed $(SAM_VENV)/.installed
	$(SAM) validate --lint --template template.yaml
	$(VENV)/bin/cfn-lint template.yaml

build: $(SAM_VENV)/.installed
	LAYER_PLATFORM=$(LAYER_PLATFORM) LAYER_PYVER=$(LAYER_PYVER) \
		$(SAM) build --parameter-overrides Architecture=$(ARCH) PythonRuntime=$(RUNTIME)

# Every event in events/ through `sam local invoke` in the Lambda container. Needs dockerd and
# the stand-in image from ../shared/tools/sam-local (see README, "sam local invoke").
sam-local-check: $(VENV)/.installed $(SAM_VENV)/.installed
	$(MAKE) build ARCH=x86_64 RUNTIME=$(RUNTIME)
	SAM_PY=$(CURDIR)/$(SAM_VENV)/bin/python $(PY) -m local.sam_check --runtime $(RUNTIME)

bench: $(VENV)/.installed
	$(PY) bench/cold_start.py
	$(PY) bench/redemptions.py
	$(MAKE) bench-search
	$(MAKE) bench-export

# DynamoDB calls and bytes read per promotion search at 1,000 and 10,000 promotions (minutes on moto).
bench-search: $(VENV)/.installed
	$(PY) bench/search.py

# Our export against a naive one at 100,000 and 1,000,000 redemptions (about 20 minutes).
bench-export: $(VENV)/.installed
	$(PY) bench/export.py

clean:
	rm -rf .aws-sam .pytest_cache .ruff_cache
