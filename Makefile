# Quick start: `make demo` then `make test`. Everything runs from the project's .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test test-slow check validate examples pytest docs docs-build lint clean chromium bench

# pytest runs on every core (pytest-xdist; most tests wait on a semgrep or fastpolicy process, so 2 cores halve the wall time);
# worksteal keeps both workers busy to the end. PYTEST_PARALLEL= runs it in one process.
PYTEST_PARALLEL ?= -n auto --dist worksteal

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## demo: install into .venv and scan the example app (findings are the point: exit 1 is expected)
demo: $(STAMP)
	@echo "\$$ fastpolicy scan examples/"
	@$(BIN)/fastpolicy scan examples/; rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "\nfastpolicy found the violations planted in examples/ (exit code 1 = findings)."; \
	else echo "unexpected exit code $$rc"; exit 1; fi

# the site's browser test drives Debian's chromium (FASTPOLICY_CHROMIUM names another); as root it is installed with apt-get
CHROMIUM ?= $(or $(FASTPOLICY_CHROMIUM),/usr/bin/chromium)

## chromium: install Debian's chromium when missing (as root, via apt-get); otherwise say the one command to run
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the site's browser test (apt-get install chromium)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "the site's browser test needs chromium at $(CHROMIUM): run 'sudo apt-get install -y chromium' (Debian/Ubuntu) first"; exit 1; \
	  fi; \
	fi

## test: validate the catalogue, run every example, build the site strictly, and pytest (which checks that very build)
test: $(DEV_STAMP) chromium
	$(BIN)/fastpolicy validate
	$(BIN)/fastpolicy test
	$(BIN)/mkdocs build --strict --quiet
	FASTPOLICY_TEST_SITE_DIR=build/site $(BIN)/python -m pytest -q $(PYTEST_PARALLEL)

## test-slow: the tests left out of `make test` (performance measurements and costly duplicates; minutes)
test-slow: $(DEV_STAMP)
	$(BIN)/python -m pytest -q -m slow $(PYTEST_PARALLEL)

validate: $(STAMP)
	$(BIN)/fastpolicy validate

examples: $(STAMP)
	$(BIN)/fastpolicy test

pytest: $(DEV_STAMP) chromium
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL)

docs-build: $(DEV_STAMP)
	$(BIN)/mkdocs build --strict

## docs: serve the catalogue site on http://127.0.0.1:8000
docs: $(DEV_STAMP)
	$(BIN)/mkdocs serve

lint: $(DEV_STAMP)
	$(BIN)/ruff check engine tests

## bench: time fastpolicy against raw semgrep, the parse floor, ruff and bandit (synthetic + local real apps; minutes)
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf build .pytest_cache
