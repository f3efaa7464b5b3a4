"""Ribbon handler for the matrix of concerns (for ``boardbook.excel.dispatch``): ``concerns.pipeline``, live."""

from __future__ import annotations

from boardbook.concerns.model import ConcernsInputError
from boardbook.concerns.pipeline import fill_concerns_file
from boardbook.errors import BoardbookError
from boardbook.excel import Excel
from boardbook.problems import stopped
from boardbook.recorded import recorded_config


def refresh(xl: Excel) -> str:
    """Re-read the open matrix and fill it again, live (it stays open, unsaved)."""
    book = xl.port()
    try:
        result = fill_concerns_file(None, None, config=recorded_config(book), book=book)
    except ConcernsInputError as exc:  # the pipeline wrote them to the Problems table
        raise BoardbookError(stopped("The matrix of concerns was not filled", exc)) from None
    return f"Matrix of concerns filled: {len(result.input.concerns)} concerns in {len(result.groups)} groups."
