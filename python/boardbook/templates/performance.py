"""The quadrant performance workbook (``workbooks/quadrant-performance.xlsx``), filled by ``performance fill``.

Sheets in reading order: About (what each sheet holds, and the figures the fill used), Quadrant (per
priority, the four lenses as a 2×2 grid), Indicators, Evidence, Risk factors, and Risk factor chart (the
scatter chart and its threshold lines). Every table sits at the top-left of its sheet with a header row.
"""

from __future__ import annotations

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from boardbook.book.base import Highlight
from boardbook.book.openpyxl_book import OpenpyxlBook, put
from boardbook.config import Config
from boardbook.performance import contract as c
from boardbook.problems import PROBLEM_WIDTHS, PROBLEMS, PROBLEMS_ABOUT, PROBLEMS_HEADERS
from boardbook.templates.layout import config_sheet, cover_sheet, label_rows, print_setup, style_header, table_sheet
from boardbook.templates.styles import NOT_APPLICABLE, PALETTE, TABLE_STYLE

GREEN, LIGHT_GREEN, AMBER, ORANGE, RED = PALETTE
RAG_HIGHLIGHTS = (Highlight(c.GREEN, *GREEN), Highlight(c.AMBER, *AMBER), Highlight(c.RED, *RED))
TREND_HIGHLIGHTS = (
    Highlight(c.IMPROVING, *GREEN),
    Highlight(c.WORSENING, *RED),
    Highlight(c.NO_CHANGE, *NOT_APPLICABLE),
)
QUADRANT_HIGHLIGHTS = (
    Highlight(c.HIGH_HIGH, *RED),
    Highlight(c.HIGH_LOW, *AMBER),
    Highlight(c.LOW_HIGH, *ORANGE),
    Highlight(c.LOW_LOW, *NOT_APPLICABLE),
)
LENS_FILL = ("DDEBF7", "1F3864")  # 9.6:1
LENS_HIGHLIGHTS = (*(Highlight(lens, *LENS_FILL) for lens in c.LENSES), Highlight(c.SUMMARY, "1F4E78", "FFFFFF"))
# Scatter points by quadrant: marker colours with at least 3:1 against the white plot area (WCAG 1.4.11).
POINT_COLOURS = {c.HIGH_HIGH: "C00000", c.HIGH_LOW: "B85C00", c.LOW_HIGH: "7030A0", c.LOW_LOW: "2E75B6"}

SHEETS = (
    (
        c.QUADRANT,
        "For each priority, a summary row and then the four lenses as a 2×2 grid: quantitative data | "
        "qualitative data (audits) on top, practitioner views | child and family views below. Each "
        "finding has its RAG rating as text.",
    ),
    (
        c.INDICATORS,
        "One row per indicator and period: definition, figures, target, polarity (higher or lower "
        "is better), tolerance, RAG, trend, statistical neighbours and England.",
    ),
    (
        c.EVIDENCE,
        "Findings from audits, practitioner and child and family views (and any extra quantitative "
        "findings), each with its lens, RAG, source and date.",
    ),
    (
        c.REFLECTIONS,
        "Typed by the board, kept by every fill: for each priority, what went well and what would be even "
        "better if (Kind), one point per row. The annual report pack (boardbook report) shows them beside "
        "each priority's four lenses.",
    ),
    (
        c.RISK_SHEET,
        "Risk factors identified at the end of assessment: how many assessments identified each, how "
        "many of those children went on to a child protection plan, the conversion, and its quadrant.",
    ),
    (c.CHART_SHEET, "Scatter chart of prevalence against conversion, with the threshold lines."),
    (PROBLEMS, PROBLEMS_ABOUT + " Empty when boardbook found nothing to say."),
)
RULES = (
    "How to read it",
    "RAG: Green meets the target; Amber misses it by no more than the tolerance (in the indicator's own "
    "units); Red misses it by more. Trend compares the value with the previous one by polarity. Risk "
    "factors at or above both thresholds (by default the medians) are High prevalence / High impact.",
)
REFLECTION_ROWS = 10  # blank rows ready to type in
WIDTHS = {
    "Priority": 22,
    "Kind": 16,
    "Text": 80,
    "Indicator": 30,
    "Definition": 50,
    "Period": 10,
    "Numerator": 12,
    "Denominator": 13,
    "Per": 9,
    "Value": 10,
    "Previous": 10,
    "Target": 9,
    "Polarity": 10,
    "Tolerance": 11,
    "RAG": 9,
    "Trend": 12,
    "Statistical neighbours": 14,
    "England": 10,
    "Source": 26,
    "Note": 50,
    "Lens": 22,
    "Finding": 70,
    "Date": 12,
    "Factor": 36,
    "Assessments": 13,
    "Plans": 10,
    "Conversion": 12,
    "Quadrant": 32,
    "Lens (left)": 20,
    "Finding (left)": 55,
    "RAG (left)": 10,
    "Lens (right)": 20,
    "Finding (right)": 55,
    "RAG (right)": 10,
}


def build_performance(config: Config) -> OpenpyxlBook:
    """An empty performance workbook for ``config``'s partnership."""
    wb = openpyxl.Workbook()
    intro = [
        (
            "About",
            f"Quadrant performance report of {config.partnership} for the Performance, Audit and "
            "Quality Assurance subgroup. Each sheet below holds one table; the sheets read left to "
            "right in this order.",
        ),
        RULES,
    ]
    ws = cover_sheet(wb, c.ABOUT, "Quadrant performance report", [*intro, *SHEETS])
    first = 3 + len(intro) + len(SHEETS) + 1
    cells = label_rows(
        ws,
        first,
        [
            ("Partnership", "Partnership", config.partnership),
            ("FilledAt", "Filled at", ""),
            ("PrevalenceMeasure", "Prevalence measure", c.ASSESSMENTS),
            ("PrevalenceThreshold", "Prevalence threshold", None),
            ("ImpactThreshold", "Impact threshold", None),
            ("TemplateVersion", "Template version", c.TEMPLATE_VERSION),
        ],
    )
    ws[cells["ImpactThreshold"]].number_format = "0.0%"

    table_sheet(wb, c.QUADRANT, c.QUADRANT, c.QUADRANT_HEADERS, WIDTHS)
    table_sheet(wb, c.INDICATORS, c.INDICATORS, c.INDICATORS_HEADERS, WIDTHS)
    table_sheet(wb, c.EVIDENCE, c.EVIDENCE, c.EVIDENCE_HEADERS, WIDTHS)
    table_sheet(wb, c.REFLECTIONS, c.REFLECTIONS, c.REFLECTIONS_HEADERS, WIDTHS, [[None] * 3] * REFLECTION_ROWS)
    table_sheet(wb, c.RISK_SHEET, c.RISK_FACTORS, c.RISK_FACTORS_HEADERS, WIDTHS)
    _chart_sheet(wb)
    table_sheet(wb, PROBLEMS, PROBLEMS, PROBLEMS_HEADERS, PROBLEM_WIDTHS)

    config_sheet(wb, config)
    book = OpenpyxlBook(wb)
    for name in c.NAMES:
        book.define_name(name, c.ABOUT, cells[name])
    book.set_choices(c.INDICATORS, "Polarity", c.POLARITIES)
    book.set_choices(c.EVIDENCE, "Lens", c.LENSES)
    book.set_choices(c.EVIDENCE, "RAG", c.RAG_LABELS)
    book.set_choices(c.REFLECTIONS, "Kind", c.REFLECTION_KINDS)
    book.highlight(c.INDICATORS, ["RAG"], RAG_HIGHLIGHTS)
    book.highlight(c.INDICATORS, ["Trend"], TREND_HIGHLIGHTS)
    book.highlight(c.EVIDENCE, ["RAG"], RAG_HIGHLIGHTS)
    book.highlight(c.QUADRANT, ["RAG (left)", "RAG (right)"], RAG_HIGHLIGHTS)
    book.highlight(c.QUADRANT, ["Lens (left)", "Lens (right)"], LENS_HIGHLIGHTS)
    book.highlight(c.RISK_FACTORS, ["Quadrant"], QUADRANT_HIGHLIGHTS)
    return book


def _chart_sheet(wb: openpyxl.Workbook) -> None:
    """Title, the threshold-lines table (A4), and room for the chart below it."""
    ws = wb.create_sheet(c.CHART_SHEET)
    put(ws["A1"], "Risk factors: prevalence against conversion to a child protection plan")
    ws["A1"].font = Font(bold=True, size=14)
    put(
        ws["A2"],
        "Scatter chart below; the numbers are in the RiskFactors table on the Risk factors sheet. The "
        "table here holds the end points of the two dashed threshold lines.",
    )
    for j, h in enumerate(c.THRESHOLD_LINES_HEADERS, start=1):
        put(ws.cell(4, j), h)
        style_header(ws.cell(4, j))
    ws.column_dimensions["A"].width = 36
    for col in range(2, len(c.THRESHOLD_LINES_HEADERS) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14
    table = Table(displayName=c.THRESHOLD_LINES, ref=f"A4:{get_column_letter(len(c.THRESHOLD_LINES_HEADERS))}5")
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)
    print_setup(ws, None)
