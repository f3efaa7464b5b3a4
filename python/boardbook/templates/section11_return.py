"""The section 11 self-assessment return: a cover sheet with the defined names, and the Assessment table.

Only input cells are unlocked; the sheets are protected without a password (to stop accidents, not
people), the header is frozen and printing is A4 landscape.
"""

from __future__ import annotations

import openpyxl

from boardbook.book.base import ColumnFormat
from boardbook.book.openpyxl_book import OpenpyxlBook
from boardbook.config import Config
from boardbook.section11 import contract as c
from boardbook.templates.layout import UNLOCKED, WRAP, config_sheet, cover_sheet, label_rows, table_sheet

COVER = "Cover"
DATE_FORMAT = "dd/mm/yyyy"
ASSESSMENT_FORMATS = {
    "Standard": ColumnFormat(wrap=True),
    "Evidence": ColumnFormat(wrap=True),
    "Action": ColumnFormat(wrap=True),
    "Due": ColumnFormat(number_format=DATE_FORMAT),
}
WIDTHS = {"Ref": 8, "Standard": 48, "Rating": 16, "Evidence": 60, "Action": 40, "Owner": 18, "Due": 12}


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
        ("Step 5", "Send the file back as .xlsx. Please do not rename the sheets or the column headers."),
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
    ]
    cells = label_rows(
        ws, first, fields, unlocked=("Agency", "Sector", "Partnership", "Round", "CompletedBy", "CompletedOn")
    )
    ws[cells["CompletedOn"]].number_format = DATE_FORMAT
    ws.protection.sheet = True

    rows = [
        [s.ref, f"{s.title}: {s.requirement}" if s.requirement else s.title, None, None, None, None, None]
        for s in config.standards
    ]
    aws = table_sheet(wb, c.ASSESSMENT, c.ASSESSMENT, c.ASSESSMENT_HEADERS, WIDTHS, rows)
    for i in range(2, 2 + len(rows)):
        for j, h in enumerate(c.ASSESSMENT_HEADERS, start=1):
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

    config_sheet(wb, config, agencies=False)  # returns go to agencies: no agency list, no e-mail addresses
    book = OpenpyxlBook(wb)
    for name in c.RETURN_NAMES:
        book.define_name(name, COVER, cells[name])
    book.set_choices(c.ASSESSMENT, "Rating", config.scale.labels)
    return book
