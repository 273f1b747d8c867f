# spbe: the two set-up commands are `make render` (the main job on the bundled Mimika catalog)
# and `make test`. Both create .venv and install spbe with its test tools from the registries.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CATALOG ?= catalog
OUT    ?= build

.PHONY: install validate render test lint typecheck unit bench clean

# One line per step: pip's own progress and notices stay quiet (-qq still shows errors).
PIP := $(BIN)/python -m pip -qq --disable-pip-version-check

$(STAMP): pyproject.toml
	@echo "spbe: creating $(VENV) and installing spbe with its test tools"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install -e '.[test,lsp]'
	@touch $(STAMP)

install: $(STAMP)

validate: $(STAMP)
	@echo "spbe: validate $(CATALOG)"
	@$(BIN)/spbe validate $(CATALOG)

render: $(STAMP)
	@echo "spbe: render $(CATALOG) -> $(OUT)"
	@$(BIN)/spbe render $(CATALOG) -o $(OUT)

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
