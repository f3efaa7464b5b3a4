"""Ribbon handler for the matrix of concerns (for ``boardbook.excel.dispatch``): ``concerns.pipeline``, live."""

from __future__ import annotations

from boardbook.concerns.pipeline import fill_concerns_file
from boardbook.excel import Excel
from boardbook.problems import stops
from boardbook.recorded import recorded_config


def refresh(xl: Excel) -> str:
    """Re-read the open matrix and fill it again, live (it stays open, unsaved)."""
    book = xl.port()
    with stops("The matrix of concerns was not filled"):  # the pipeline wrote them to the Problems table
        result = fill_concerns_file(None, None, config=recorded_config(book), book=book)
    return f"Matrix of concerns filled: {len(result.input.concerns)} concerns in {len(result.groups)} groups."
