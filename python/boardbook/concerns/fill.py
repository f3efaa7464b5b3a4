"""Fill the matrix of concerns through the Book port: every evidence cell says ``Yes`` in text or is blank, a
green fill repeats the word (never replaces it), and ``Sources`` is a live count carrying its value."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.utils.cell import get_column_letter

from boardbook.book.base import Book, ColumnFormat, Formula, Highlight
from boardbook.concerns import contract as c
from boardbook.concerns import rules
from boardbook.concerns.model import Concern
from boardbook.problems import write_problems
from boardbook.templates.styles import PALETTE

YES_HIGHLIGHT = (Highlight(c.YES, *PALETTE[0]),)
FORMATS = {"Concern": ColumnFormat(wrap=True), "Sources": ColumnFormat("0")}


def sources_formula(book: Book, row_index: int) -> str:
    """``Sources`` of data row ``row_index`` (0-based): how many evidence cells of the row say Yes."""
    _sheet, header_row, col = book.table_position(c.CONCERNS)
    first = get_column_letter(col + c.HEADERS.index(c.EVIDENCE[0]))
    last = get_column_letter(col + c.HEADERS.index(c.EVIDENCE[-1]))
    row = header_row + 1 + row_index
    return f'=COUNTIF({first}{row}:{last}{row},"{c.YES}")'


def fill_concerns(book: Book, concerns: Sequence[Concern]) -> None:
    write_problems(book, [])
    rows = [
        [
            x.group,
            x.concern,
            *(c.YES if x.marks[col] else "" for col in c.EVIDENCE),
            Formula(sources_formula(book, i), rules.sources(x.marks)),
        ]
        for i, x in enumerate(concerns)
    ]
    book.write_table(c.CONCERNS, rows, headers=c.HEADERS, formats=FORMATS)
    book.highlight(c.CONCERNS, list(c.EVIDENCE), YES_HIGHLIGHT)
    book.set_choices(c.CONCERNS, c.EVIDENCE[0], [c.YES], strict=False)
    for col in c.EVIDENCE[1:]:
        book.set_choices(c.CONCERNS, col, [c.YES], strict=False)
