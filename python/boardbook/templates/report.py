"""The annual report's data workbook (``annual-report-data.xlsx``), built fresh for the appendices given.

Sheets: About (what each table holds, the partnership, when it was made), then one sheet per appendix holding one
Excel table at A1 (header row repeated when printed, fitted to the page width), in the order of the appendices.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl

from boardbook.book.openpyxl_book import OpenpyxlBook
from boardbook.report import contract as c
from boardbook.report.model import TEXT, Appendix
from boardbook.templates.layout import cover_sheet, label_rows, table_sheet

SHEETS = {
    c.BUDGET_APPENDIX: "Budget",
    c.MATRIX_OF_CONCERNS: "Matrix of concerns",
    c.SECTION11_STANDARDS: "Section 11 standards",
    c.PRIORITIES: "Priorities",
    c.LEARNING_GAIN: "Learning gain",
    c.RECOMMENDATION_STATUS: "Recommendations",
}
WIDE = {"Line": 40, "Concern": 50, "Standard": 50, "Group": 28, "Course": 30, "Review type": 20, "Priority": 22}
LENS_WIDTH = 45  # the Priorities text columns


def width(appendix: Appendix, header: str) -> float:
    if appendix.name == c.PRIORITIES and header != "Priority":
        return LENS_WIDTH
    if appendix.kind(header) != TEXT:
        return max(12.0, len(header) + 4)
    return WIDE.get(header, max(12.0, len(header) + 4))


def build_report_data(appendices: Sequence[Appendix], *, partnership: str, made_at: str) -> OpenpyxlBook:
    """An empty data workbook with a table for each appendix (rows are written by ``report.fill``)."""
    wb = openpyxl.Workbook()
    about = [
        (
            "About",
            "The tables of the partnership's annual report, taken from its filled boardbook workbooks by "
            "boardbook report. The same tables, with captions, are in annual-report-appendices.docx.",
        ),
        *((SHEETS[a.name], f"Table {a.name}: {a.caption}. {a.note} From {Path(a.source).name}.") for a in appendices),
    ]
    ws = cover_sheet(wb, "About", "Annual report data", about)
    label_rows(ws, 3 + len(about) + 1, [("Partnership", "Partnership", partnership), ("MadeAt", "Made at", made_at)])
    for a in appendices:
        table_sheet(wb, SHEETS[a.name], a.name, a.headers, {h: width(a, h) for h in a.headers})
    return OpenpyxlBook(wb)
