# spbe: the two set-up commands are `make render` (the main job on the bundled Mimika catalog)
# and `make test`. Both create .venv and install spbe with its test tools from the registries.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CATALOG ?= catalog
OUT    ?= build

.PHONY: install validate render test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

validate: $(STAMP)
	$(BIN)/spbe validate $(CATALOG)

render: $(STAMP)
	$(BIN)/spbe render $(CATALOG) -o $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check spbe_cli tests bench
	$(BIN)/ruff format --check spbe_cli tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
