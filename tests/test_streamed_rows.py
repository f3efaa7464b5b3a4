"""Big tables are streamed into the saved sheet (boardbook.book.sheetrows) instead of held as openpyxl cells.

The streamed file must be the same workbook, cell for cell, as the one written the slow way (every row an
openpyxl cell): the same values, types, styles and row heights, read back by openpyxl, calamine and
LibreOffice. The slow way is still there — ``read_table`` and ``save`` fall back to it whenever something
else shares the table's rows — so each test compares the two.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from openpyxl.comments import Comment
from openpyxl.worksheet.table import Table

from boardbook.book import ColumnFormat, Formula, OpenpyxlBook
from boardbook.textsafe import EXCEL_CELL_LIMIT, clean_text
from tests.helpers import recalculate, require_soffice

HEADERS = ["Name", "Count", "Share", "Due", "At", "Flag", "Note", "Total"]
N = 300


def _template(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = "Title above the table"
    ws.append([])
    ws.append(HEADERS)  # header row 3
    ws.append([None] * len(HEADERS))
    ws.add_table(Table(displayName="Data", ref="A3:H4"))
    ws.column_dimensions["G"].width = 20
    wb.create_sheet("Other")["A1"] = "untouched"
    wb.save(path)
    return path


def _rows(n: int = N) -> list[list[object]]:
    rows: list[list[object]] = []
    for i in range(n):
        r = 4 + i  # the sheet row this data row lands on
        rows.append(
            [
                ["=1+1", "+44 20", "-dash", "@at", "plain", "tab\there", "ctrl\x01\x1fchars", ""][i % 8] + f" {i}",
                i if i % 5 else None,
                [0.5, 1 / 3, Decimal("2.25"), float("nan"), -7, 10**15][i % 6],
                date(2026, 1 + i % 12, 1 + i % 28),
                datetime(2026, 3, 4, 5, 6, 7),
                [True, False, None][i % 3],
                ("word " * (i % 40)).strip() + ("\nsecond line" if i % 7 == 0 else ""),
                Formula(f"=B{r}*2", (i * 2) if i % 5 else 0),
            ]
        )
    return rows


FORMATS = {
    "Due": ColumnFormat("dd/mm/yyyy"),
    "At": ColumnFormat("dd/mm/yyyy hh:mm"),
    "Note": ColumnFormat(wrap=True),
    "Share": ColumnFormat("0.00"),
}


def _write(
    tmp_path: Path,
    name: str,
    *,
    slow: bool,
    rows: list[list[object]] | None = None,
    before_save=None,
    streamed: bool | None = None,
) -> Path:
    book = OpenpyxlBook.open(_template(tmp_path / f"{name}-template.xlsx"))
    book.write_table("Data", _rows() if rows is None else rows, headers=HEADERS, formats=FORMATS)
    if slow:
        book.read_table("Data")  # reading the table makes its rows cells: the slow, proven way
    if before_save:
        before_save(book)
    out = book.save(tmp_path / f"{name}.xlsx")
    if streamed is not None:  # were the rows after the first streamed in (or did they become cells)?
        assert ("Data" in book._deferred) is streamed
    return out


def _cells(path: Path) -> dict[str, tuple]:
    ws = openpyxl.load_workbook(path)["Data"]
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            out[c.coordinate] = (
                c.value,
                c.data_type,
                c.number_format,
                c.alignment.wrap_text,
                c.alignment.vertical,
                c.protection.locked,
                c.font.b,
            )
    return out


def _heights(path: Path) -> dict[int, float | None]:
    ws = openpyxl.load_workbook(path)["Data"]
    return {r: d.height for r, d in ws.row_dimensions.items() if d.height}


def test_streamed_table_is_the_same_workbook_as_cells(tmp_path: Path) -> None:
    fast = _write(tmp_path, "fast", slow=False, streamed=True)
    slow = _write(tmp_path, "slow", slow=True, streamed=False)
    fast_cells, slow_cells = _cells(fast), _cells(slow)
    assert fast_cells == slow_cells
    assert sum(v[0] is not None for v in fast_cells.values()) > N * (len(HEADERS) - 1)
    assert _heights(fast) == _heights(slow)
    assert any(h and h > 15 for h in _heights(fast).values())  # wrapped notes made some rows taller
    for path in (fast, slow):
        wb = openpyxl.load_workbook(path)
        assert wb["Data"].tables["Data"].ref == f"A3:H{3 + N}"
        assert wb["Data"].dimensions == f"A1:H{3 + N}"
        assert wb["Other"]["A1"].value == "untouched"
    assert (
        pc.CalamineWorkbook.from_path(str(fast)).get_sheet_by_name("Data").to_python()
        == pc.CalamineWorkbook.from_path(str(slow)).get_sheet_by_name("Data").to_python()
    )


def test_text_stays_text_and_formulas_keep_cached_values(tmp_path: Path) -> None:
    rows = _rows()
    ws = openpyxl.load_workbook(_write(tmp_path, "fast", slow=False, rows=rows))["Data"]
    for i, row in enumerate(rows):
        r = 4 + i
        assert ws.cell(r, 1).value == clean_text(row[0]) and ws.cell(r, 1).data_type == "s"
        assert ws.cell(r, 8).value == f"=B{r}*2"
    values = openpyxl.load_workbook(tmp_path / "fast.xlsx", data_only=True)["Data"]
    assert [values.cell(4 + i, 8).value for i in range(N)] == [row[7].value for row in rows]
    assert values.cell(5, 1).value == "+44 20 1"
    assert values.cell(10, 1).value == "ctrlchars 6"  # control characters removed, as for cells


def test_huge_text_is_cut_at_excels_limit_in_streamed_rows(tmp_path: Path) -> None:
    rows = _rows(3)
    rows[2][6] = "x" * (EXCEL_CELL_LIMIT + 500)
    ws = openpyxl.load_workbook(_write(tmp_path, "fast", slow=False, rows=rows))["Data"]
    note = ws["G6"].value
    assert len(note) == EXCEL_CELL_LIMIT and note.endswith("[truncated: over Excel's cell limit]")
    assert ws.row_dimensions[6].height == 409.0


def test_a_cell_beside_the_table_makes_its_rows_ordinary_cells(tmp_path: Path) -> None:
    def note_beside(book: OpenpyxlBook) -> None:
        book.wb["Data"]["J40"] = "a note someone typed beside the table"

    crowded = _write(tmp_path, "crowded", slow=False, before_save=note_beside, streamed=False)
    slow = _write(tmp_path, "slow", slow=True, before_save=note_beside)
    assert _cells(crowded) == _cells(slow)
    assert openpyxl.load_workbook(crowded)["Data"]["J40"].value == "a note someone typed beside the table"


def test_rewriting_a_streamed_table_leaves_nothing_stale(tmp_path: Path) -> None:
    first = _write(tmp_path, "first", slow=False)
    book = OpenpyxlBook.open(first)
    assert len(book.read_table("Data").rows) == N  # openpyxl reads the streamed rows back
    book.write_table("Data", _rows(40), headers=HEADERS, formats=FORMATS)
    again = book.save(tmp_path / "again.xlsx")
    sheet = pc.CalamineWorkbook.from_path(str(again)).get_sheet_by_name("Data").to_python()
    assert len(sheet) == 3 + 40  # title, blank, header, 40 rows: nothing below
    assert openpyxl.load_workbook(again)["Data"].max_row == 3 + 40
    assert _cells(again) == _cells(_write(tmp_path, "fresh", slow=True, rows=_rows(40)))
    assert max(_heights(again)) <= 3 + 40


def test_libreoffice_reads_streamed_rows_and_agrees_with_the_cached_values(tmp_path: Path) -> None:
    require_soffice()
    fast = _write(tmp_path, "fast", slow=False)
    out = recalculate(fast, tmp_path / "lo")
    ours = openpyxl.load_workbook(fast, data_only=True)["Data"]
    theirs = openpyxl.load_workbook(out, data_only=True)["Data"]
    for r in range(4, 4 + N):
        for c in (1, 4, 7):  # text, dates, wrapped text
            assert theirs.cell(r, c).value == ours.cell(r, c).value, (r, c)
        for c in (2, 8):  # numbers, a formula LibreOffice recalculated
            assert theirs.cell(r, c).value == pytest.approx(ours.cell(r, c).value), (r, c)


def test_notes_links_and_hidden_rows_in_a_table_survive_a_rewrite(tmp_path: Path) -> None:
    def decorate(book: OpenpyxlBook) -> None:
        ws = book.wb["Data"]
        ws["G10"].comment = Comment("ask the chair", "business unit")
        ws["A12"].hyperlink = "https://example.org/evidence"
        ws.row_dimensions[14].hidden = True

    first = _write(tmp_path, "first", slow=False, before_save=decorate)
    book = OpenpyxlBook.open(first)
    book.write_table("Data", _rows(), headers=HEADERS, formats=FORMATS)
    again = book.save(tmp_path / "again.xlsx")
    ws = openpyxl.load_workbook(again)["Data"]
    assert ws["G10"].comment is not None and ws["G10"].comment.text == "ask the chair"
    assert ws["A12"].hyperlink is not None and ws["A12"].hyperlink.target == "https://example.org/evidence"
    assert ws.row_dimensions[14].hidden
    assert "Data" not in book._deferred  # they share the table's rows, so its rows were written as cells
    assert ws["A12"].value == clean_text(_rows()[8][0])
