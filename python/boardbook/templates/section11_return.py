"""The section 11 self-assessment return: a cover sheet with the defined names, and the Assessment table.

Only input cells are unlocked; the sheets are protected without a password (to stop accidents, not
people), the header is frozen and printing is A4 landscape.
"""

from __future__ import annotations

from collections.abc import Sequence

import openpyxl
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from boardbook.book.base import Book, ColumnFormat, Value
from boardbook.book.openpyxl_book import OpenpyxlBook
from boardbook.config import Config
from boardbook.section11 import contract as c
from boardbook.section11.selfcheck import READY as READY_TEXT
from boardbook.section11.selfcheck import status, with_checks
from boardbook.templates.layout import UNLOCKED, WRAP, config_sheet, cover_sheet, label_rows, table_sheet
from boardbook.templates.styles import PALETTE

COVER = "Cover"
DATE_FORMAT = "dd/mm/yyyy"
ASSESSMENT_FORMATS = {
    "Standard": ColumnFormat(wrap=True),
    "Evidence": ColumnFormat(wrap=True),
    "Action": ColumnFormat(wrap=True),
    "Due": ColumnFormat(number_format=DATE_FORMAT),
    c.CHECK: ColumnFormat(wrap=True),
}
WIDTHS = {"Ref": 8, "Standard": 48, "Rating": 16, "Evidence": 60, "Action": 40, "Owner": 18, "Due": 12, c.CHECK: 30}
# (fill, font) for a row or a status that needs attention, and for a return ready to send: the words in the cell
# say it too, so colour is never the only signal (WCAG 1.4.1); both pairs are above 4.5:1 (templates.styles).
ATTENTION = PALETTE[2]
READY = PALETTE[0]


def _guidance(config: Config) -> list[tuple[str, str]]:
    scale = config.scale
    met = ", ".join(lv.label for lv in scale.levels if scale.is_met(lv.label))
    evidence = {
        "met": f"Evidence is required for every rating that counts as met ({met}).",
        "all": "Evidence is required for every rating.",
        "none": "Evidence is optional but helps the challenge panel.",
    }[config.evidence_required]
    na = (
        f" Choose '{scale.not_applicable}' only where the standard cannot apply to your agency."
        if scale.not_applicable
        else ""
    )
    return [
        ("About", f"Please complete this section 11 self-assessment for {config.partnership}. It takes about an hour."),
        ("Step 1", "Check the details below and fill in who completed the return and when (dd/mm/yyyy)."),
        (
            "Step 2",
            "On the Assessment sheet, choose a rating for every standard from the drop-down list: "
            + ", ".join(scale.labels)
            + "."
            + na,
        ),
        (
            "Step 3",
            evidence + " Say what you have (policies, audits, training records, dates), not what you "
            "intend; the partnership moderates ratings at a challenge event and may ask to see it.",
        ),
        ("Step 4", "Where a standard is not fully met, write the action you will take, its owner and a due date."),
        (
            "Step 5",
            "The Check column says what each standard still needs, and 'Return status' below says when the "
            "return is ready to send. Send the file back as .xlsx. Please do not rename the sheets or the "
            "column headers.",
        ),
        (
            "Yellow cells",
            "are for you to fill in; other cells are locked to prevent accidents "
            "(no password: Review > Unprotect Sheet).",
        ),
    ]


def build_return(config: Config) -> OpenpyxlBook:
    """A blank return for ``config``'s standards and scale (pre-fill it through the Book port)."""
    wb = openpyxl.Workbook()
    ws = cover_sheet(wb, COVER, "Section 11 self-assessment return", _guidance(config))
    first = 3 + len(_guidance(config)) + 1
    fields = [
        ("Agency", "Agency", ""),
        ("Sector", "Sector", ""),
        ("Partnership", "Partnership(s)", config.partnership),
        ("Round", "Audit round", ""),
        ("CompletedBy", "Completed by", ""),
        ("CompletedOn", "Completed on", None),
        ("TemplateVersion", "Template version", c.TEMPLATE_VERSION),
        (c.RETURN_STATUS, "Return status", ""),
    ]
    cells = label_rows(
        ws, first, fields, unlocked=("Agency", "Sector", "Partnership", "Round", "CompletedBy", "CompletedOn")
    )
    ws[cells["CompletedOn"]].number_format = DATE_FORMAT
    ws.protection.sheet = True

    rows: list[list[Value]] = [
        [s.ref, f"{s.title}: {s.requirement}" if s.requirement else s.title, None, None, None, None, None]
        for s in config.standards
    ]
    aws = table_sheet(wb, c.ASSESSMENT, c.ASSESSMENT, c.TEMPLATE_HEADERS, WIDTHS, [[*r, None] for r in rows])
    for i in range(2, 2 + len(rows)):
        for j, h in enumerate(c.TEMPLATE_HEADERS, start=1):
            cell = aws.cell(i, j)
            fmt = ASSESSMENT_FORMATS.get(h)
            if fmt and fmt.wrap:
                cell.alignment = WRAP
            if fmt and fmt.number_format:
                cell.number_format = fmt.number_format
            if h in c.ASSESSMENT_INPUTS:
                cell.protection = UNLOCKED
    aws.protection.sheet = True
    aws.protection.formatColumns = False  # allowed: widen columns, resize rows, filter, sort
    aws.protection.formatRows = False
    aws.protection.autoFilter = False
    aws.protection.sort = False

    check = get_column_letter(len(c.TEMPLATE_HEADERS))
    _attention(aws, f"{check}2:{check}{1 + len(rows)}", f"LEN({check}2)>0")
    status = cells[c.RETURN_STATUS]
    _attention(ws, status, f'{status}<>"{READY_TEXT}"', ready=f'{status}="{READY_TEXT}"')
    ws[status].font = Font(bold=True)

    config_sheet(wb, config, agencies=False)  # returns go to agencies: no agency list, no e-mail addresses
    book = OpenpyxlBook(wb)
    for name in (*c.RETURN_NAMES, c.RETURN_STATUS):
        book.define_name(name, COVER, cells[name])
    book.set_choices(c.ASSESSMENT, "Rating", config.scale.labels)
    fill_checks(book, config, rows)
    return book


def fill_checks(book: Book, config: Config, rows: Sequence[Sequence[Value]]) -> None:
    """Write the Assessment rows with their Check formulas, and the cover's ReturnStatus (values cached)."""
    sheet, header_row, first_col = book.table_position(c.ASSESSMENT)
    checked = with_checks(config, rows, header_row, first_col)
    book.write_table(c.ASSESSMENT, checked, formats=ASSESSMENT_FORMATS)
    if c.RETURN_STATUS in book.defined_names():
        book.set_name(c.RETURN_STATUS, status(config, checked, sheet, header_row, first_col))


def _attention(ws: Worksheet, cells: str, formula: str, ready: str = "") -> None:
    """Amber where something needs doing (and green where ``ready`` holds); the cell's words say the same."""
    ws.conditional_formatting.add(
        cells,
        FormulaRule(formula=[formula], fill=_fill(ATTENTION[0]), font=Font(color=ATTENTION[1]), stopIfTrue=True),
    )
    if ready:
        ws.conditional_formatting.add(
            cells, FormulaRule(formula=[ready], fill=_fill(READY[0]), font=Font(color=READY[1]), stopIfTrue=True)
        )


def _fill(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb, bgColor=rgb)
