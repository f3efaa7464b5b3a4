"""The matrix of concerns (``workbooks/concerns-matrix.xlsx``), filled by ``concerns fill``.

Sheets: About, Partnership (defined name ``Partnership``), Concerns (one row per concern: its group, the four
kinds of evidence as Yes or blank, and the count), Problems. The blank rows hold the count's formula, so the
template counts as it is typed.
"""

from __future__ import annotations

import openpyxl

from boardbook.book.base import Formula
from boardbook.book.openpyxl_book import OpenpyxlBook
from boardbook.concerns import contract as c
from boardbook.concerns.fill import FORMATS, YES_HIGHLIGHT, sources_formula
from boardbook.config import Config
from boardbook.problems import PROBLEM_WIDTHS, PROBLEMS, PROBLEMS_ABOUT, PROBLEMS_HEADERS
from boardbook.templates.layout import config_sheet, cover_sheet, label_rows, print_setup, table_sheet

BLANK_ROWS = 20
DETAILS_SHEET = "Partnership"
WIDTHS = {"Group": 28, "Concern": 60, "Review work": 14, "Quality assurance": 18, "Data": 10, "Escalated": 12}


def build_concerns(config: Config) -> OpenpyxlBook:
    wb = openpyxl.Workbook()
    cover_sheet(
        wb,
        "About",
        "Matrix of safeguarding concerns",
        [
            (
                "About",
                "Each safeguarding concern the partnership is watching, and the evidence behind it: review work, "
                "quality assurance work, data, and issues escalated to the board. Type the rows, then run: "
                "boardbook concerns fill THIS-FILE --out FILLED.xlsx",
            ),
            (
                "Concerns",
                "Group: free text, as the annual report groups them (regional and national attention, systems, "
                "practice, repeat themes, newly emerged). In each evidence column type Yes (Y, x or ✓ are read "
                "as Yes) or leave it blank (or No). Sources counts the Yes cells.",
            ),
            (
                "Colour",
                "A Yes cell is green; the word Yes stays in the cell, so the matrix reads the same printed "
                "in black and white and aloud.",
            ),
            (PROBLEMS, PROBLEMS_ABOUT + " Empty when boardbook found nothing to say."),
        ],
    )
    ws = wb.create_sheet(DETAILS_SHEET)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 46
    cells = label_rows(ws, 1, [("Partnership", "Partnership", config.partnership)], unlocked=("Partnership",))
    print_setup(ws, None)
    table_sheet(wb, "Concerns", c.CONCERNS, c.HEADERS, WIDTHS, [[None] * len(c.HEADERS)] * BLANK_ROWS)
    table_sheet(wb, PROBLEMS, PROBLEMS, PROBLEMS_HEADERS, PROBLEM_WIDTHS)
    config_sheet(wb, config)
    book = OpenpyxlBook(wb)
    book.define_name("Partnership", DETAILS_SHEET, cells["Partnership"])
    rows = [[None] * len(c.INPUT_HEADERS) + [Formula(sources_formula(book, i), 0)] for i in range(BLANK_ROWS)]
    book.write_table(c.CONCERNS, rows, headers=c.HEADERS, formats=FORMATS)
    book.highlight(c.CONCERNS, list(c.EVIDENCE), YES_HIGHLIGHT)
    for col in c.EVIDENCE:
        book.set_choices(c.CONCERNS, col, [c.YES], strict=False)
    return book
