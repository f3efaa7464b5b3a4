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

from boardbook.book import OpenpyxlBook
from boardbook.config import Config
from boardbook.section11 import collate as collate_module
from boardbook.section11 import contract as c
from boardbook.section11.collate import collate
from boardbook.sheetrows import strip_rows
from tests.test_collate import table

SHEET = ('<worksheet><dimension ref="A1:C4"/><sheetData>'
         '<row r="1"><c r="A1" t="inlineStr"><is><t>H</t></is></c></row>'
         '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row>'
         '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f>A3*2</f><v>6</v></c></row>'
         '<row r="4" ht="30" customHeight="1"><c r="A4"><v>4</v></c></row>'
         '<row r="9"><c r="A9"><v>9</v></c></row>'
         '</sheetData></worksheet>')


def test_strip_rows_takes_out_only_the_table_rows() -> None:
    stripped, formulas = strip_rows(SHEET, 3, 4, 1, 2)
    assert '<row r="3"' not in stripped and '<row r="4"' not in stripped
    assert '<row r="2"' in stripped and '<row r="9"' in stripped and formulas
    assert strip_rows(SHEET, 4, 4, 1, 2) == (SHEET.replace('<row r="4" ht="30" customHeight="1"><c r="A4"><v>4</v>'
                                                           '</c></row>', ""), False)
    assert strip_rows(SHEET, 20, 30, 1, 2) == (SHEET, False)  # nothing there


@pytest.mark.parametrize("unsafe", [
    SHEET.replace('<c r="A4">', '<c r="D4">'),  # a cell outside the table's columns
    SHEET.replace("<f>A3*2</f>", '<f t="shared" ref="B3:B9" si="0">A3*2</f>'),  # a shared formula starts there
    SHEET.replace('<row r="4"', '<row r="1"'),  # rows out of order
    SHEET.replace('<c r="A3">', "<c>"),  # a cell that does not say where it is
    SHEET.replace('<row r="3">', "<row>"),
])
def test_strip_rows_refuses_what_it_cannot_vouch_for(unsafe: str) -> None:
    assert strip_rows(unsafe, 3, 4, 1, 2) is None


def _full_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make collate open existing summaries the old way: everything through openpyxl."""
    real = OpenpyxlBook.open.__func__

    def open_everything(cls, path, *, replacing=()):
        return real(cls, path)

    monkeypatch.setattr(collate_module.OpenpyxlBook, "open", classmethod(open_everything))


def _type_into_summary(out: Path, beside: bool = False) -> None:
    wb = openpyxl.load_workbook(out)
    ws = wb["Returns"]
    header = [cell.value for cell in ws[1]]
    for r in range(2, ws.max_row + 1):
        ws.cell(r, header.index("Board comment") + 1).value = f"comment {r}"
        ws.cell(r, header.index("Moderated rating") + 1).value = "Partially met" if r % 2 else None
    if beside:
        ws.cell(5, len(header) + 2).value = "a note typed beside the table"
    wb.save(out)


@pytest.mark.parametrize("beside", [False, True], ids=["plain", "note-beside-the-table"])
def test_recollation_gives_the_summary_a_full_load_gives(three: Path, tmp_path: Path, config: Config,
                                                        return_factory: Callable[..., Path],
                                                        monkeypatch: pytest.MonkeyPatch, beside: bool) -> None:
    first = datetime(2026, 6, 1, 9, 0)
    lean, full = tmp_path / "lean.xlsx", tmp_path / "full.xlsx"
    collate([three], lean, config, now=first)
    _type_into_summary(lean, beside)
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
    rows = table(lean, "Returns")
    assert rows and all(r["Board comment"].startswith("comment ") for r in rows)
    assert any(r["Moderated rating"] == "Partially met" for r in rows)
    assert all(r["Board comment"].startswith("comment ") for r in table(lean, "Removed"))
    if beside:
        header_width = len(c.RETURNS_HEADERS)
        assert openpyxl.load_workbook(lean)["Returns"].cell(5, header_width + 2).value == \
            "a note typed beside the table"


def test_a_table_opened_for_replacing_must_be_rewritten_before_saving(three: Path, tmp_path: Path,
                                                                       config: Config) -> None:
    out = tmp_path / "summary.xlsx"
    collate([three], out, config)
    book = OpenpyxlBook.open(out, replacing=(c.MATRIX,))
    held = book.read_table(c.MATRIX).rows
    assert len(held) == 2 and held[1][-1] == pytest.approx(7 / 9)  # values (formulas: cached), from calamine
    with pytest.raises(RuntimeError, match="not rewritten"):
        book.save(tmp_path / "copy.xlsx")
    before = out.read_bytes()
    book.write_table(c.MATRIX, [["Someone", *[""] * (len(book.read_table(c.MATRIX).headers) - 1)]])
    book.save(tmp_path / "copy.xlsx")
    assert out.read_bytes() == before  # the input is never touched
    assert [r["Agency"] for r in table(tmp_path / "copy.xlsx", c.MATRIX)] == ["Someone"]
