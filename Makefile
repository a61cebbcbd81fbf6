# GreenProcure: two entry points for a fresh machine with Python 3.11+, git and make.
#   make run   set everything up, then run the CLI on the bundled examples (embedded defaults)
#   make test  set everything up, then run ruff, mypy --strict and the whole pytest suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint typecheck pytest clean docs

# Bytecode is compiled at setup (as pip does; uv does not by default): where
# PYTHONDONTWRITEBYTECODE is set, every command would otherwise compile its imports again
# (about 0.5 s of each CLI start).
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q -j 0 src > /dev/null
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/python -m greenprocure.cli.examples

lint: setup
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest -n 2 --dist loadgroup

test: lint typecheck pytest

docs: setup
	$(BIN)/python -m greenprocure.cli.docs > docs/cli.md

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
