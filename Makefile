# Every target bootstraps .venv on its own, idempotently, from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install lint test demo bench clean browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

# Azurite (Azure Blob emulator) for the storage tests; no package here has install scripts.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

install: $(STAMP) node_modules/.package-lock.json

# Headless Chromium for the launcher's browser test: Debian's package, driven by Playwright's
# Python package through executable_path (never `playwright install`, which downloads a build).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell test "$$(id -u)" -eq 0 || echo sudo)
browser:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	  chromium fonts-dejavu-core >/dev/null; }
	@test -x $(CHROMIUM) || { echo "make: $(CHROMIUM) is missing after apt-get install chromium"; exit 1; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint browser
	$(BIN)/pytest

demo: install
	$(BIN)/python -m ui.demo

bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.profiling --large --ydata
	$(BIN)/python -m bench.kinds
	$(BIN)/python -m bench.srdd
	$(BIN)/python -m bench.ui

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
