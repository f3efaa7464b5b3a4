"""The budget workbook: inputs (defined names and three tables), outputs (defined names), the annual-report
table and the change in each partner's contribution. Input cells are unlocked and yellow."""

from __future__ import annotations

import openpyxl

from boardbook.book.openpyxl_book import OpenpyxlBook
from boardbook.budget import contract as c
from boardbook.config import Config
from boardbook.problems import PROBLEM_WIDTHS, PROBLEMS, PROBLEMS_ABOUT, PROBLEMS_HEADERS
from boardbook.templates.layout import UNLOCKED, config_sheet, cover_sheet, label_rows, print_setup, table_sheet

BUDGET_SHEET = "Budget"
SHEETS = {
    c.CONTRIBUTIONS: "Contributions",
    c.OTHER_INCOME: "Other income",
    c.EXPENDITURE: "Expenditure",
    c.ANNUAL_REPORT: "Annual report",
    c.CHANGES: "Changes",
}
WIDTHS = {
    "Partner": 40,
    "Sector": 20,
    "Basis": 10,
    "Share": 10,
    "Amount": 16,
    "Item": 44,
    "Kind": 18,
    "Budget": 16,
    "Actual": 16,
    "Section": 18,
    "Line": 44,
    "Previous": 16,
    "Change": 16,
    "Change %": 12,
}
INPUT_TABLES = (
    (c.CONTRIBUTIONS, c.CONTRIBUTIONS_HEADERS, ("Partner", "Sector", "Basis", "Share", "Amount")),
    (c.OTHER_INCOME, c.OTHER_INCOME_HEADERS, c.OTHER_INCOME_HEADERS),
    (c.EXPENDITURE, c.EXPENDITURE_HEADERS, c.EXPENDITURE_HEADERS),
)
FORMATS = {"Share": c.PERCENT_FORMAT, "Amount": c.MONEY_FORMAT, "Budget": c.MONEY_FORMAT, "Actual": c.MONEY_FORMAT}
BLANK_INPUT_ROWS = 12


def _guidance() -> list[tuple[str, str]]:
    return [
        (
            "About",
            "The partnership's budget: who contributes what, other income, what is spent, and what happens "
            "to reserves. Fill the yellow cells, then run: boardbook budget fill THIS-FILE --out FILLED.xlsx",
        ),
        (
            "Budget sheet",
            "Partnership, financial year (e.g. 2025/26), reserves brought forward, and the Requirement: "
            "what the share-based contributions must cover, in whole pounds.",
        ),
        (
            "Contributions",
            "One row per partner. Basis 'share': the partner pays Share × Requirement (shares must add "
            "up to 100 %); amounts are rounded to whole pounds so they add up to the Requirement "
            "exactly. Basis 'fixed': type the Amount.",
        ),
        (
            "Other income",
            "Funding streams (grants) and income (training fees, non-attendance charges). Kind blank means Income.",
        ),
        ("Expenditure", "Budget and, when known, Actual for each line; totals use the actual where given."),
        ("Annual report", "Filled by boardbook: the table as partnerships publish it, reconciled to the pound."),
        (PROBLEMS, PROBLEMS_ABOUT + " Empty when boardbook found nothing to say."),
        (
            "Amounts",
            "Type amounts as numbers; £ signs and commas are understood. Insert rows inside the tables "
            "(right-click > Insert > Table Rows Above) so they stay part of the table.",
        ),
    ]


def build_budget(config: Config) -> OpenpyxlBook:
    wb = openpyxl.Workbook()
    cover_sheet(wb, "About", "Partnership budget and contributions", _guidance())
    ws = wb.create_sheet(BUDGET_SHEET)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 46
    fields = [
        ("Partnership", "Partnership", config.partnership),
        ("FinancialYear", "Financial year", ""),
        ("ReservesBroughtForward", "Reserves brought forward", None),
        ("Requirement", "Requirement", None),
        ("TotalContributions", "Total contributions", None),
        ("TotalIncome", "Total income", None),
        ("TotalExpenditure", "Total expenditure", None),
        ("Surplus", "Surplus (deficit if negative)", None),
        ("Drawdown", "Drawdown from reserves", None),
        ("AddToReserves", "Add to reserves", None),
        ("ReservesCarriedForward", "Reserves carried forward", None),
    ]
    cells = label_rows(ws, 1, fields, unlocked=c.INPUT_NAMES)
    for name in ("ReservesBroughtForward", "Requirement", *c.OUTPUT_NAMES):
        ws[cells[name]].number_format = c.MONEY_FORMAT
    print_setup(ws, None)
    ws.protection.sheet = True

    for name, headers, inputs in INPUT_TABLES:
        tws = table_sheet(wb, SHEETS[name], name, headers, WIDTHS, [[None] * len(headers)] * BLANK_INPUT_ROWS)
        for r in range(2, 2 + BLANK_INPUT_ROWS):
            for j, h in enumerate(headers, start=1):
                cell = tws.cell(r, j)
                if h in inputs:
                    cell.protection = UNLOCKED
                if h in FORMATS:
                    cell.number_format = FORMATS[h]
        tws.protection.sheet = True
        tws.protection.formatColumns = False
        tws.protection.formatRows = False
        tws.protection.insertRows = False
        tws.protection.deleteRows = False
    report = table_sheet(wb, SHEETS[c.ANNUAL_REPORT], c.ANNUAL_REPORT, c.ANNUAL_REPORT_HEADERS, WIDTHS)
    report.page_setup.orientation = "portrait"
    table_sheet(wb, SHEETS[c.CHANGES], c.CHANGES, c.CHANGES_HEADERS, WIDTHS)
    table_sheet(wb, PROBLEMS, PROBLEMS, PROBLEMS_HEADERS, PROBLEM_WIDTHS)

    config_sheet(wb, config)
    book = OpenpyxlBook(wb)
    for name, address in cells.items():
        book.define_name(name, BUDGET_SHEET, address)
    book.set_choices(c.CONTRIBUTIONS, "Basis", c.BASES)
    book.set_choices(c.CONTRIBUTIONS, "Sector", c.SECTORS, strict=False)
    book.set_choices(c.OTHER_INCOME, "Kind", c.KINDS)
    return book


def build_proposal(config: Config, financial_year: str = "") -> OpenpyxlBook:
    """A one-table workbook of next year's contributions, ready to send to partners."""
    wb = openpyxl.Workbook()
    year = f" for {financial_year}" if financial_year else ""
    cover_sheet(
        wb,
        "About",
        f"Proposed partner contributions{year}",
        [
            (
                "About",
                "Each partner's proposed contribution for next year and the change from this year. Share-based "
                "contributions are the requirement × share, rounded to whole pounds so that they add up to the "
                "requirement exactly (largest-remainder method).",
            ),
        ],
    )
    table_sheet(wb, "Proposal", c.PROPOSAL, c.PROPOSAL_HEADERS, {**WIDTHS, "This year": 16, "Next year": 16})
    config_sheet(wb, config, agencies=False)  # sent to partners: no agency list
    return OpenpyxlBook(wb)
