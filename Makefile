# One place for the commands a developer and CI run. `make help` lists them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-out

.PHONY: help install demo test check lint typecheck format bench clean

help:
	@echo "make demo      install and run the offline demo on SQLite"
	@echo "make test      install with test tools, then lint, type-check and run the tests"
	@echo "make check     lint, type-check and test without reinstalling"
	@echo "make format    format the code with ruff"
	@echo "make bench     run the benchmarks in bench/"

$(BIN)/watcher: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/watcher

demo: install
	$(BIN)/watcher demo --out $(DEMO_DIR)

test: install check

check: lint typecheck
	$(BIN)/pytest

lint:
	$(BIN)/ruff check watcher tests bench
	$(BIN)/ruff format --check watcher tests bench

typecheck:
	$(BIN)/mypy

format:
	$(BIN)/ruff format watcher tests bench
	$(BIN)/ruff check --fix watcher tests bench

bench: install
	$(BIN)/python bench/bench_ticket_import.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache *.egg-info
