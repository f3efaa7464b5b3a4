# The two commands of the README. Each sets up what it needs on a fresh machine (idempotent).
#   make demo   - install boardbook in .venv and run the bundled demo into demo-output/
#   make test   - also install LibreOffice (the independent recalculation engine) and run lint (ruff check and format, mypy) + tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test install lint templates addin

$(BIN)/boardbook: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(BIN)/boardbook

install: $(BIN)/boardbook

demo: install
	$(BIN)/boardbook demo --out demo-output

lint: install
	$(BIN)/ruff check python tests benchmarks
	$(BIN)/ruff format --check python tests benchmarks
	$(BIN)/mypy

test: install lint
	scripts/ensure-libreoffice
	$(BIN)/python -m pytest
	$(MAKE) addin

# Build the Excel add-in from addin/src + the installed xlwings VBA, and verify it with olevba and LibreOffice.
addin: install
	$(BIN)/boardbook addin build
	$(BIN)/boardbook addin verify addin/boardbook.xlam --libreoffice require

templates: install
	$(BIN)/boardbook templates --out workbooks
