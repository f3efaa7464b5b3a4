"""The section 11 board summary: one sheet per table of the contract, filled by ``s11 collate``."""

from __future__ import annotations

import openpyxl
from openpyxl.styles import Font

from boardbook.book.openpyxl_book import OpenpyxlBook, put
from boardbook.config import Config
from boardbook.section11 import contract as c
from boardbook.templates.layout import config_sheet, cover_sheet, label_rows, print_setup, table_sheet

ABOUT = "About"
CHART = "Chart"
CHART_ANCHOR = "A3"
TREND_ANCHOR = "Q3"  # the trend chart, right of the ratings chart (24 cm wide) on the Chart sheet

SHEETS = (
    (
        c.RETURNS,
        "One row per agency and standard. Type in Moderated rating, Board comment and Action status: "
        "they are kept when the returns are collated again.",
    ),
    (c.MATRIX, "Each agency's rating of each standard, and the share of its rated standards that are met."),
    (c.STANDARDS, "For each standard: how many agencies chose each rating, met % and mean score."),
    (
        CHART,
        "Stacked bar chart of the ratings given for each standard; beside it, once two rounds are held, each "
        "agency's met % per round (the Trend table).",
    ),
    (c.CHALLENGE, "Ratings proposed for the challenge (moderation) event, each with the reason."),
    (c.COMPARISON, "Each agency's ratings against the previous round."),
    (c.MISSING, "Agencies expected to return that have no valid return."),
    (c.PROBLEMS, "Everything found wrong in the returns: file, sheet, cell, what, and how serious."),
    (c.REMOVED, "Rows from earlier collations whose agency and standard are no longer in the returns."),
    (c.LOG, "One row per collation: when, how many returns, what changed, and a fingerprint of the inputs."),
    (
        c.MODERATION,
        "For each agency: how many ratings were moderated, agreed, lowered or raised, met % on the self-ratings "
        "and on the moderated ratings, and over-optimism (the mean points a moderated rating fell below the "
        "self-rating). Live formulas over Returns: they follow what is typed in Moderated rating.",
    ),
    (
        c.MODERATION_BY_STANDARD,
        "For each standard: how many ratings were moderated, lowered or raised, and over-optimism.",
    ),
)

WIDE = 50.0
WIDTHS = {
    "Agency": 30,
    "Sector": 18,
    "Evidence": WIDE,
    "Action": 36,
    "Board comment": 36,
    "Problem": 70,
    "Reason": 60,
    "File": 32,
    "Changes": WIDE,
    "Inputs fingerprint": 24,
    "Standard": 36,
    "Source file": 30,
    "Run at": 20,
    "Removed at": 20,
    "Moderated rating": 18,
    "Action status": 16,
}


def build_summary(config: Config) -> OpenpyxlBook:
    """An empty summary laid out for ``config``'s standards and scale."""
    wb = openpyxl.Workbook()
    intro = [
        (
            "About",
            f"Section 11 audit: the collated returns of {config.partnership}. Each sheet below holds "
            "one table; the sheets read left to right in this order.",
        )
    ]
    ws = cover_sheet(wb, ABOUT, "Section 11 board summary", [*intro, *SHEETS])
    first = 3 + len(intro) + len(SHEETS) + 1
    cells = label_rows(
        ws,
        first,
        [
            ("Partnership", "Partnership", config.partnership),
            ("Round", "Audit round", ""),
            ("CollatedAt", "Collated at", ""),
            ("TemplateVersion", "Template version", c.TEMPLATE_VERSION),
        ],
    )

    refs = config.refs
    table_sheet(wb, c.RETURNS, c.RETURNS, c.RETURNS_HEADERS, WIDTHS)
    table_sheet(wb, c.MATRIX, c.MATRIX, c.matrix_headers(refs), {"Agency": 30, **{r: 14 for r in refs}})
    table_sheet(wb, c.STANDARDS, c.STANDARDS, c.standards_headers(config.scale.labels), WIDTHS)
    chart = wb.create_sheet(CHART)
    put(chart["A1"], "Ratings per standard (stacked bar chart; the same numbers are in the Standards table)")
    chart["A1"].font = Font(bold=True, size=14)
    print_setup(chart, None)
    for name, headers in (
        (c.CHALLENGE, c.CHALLENGE_HEADERS),
        (c.COMPARISON, c.COMPARISON_HEADERS),
        (c.MISSING, c.MISSING_HEADERS),
        (c.PROBLEMS, c.PROBLEMS_HEADERS),
        (c.REMOVED, c.REMOVED_HEADERS),
        (c.LOG, c.LOG_HEADERS),
        (c.MODERATION, c.MODERATION_HEADERS),
        (c.MODERATION_BY_STANDARD, c.MODERATION_BY_STANDARD_HEADERS),
        (c.HISTORY, c.HISTORY_HEADERS),
        (c.TREND, c.ADDED_TABLES[c.TREND]),
        (c.SURVEY, c.SURVEY_HEADERS),
    ):
        table_sheet(wb, name, name, headers, WIDTHS)

    config_sheet(wb, config)
    book = OpenpyxlBook(wb)
    for name in c.SUMMARY_NAMES:
        book.define_name(name, ABOUT, cells[name])
    book.set_choices(c.RETURNS, "Moderated rating", config.scale.labels)
    book.set_choices(c.RETURNS, "Action status", c.ACTION_STATUSES)
    return book
