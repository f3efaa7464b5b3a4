"""The feedback workbook one agency gets after collation: a cover, its ratings, its problems, its actions.

It goes outside the partnership, so it holds nothing but that agency's own rows and the partnership-wide
percentages: no hidden configuration sheet (the agency list has e-mail addresses), no other agency, no paths.
Laid out like the other outputs: one table per sheet at A1, frozen headers, A4 landscape printing.
"""

from __future__ import annotations

import openpyxl

from boardbook.book.openpyxl_book import OpenpyxlBook
from boardbook.section11 import contract as c
from boardbook.templates.layout import cover_sheet, label_rows, table_sheet

COVER = "Feedback"
RATINGS_SHEET = "Your ratings"
PROBLEMS_SHEET = "Your problems"
ACTIONS_SHEET = "Your actions"
WIDTHS = {
    "Ref": 8,
    "Standard": 48,
    "Your rating": 16,
    "Moderated rating": 18,
    "Partnership met %": 14,
    "Challenge": 48,
    "Board comment": 48,
    "File": 32,
    "Sheet": 14,
    "Cell": 10,
    "Problem": 80,
    "Severity": 10,
    "Action": 60,
    "Owner": 20,
    "Due": 12,
    "Action status": 16,
}


def _guidance(partnership: str) -> list[tuple[str, str]]:
    return [
        (
            "About",
            f"How your agency's section 11 self-assessment was received by {partnership}. This workbook holds "
            "your agency's answers only, beside the partnership-wide percentages: no other agency's data.",
        ),
        (
            "Your ratings",
            "Each standard: the rating you gave, the rating agreed at moderation (blank when it was not "
            "moderated), the share of agencies across the partnership that rated it met, why it was taken to "
            "the challenge event if it was, and the board's comment.",
        ),
        ("Your problems", "What boardbook found in the return you sent (none: the table is empty)."),
        ("Your actions", "The actions you set out for standards not yet met, with their status as the board sees it."),
    ]


def build_feedback(partnership: str) -> OpenpyxlBook:
    """A blank feedback workbook (filled through the Book port by ``section11.fill.fill_feedback``)."""
    wb = openpyxl.Workbook()
    guidance = _guidance(partnership)
    ws = cover_sheet(wb, COVER, "Section 11 feedback", guidance)
    cells = label_rows(
        ws,
        3 + len(guidance) + 1,
        [("Agency", "Agency", ""), ("Partnership", "Partnership", partnership), ("Round", "Audit round", "")],
    )
    table_sheet(wb, RATINGS_SHEET, c.YOUR_RATINGS, c.YOUR_RATINGS_HEADERS, WIDTHS)
    table_sheet(wb, PROBLEMS_SHEET, c.YOUR_PROBLEMS, c.YOUR_PROBLEMS_HEADERS, WIDTHS)
    table_sheet(wb, ACTIONS_SHEET, c.YOUR_ACTIONS, c.YOUR_ACTIONS_HEADERS, WIDTHS)
    book = OpenpyxlBook(wb)
    for name in c.FEEDBACK_NAMES:
        book.define_name(name, COVER, cells[name])
    return book
