"""The learning and improvement tracker (``workbooks/learning-improvement.xlsx``), filled by ``learning fill``.

Sheets in reading order: About, Tracker (partnership and the report date ``AsAt``), Recommendations (typed by
the business unit; RAG, Days overdue and Impact check are formulas), By review, By theme, Problems. The blank
rows already hold the formulas, so the template computes RAG as it is typed, before any fill.
"""

from __future__ import annotations

import openpyxl

from boardbook.book.base import Formula
from boardbook.book.openpyxl_book import OpenpyxlBook
from boardbook.config import Config
from boardbook.learning import contract as c
from boardbook.learning.fill import (
    IMPACT_HIGHLIGHTS,
    RAG_HIGHLIGHTS,
    RECOMMENDATION_FORMATS,
    SUMMARY_FORMATS,
    column_letters,
    row_formulas,
)
from boardbook.problems import PROBLEM_WIDTHS, PROBLEMS, PROBLEMS_ABOUT, PROBLEMS_HEADERS
from boardbook.templates.layout import config_sheet, cover_sheet, label_rows, print_setup, table_sheet

TRACKER_SHEET = "Tracker"
BLANK_ROWS = 20
WIDTHS = {
    "Ref": 10,
    "Review": 24,
    "Review type": 14,
    "Agreed": 12,
    "Recommendation": 50,
    "Theme": 18,
    "Lead agency": 20,
    "Owner": 18,
    "Due": 12,
    "Status": 13,
    "Impact evidence": 40,
    "Updated": 12,
    "RAG": 9,
    "Days overdue": 10,
    "Impact check": 20,
    "Recommendations": 17,
    "Completed": 12,
    "Overdue": 10,
    "% complete": 12,
}


def _guidance() -> list[tuple[str, str]]:
    return [
        (
            "About",
            "The partnership's learning and improvement tracker: every recommendation from case reviews, "
            "audits and inspections, who leads it, when it is due, how far it has got and what changed. Type "
            "the rows, then run: boardbook learning fill THIS-FILE --out FILLED.xlsx [--as-at 31/03/2026]",
        ),
        (TRACKER_SHEET, "The partnership and the report date (AsAt) the RAG and days overdue are worked out on."),
        (
            "Recommendations",
            "One row per recommendation. Review type: CSPR, Rapid review, SCR, Audit, Inspection or Other. "
            "Status: Not started, In progress, Completed or Evidenced. Dates as 31/03/2026. RAG, Days overdue "
            "and Impact check are worked out (formulas): do not type in them.",
        ),
        (
            "RAG",
            f"Completed or Evidenced: Green. Past its Due date and not completed: Red. Otherwise Amber when due "
            f"within {c.DUE_SOON_DAYS} days or not updated for more than {c.STALE_DAYS} days, else Green. "
            "Days overdue: days since Due of a recommendation not completed.",
        ),
        (
            "Impact check",
            f"'{c.NO_IMPACT}' for a recommendation completed or evidenced with no impact evidence: the board "
            "wants to know change happened, not that a task was ticked.",
        ),
        (
            "By review, By theme",
            "Per review and per theme: recommendations, completed (Completed and Evidenced), overdue, % complete.",
        ),
        (PROBLEMS, PROBLEMS_ABOUT + " Empty when boardbook found nothing to say."),
    ]


def build_learning(config: Config) -> OpenpyxlBook:
    wb = openpyxl.Workbook()
    cover_sheet(wb, "About", "Learning and improvement tracker", _guidance())
    ws = wb.create_sheet(TRACKER_SHEET)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 46
    cells = label_rows(
        ws, 1, [("Partnership", "Partnership", config.partnership), (c.AS_AT, "Report date", None)], unlocked=c.NAMES
    )
    ws[cells[c.AS_AT]].number_format = c.DATE_FORMAT
    print_setup(ws, None)
    blank = [[None] * len(c.HEADERS)] * BLANK_ROWS
    table_sheet(wb, "Recommendations", c.RECOMMENDATIONS, c.HEADERS, WIDTHS, blank)
    table_sheet(wb, "By review", c.BY_REVIEW, c.BY_REVIEW_HEADERS, WIDTHS)
    table_sheet(wb, "By theme", c.BY_THEME, c.BY_THEME_HEADERS, WIDTHS)
    table_sheet(wb, PROBLEMS, PROBLEMS, PROBLEMS_HEADERS, PROBLEM_WIDTHS)
    config_sheet(wb, config)
    book = OpenpyxlBook(wb)
    for name, address in cells.items():
        book.define_name(name, TRACKER_SHEET, address)
    _sheet, header_row, letter = column_letters(book, c.RECOMMENDATIONS, c.HEADERS)
    rows = []
    for k in range(BLANK_ROWS):
        f = row_formulas(letter, header_row + 1 + k)
        rows.append([None] * len(c.INPUT_HEADERS) + [Formula(f[h], "") for h in c.FILLED_HEADERS])
    book.write_table(c.RECOMMENDATIONS, rows, headers=c.HEADERS, formats=RECOMMENDATION_FORMATS)
    book.set_choices(c.RECOMMENDATIONS, "Review type", c.REVIEW_TYPES)
    book.set_choices(c.RECOMMENDATIONS, "Status", c.STATUSES)
    book.highlight(c.RECOMMENDATIONS, ["RAG"], RAG_HIGHLIGHTS)
    book.highlight(c.RECOMMENDATIONS, ["Impact check"], IMPACT_HIGHLIGHTS)
    for table, headers in ((c.BY_REVIEW, c.BY_REVIEW_HEADERS), (c.BY_THEME, c.BY_THEME_HEADERS)):
        book.write_table(table, [], headers=headers, formats=SUMMARY_FORMATS)
    return book
