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

# pytest runs with lxml installed (the test extra), so openpyxl writes with it; the tests that edit or read back
# saved packages then run again with openpyxl's standard-library writer (OPENPYXL_LXML=False): the same workbooks.
test: install lint
	scripts/ensure-libreoffice
	$(BIN)/python -m pytest
	OPENPYXL_LXML=False $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_lxml_writer.py \
		tests/test_ooxml_names.py tests/test_streamed_rows.py tests/test_recollation_lean.py tests/test_book_port.py \
		tests/test_templates.py tests/test_recalculation.py tests/test_budget_fill.py tests/test_performance_fill.py \
		tests/test_performance_scatter.py tests/test_accessibility.py tests/test_xlmemory.py tests/test_collate.py
	$(MAKE) addin

# Build the Excel add-in (python/boardbook/addin/boardbook.xlam, shipped in the package) from python/boardbook/addin/src
# + the installed xlwings VBA, and verify it with olevba, mraptor, openxml-audit and LibreOffice.
addin: install
	$(BIN)/boardbook addin build
	$(BIN)/boardbook addin verify python/boardbook/addin/boardbook.xlam --libreoffice require

templates: install
	$(BIN)/boardbook templates --out workbooks
