"""The Book port and its backends. ``open_book(path)`` gives a file-backed Book."""

from boardbook.book.base import (
    Book,
    ChartSpec,
    ColumnFormat,
    Formula,
    Highlight,
    ScatterSpec,
    TableData,
    Value,
)
from boardbook.book.openpyxl_book import OpenpyxlBook


def open_book(path, *, replacing=(), rereading=()) -> Book:
    """Open an .xlsx file as a Book (openpyxl backend).

    ``replacing`` / ``rereading`` name tables the caller will rewrite without reading / read then rewrite,
    so a big summary opens without their rows (see ``OpenpyxlBook.open``).
    """
    return OpenpyxlBook.open(path, replacing=replacing, rereading=rereading)


def live_port(xw_book) -> Book:
    """A workbook open in Excel (an ``xlwings.Book``, e.g. the ribbon's calling book) behind the Book port."""
    from boardbook.book.xlwings_book import XlwingsBook

    return XlwingsBook(xw_book)


def excel_book(path) -> tuple[Book | None, str]:
    """The workbook ``path`` open in a running Excel (xlwings backend), or None and the reason in one line.

    Excel opens the file if it is not open yet; the user watches it fill and it stays open, unsaved.
    """
    import sys

    if sys.platform not in ("win32", "darwin"):
        return None, f"Excel is not available on {sys.platform}: filled the file with the openpyxl backend instead"
    try:
        import xlwings as xw

        from boardbook.book.xlwings_book import XlwingsBook

        return XlwingsBook(xw.Book(str(path))), ""
    except Exception as exc:
        return None, f"Excel could not be reached ({type(exc).__name__}: {exc}): filled the file instead"


__all__ = [
    "Book",
    "ChartSpec",
    "ColumnFormat",
    "Formula",
    "Highlight",
    "OpenpyxlBook",
    "ScatterSpec",
    "TableData",
    "Value",
    "excel_book",
    "live_port",
    "open_book",
]
