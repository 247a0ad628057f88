# Every target bootstraps .venv on its own, idempotently, from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install lint test demo bench clean bubblewrap

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

# Azurite (Azure Blob emulator) for the storage tests; no package here has install scripts.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# bubblewrap confines generated code (tests, the boot check, pipeline commands); Debian's package.
bubblewrap:
	command -v bwrap >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; }

install: $(STAMP) node_modules/.package-lock.json bubblewrap

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

demo: install
	$(BIN)/python -m ui.demo

bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.profiling --large --ydata
	$(BIN)/python -m bench.kinds
	$(BIN)/python -m bench.srdd
	$(BIN)/python -m bench.review

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
