"""The raw form of an open Book — the same ``RawWorkbook`` a file gives ``book.fast.read_workbook`` — so a
reader validates a live workbook in Excel exactly as it validates a file."""

from __future__ import annotations

from collections.abc import Iterable

from boardbook.book.base import Book
from boardbook.book.fast import NamedCell, RawWorkbook
from boardbook.errors import WorkbookError


def read_book(book: Book, tables: Iterable[str] = (), names: Iterable[str] = ()) -> RawWorkbook:
    """The named tables (found ignoring case) and defined names of an open Book."""
    file = str(book.path or "")
    found_names: dict[str, NamedCell | None] = {}
    for name in names:
        try:
            sheet, cell = book.name_address(name)
            found_names[name] = NamedCell(sheet, cell, book.get_name(name))
        except WorkbookError:
            continue
    table_names = book.table_names()
    by_fold = {t.casefold(): t for t in table_names}
    found_tables = {t: book.read_table(by_fold[t.casefold()]) for t in tables if t.casefold() in by_fold}
    return RawWorkbook(file, found_names, found_tables, table_names, book.sheet_names())
