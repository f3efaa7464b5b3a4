"""The Book port and its backends. ``open_book(path)`` gives a file-backed Book."""

from boardbook.book.base import Book, ChartSpec, ColumnFormat, Formula, Highlight, TableData, Value
from boardbook.book.openpyxl_book import OpenpyxlBook


def open_book(path) -> OpenpyxlBook:
    """Open an .xlsx file as a Book (openpyxl backend)."""
    return OpenpyxlBook.open(path)


__all__ = ["Book", "ChartSpec", "ColumnFormat", "Formula", "Highlight", "OpenpyxlBook", "TableData",
           "Value", "open_book"]
