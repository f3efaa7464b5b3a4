"""Layout helpers shared by the template builders: table sheets, cover sheets, print set-up.

Every table sits at A1 of its own sheet, with a header row, no merged cells, a frozen header and
A4 landscape printing, so sheets read top-left to bottom-right on screen, on paper and aloud.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils.cell import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from boardbook.book.openpyxl_book import fit_row_height, put
from boardbook.config import Config
from boardbook.templates.styles import HEADER_FILL, HEADER_FONT, TABLE_STYLE, TITLE_FONT

UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")


def style_header(cell: Cell | MergedCell) -> None:
    """Header cells carry their own dark fill and white bold text (8.7:1), whatever the table style or theme."""
    cell.fill = PatternFill(fill_type="solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    cell.font = Font(bold=True, color=HEADER_FONT)
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def print_setup(ws: Worksheet, title_rows: str | None = "1:1") -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    page_setup_pr = ws.sheet_properties.pageSetUpPr
    assert page_setup_pr is not None  # openpyxl makes one with the sheet properties
    page_setup_pr.fitToPage = True
    ws.print_options.gridLines = False
    if title_rows:
        ws.print_title_rows = title_rows
    footer = ws.oddFooter
    # openpyxl makes the sheet's headers and footers, and the left, center and right parts of each
    assert footer is not None and footer.center is not None
    footer.center.text = "&A – page &P of &N"


def table_sheet(
    wb: Workbook,
    title: str,
    table_name: str,
    headers: Sequence[str],
    widths: Mapping[str, float] | None = None,
    rows: Sequence[Sequence[object]] = (),
) -> Worksheet:
    """A sheet holding one Excel table at A1 (at least one data row, as Excel requires)."""
    ws: Worksheet = wb.create_sheet(title)
    for j, h in enumerate(headers, start=1):
        put(ws.cell(1, j), h)
        style_header(ws.cell(1, j))
        ws.column_dimensions[get_column_letter(j)].width = (widths or {}).get(h, max(10.0, len(h) + 4))
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            put(ws.cell(i, j), value)
    last = 1 + max(1, len(rows))
    table = Table(displayName=table_name, ref=f"A1:{get_column_letter(len(headers))}{last}")
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "A2"
    print_setup(ws)
    return ws


def cover_sheet(wb: Workbook, title: str, heading: str, paragraphs: Sequence[tuple[str, str]]) -> Worksheet:
    """A first sheet with a heading, then (label, paragraph) rows: label in A, wrapped text in B."""
    ws = wb.active
    assert isinstance(ws, Worksheet)  # the first sheet of a new workbook
    ws.title = title
    wb.properties.title = heading  # screen readers announce the document title
    wb.properties.creator = "boardbook"
    wb.properties.language = "en-GB"
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    put(ws["A1"], heading)
    ws["A1"].font = Font(bold=True, size=16, color=TITLE_FONT)
    for i, (label, text) in enumerate(paragraphs, start=3):
        put(ws.cell(i, 1), label)
        ws.cell(i, 1).font = Font(bold=True)
        ws.cell(i, 1).alignment = Alignment(vertical="top")
        put(ws.cell(i, 2), text)
        ws.cell(i, 2).alignment = WRAP
        fit_row_height(ws, i, [2])
    print_setup(ws, None)
    return ws


def label_rows(
    ws: Worksheet, start_row: int, fields: Sequence[tuple[str, str, object]], unlocked: Sequence[str] = ()
) -> dict[str, str]:
    """Label/value rows (label in A, value in B); returns field name -> value cell address."""
    cells = {}
    for i, (name, label, value) in enumerate(fields):
        r = start_row + i
        put(ws.cell(r, 1), label)
        ws.cell(r, 1).font = Font(bold=True)
        cell = ws.cell(r, 2)
        put(cell, value)
        cell.fill = PatternFill(fill_type="solid", start_color="FFFFFF", end_color="FFFFFF")
        if name in unlocked:
            cell.protection = UNLOCKED
            cell.fill = PatternFill(fill_type="solid", start_color="FFF2CC", end_color="FFF2CC")
        cells[name] = cell.coordinate
    return cells


def config_sheet(wb: Workbook, config: Config, *, agencies: bool = True) -> Worksheet:
    """The hidden sheet that records the configuration the workbook was made with (``boardbook.recorded``)."""
    from boardbook.recorded import CONFIG_HEADERS, CONFIG_SHEET, CONFIG_TABLE, config_rows

    ws = table_sheet(
        wb, CONFIG_SHEET, CONFIG_TABLE, CONFIG_HEADERS, {"TOML": 120}, config_rows(config, agencies=agencies)
    )
    ws.sheet_state = "hidden"
    return ws
