"""Write the appendices into the data workbook through the Book port: plain values, money as £ to the penny,
percentages as fractions shown with %, text wrapped."""

from __future__ import annotations

from collections.abc import Sequence

from boardbook.book.base import Book, ColumnFormat
from boardbook.report import contract as c
from boardbook.report.model import COUNT, MEAN, MONEY, PERCENT, Appendix

FORMATS = {
    MONEY: ColumnFormat(c.MONEY_FORMAT),
    PERCENT: ColumnFormat(c.PERCENT_FORMAT),
    COUNT: ColumnFormat(c.COUNT_FORMAT),
    MEAN: ColumnFormat(c.MEAN_FORMAT),
}
WRAP = ColumnFormat(wrap=True)


def fill_report_data(book: Book, appendices: Sequence[Appendix]) -> None:
    for a in appendices:
        formats = {h: FORMATS.get(a.kind(h), WRAP) for h in a.headers}
        book.write_table(
            a.name, [["" if v is None else v for v in row] for row in a.rows], headers=a.headers, formats=formats
        )
