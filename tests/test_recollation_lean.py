"""Collating onto an existing summary opens it without the rows it is about to rewrite
(``OpenpyxlBook.open(..., replacing=...)``): their values come from calamine, openpyxl loads the rest.

The result must be the summary a full openpyxl load gives, people's work included; anything unusual in
those rows (a note typed beside a table, shared formulas, rows out of order) keeps them in the load.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from boardbook.book import OpenpyxlBook
from boardbook.book.sheetrows import strip_rows
from boardbook.config import Config
from boardbook.section11 import contract as c
from boardbook.section11.pipeline import collate
from tests.helpers import table

SHEET = (
    '<worksheet><dimension ref="A1:C4"/><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>H</t></is></c></row>'
    '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row>'
    '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f>A3*2</f><v>6</v></c></row>'
    '<row r="4" ht="30" customHeight="1"><c r="A4"><v>4</v></c></row>'
    '<row r="9"><c r="A9"><v>9</v></c></row>'
    "</sheetData></worksheet>"
)


def test_strip_rows_takes_out_only_the_table_rows() -> None:
    stripped = strip_rows(SHEET, 3, 4, 1, 2, values_read=False)
    assert '<row r="3"' not in stripped and '<row r="4"' not in stripped
    assert '<row r="2"' in stripped and '<row r="9"' in stripped
    assert strip_rows(SHEET, 3, 4, 1, 2, values_read=True) is None  # row 3 has a formula: its value is not enough
    assert strip_rows(SHEET, 4, 4, 1, 2, values_read=True) == SHEET.replace(
        '<row r="4" ht="30" customHeight="1"><c r="A4"><v>4</v></c></row>', ""
    )
    assert strip_rows(SHEET, 20, 30, 1, 2, values_read=True) == SHEET  # nothing there


@pytest.mark.parametrize(
    "unsafe",
    [
        SHEET.replace('<c r="A4">', '<c r="D4">'),  # a cell outside the table's columns
        SHEET.replace("<f>A3*2</f>", '<f t="shared" ref="B3:B9" si="0">A3*2</f>'),  # a shared formula starts there
        SHEET.replace('<row r="4"', '<row r="1"'),  # rows out of order
        SHEET.replace('<c r="A3">', "<c>"),  # a cell that does not say where it is
        SHEET.replace('<row r="3">', "<row>"),
        SHEET.replace('<row r="1">', '<row r="1" hidden="1">').replace('<row r="4" ', '<row r="4" hidden="1" '),
        SHEET.replace('<row r="3">', '<row r="3" outlineLevel="1">'),  # grouped rows
        SHEET.replace("<row ", "<x:row ").replace("</row>", "</x:row>"),  # a namespace prefix
    ],
)
def test_strip_rows_refuses_what_it_cannot_vouch_for(unsafe: str) -> None:
    assert strip_rows(unsafe, 3, 4, 1, 2, values_read=False) is None


def test_strip_rows_keeps_error_values_where_values_are_read() -> None:
    errors = SHEET.replace('<c r="A4"><v>4</v></c>', '<c r="A4" t="e"><v>#N/A</v></c>')
    assert strip_rows(errors, 4, 4, 1, 2, values_read=True) is None  # calamine reads #N/A as a blank
    assert strip_rows(errors, 4, 4, 1, 2, values_read=False) is not None


def _full_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make collate open existing summaries the old way: everything through openpyxl."""
    real = OpenpyxlBook.open.__func__

    def open_everything(cls, path, *, replacing=(), rereading=()):
        return real(cls, path)

    monkeypatch.setattr(OpenpyxlBook, "open", classmethod(open_everything))


def _type_into_summary(out: Path, extra: str = "") -> None:
    wb = openpyxl.load_workbook(out)
    ws = wb["Returns"]
    header = [cell.value for cell in ws[1]]
    col = {h: header.index(h) + 1 for h in header}
    for r in range(2, ws.max_row + 1):
        ws.cell(r, col["Board comment"]).value = f"comment {r}"
        ws.cell(r, col["Moderated rating"]).value = "Partially met" if r % 2 else None
    if extra == "note-beside":
        ws.cell(5, len(header) + 2).value = "a note typed beside the table"
    elif extra == "error-typed":
        ws.cell(6, col["Action status"]).value = "#N/A"  # an error value, as Excel stores =NA() results
    elif extra == "formula-typed":
        ws.cell(7, col["Board comment"]).value = '=A7&" to confirm"'
    elif extra == "comment-and-hidden-row":
        ws.cell(8, col["Board comment"]).comment = Comment("ask the chair", "business unit")
        ws.row_dimensions[9].hidden = True
    wb.save(out)


@pytest.mark.parametrize("extra", ["plain", "note-beside", "error-typed", "formula-typed", "comment-and-hidden-row"])
def test_recollation_gives_the_summary_a_full_load_gives(
    three: Path,
    tmp_path: Path,
    config: Config,
    return_factory: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    extra: str,
) -> None:
    first = datetime(2026, 6, 1, 9, 0)
    lean, full = tmp_path / "lean.xlsx", tmp_path / "full.xlsx"
    collate([three], lean, config, now=first)
    _type_into_summary(lean, extra)
    probe = OpenpyxlBook.open(lean, rereading=(c.RETURNS,), replacing=(c.MATRIX,))
    lean_path = extra == "plain"  # the others keep Returns' rows in the load (a hidden row, a formula, ...)
    assert (c.RETURNS in probe._deferred) is lean_path and c.MATRIX in probe._dropped
    full.write_bytes(lean.read_bytes())
    (three / "Northmoor ICB.xlsx").unlink()  # rows move to Removed, with what people typed
    return_factory("Moorlands Police", ratings=["Fully met", "Not met"] + ["Fully met"] * 8)
    again = datetime(2026, 6, 8, 9, 0)
    collate([three], lean, config, now=again)
    with monkeypatch.context() as m:
        _full_load(m)
        collate([three], full, config, now=again)
    for name in c.SUMMARY_TABLES:
        assert table(lean, name) == table(full, name), name
        assert _typed_cells(lean, name) == _typed_cells(full, name), name
    rows = table(lean, "Returns")
    assert rows and sum(str(r["Board comment"]).startswith("comment ") for r in rows) >= len(rows) - 1
    assert any(r["Moderated rating"] == "Partially met" for r in rows)
    assert all(r["Board comment"].startswith("comment ") for r in table(lean, "Removed"))
    ws = openpyxl.load_workbook(lean)["Returns"]
    if extra == "note-beside":
        assert ws.cell(5, len(c.RETURNS_HEADERS) + 2).value == "a note typed beside the table"
    if extra == "comment-and-hidden-row":
        assert [cell.comment.text for row in ws.iter_rows() for cell in row if cell.comment] == ["ask the chair"]
        assert ws.row_dimensions[9].hidden


def _typed_cells(path: Path, sheet_of_table: str) -> list[tuple]:
    """Every cell of the table's sheet as openpyxl reads it: value and type (int stays int, errors errors)."""
    wb = openpyxl.load_workbook(path)
    ws = next(w for w in wb.worksheets if sheet_of_table in w.tables)
    return [
        (cell.coordinate, cell.value, cell.data_type)
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def test_a_table_opened_for_replacing_must_be_rewritten_before_saving(
    three: Path, tmp_path: Path, config: Config
) -> None:
    out = tmp_path / "summary.xlsx"
    collate([three], out, config)
    book = OpenpyxlBook.open(out, replacing=(c.MATRIX,), rereading=(c.RETURNS,))
    assert len(book.read_table(c.RETURNS).rows) == 20  # read with calamine
    with pytest.raises(RuntimeError, match="its rows were not read"):
        book.read_table(c.MATRIX)
    with pytest.raises(RuntimeError, match="not rewritten"):
        book.save(tmp_path / "copy.xlsx")
    before = out.read_bytes()
    book.write_table(c.MATRIX, [["Someone", *[""] * (len(c.matrix_headers(config.refs)) - 1)]])
    book.save(tmp_path / "copy.xlsx")
    assert out.read_bytes() == before  # the input is never touched
    assert [r["Agency"] for r in table(tmp_path / "copy.xlsx", c.MATRIX)] == ["Someone"]
    assert len(table(tmp_path / "copy.xlsx", c.RETURNS)) == 20  # held rows written back


def test_a_defined_name_into_left_out_rows_is_refused(three: Path, tmp_path: Path, config: Config) -> None:
    out = tmp_path / "summary.xlsx"
    collate([three], out, config)
    edit = OpenpyxlBook.open(out)
    edit.define_name("Pick", "Matrix", "B3")
    edit.save(out)
    book = OpenpyxlBook.open(out, replacing=(c.MATRIX,))
    with pytest.raises(RuntimeError, match="left out"):
        book.get_name("Pick")
