"""Contract tests of the Book port, run against every backend.

The openpyxl backend runs everywhere. The xlwings backend needs a live Excel (Windows or macOS);
where there is none its cases are skipped, and the skip says why.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from openpyxl.worksheet.table import Table

from boardbook.book import Book, ChartSpec, Formula, Highlight, OpenpyxlBook
from boardbook.errors import UsageError, WorkbookError


def _excel_available() -> str | None:
    """None if a live Excel can be driven here, else the reason it cannot."""
    if sys.platform not in ("win32", "darwin"):
        return f"no Excel on {sys.platform}: xlwings drives a live Excel only on Windows or macOS"
    try:
        import xlwings as xw

        app = xw.App(visible=False, add_book=False)
        app.quit()
    except Exception as exc:  # no Excel installed, or pywin32/appscript missing
        return f"Excel cannot be started here ({type(exc).__name__}: {exc})"
    return None


def _make_file(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "People"
    ws.append(["Name", "Age", "Joined"])
    ws.append(["Ada", 36, date(2020, 1, 2)])
    ws.append(["Bo", 41, date(2021, 3, 4)])
    ws.add_table(Table(displayName="People", ref="A1:C3"))
    ws["E1"] = "Title"
    ws["F1"] = "Old title"
    wb.create_sheet("Chart")
    wb.defined_names["Title"] = openpyxl.workbook.defined_name.DefinedName("Title", attr_text="'People'!$F$1")
    wb.save(path)
    return path


@pytest.fixture(params=["openpyxl", "xlwings"])
def book(request: pytest.FixtureRequest, tmp_path: Path) -> Book:
    path = _make_file(tmp_path / "book.xlsx")
    if request.param == "xlwings":
        reason = _excel_available()
        if reason:
            pytest.skip(reason)
        import xlwings as xw

        from boardbook.book.xlwings_book import XlwingsBook

        app = xw.App(visible=False, add_book=False)
        request.addfinalizer(app.quit)
        return XlwingsBook(app.books.open(str(path)))
    return OpenpyxlBook.open(path)


def reopen(book: Book) -> Book:
    """Save, then read the file again (a live Excel book simply stays open)."""
    book.save()
    return OpenpyxlBook.open(book.path) if isinstance(book, OpenpyxlBook) else book


def test_is_a_book(book: Book) -> None:
    assert isinstance(book, Book)


def test_read_table_by_name(book: Book) -> None:
    t = book.read_table("People")
    assert t.headers == ["Name", "Age", "Joined"]
    assert t.rows[0][:2] == ["Ada", 36]
    assert t.cell(1, "Age") == "B3"
    assert book.table_names() == ["People"]
    assert book.table_position("People") == ("People", 1, 1)


def test_missing_table_is_a_clear_error(book: Book) -> None:
    with pytest.raises(WorkbookError, match="table 'Nope' not found"):
        book.read_table("Nope")


def test_write_table_grows_shrinks_and_changes_headers(book: Book) -> None:
    rows = [[f"P{i}", i, date(2022, 1, 1)] for i in range(5)]
    book.write_table("People", rows)
    book = reopen(book)
    t = book.read_table("People")
    assert len(t.rows) == 5 and t.rows[4][:2] == ["P4", 4]
    book.write_table("People", [["Zed", 1]], headers=["Name", "Count"])
    book = reopen(book)
    t = book.read_table("People")
    assert t.headers == ["Name", "Count"] and t.rows == [["Zed", 1]]
    ws = openpyxl.load_workbook(book.path)["People"]
    assert ws.tables["People"].ref == "A1:B2"
    assert ws["A3"].value is None and ws["C2"].value is None, "stale cells must be cleared"


def test_empty_table_keeps_one_blank_row(book: Book) -> None:
    book.write_table("People", [])
    book = reopen(book)
    assert book.read_table("People").rows == [[None, None, None]]


def test_text_is_never_a_formula(book: Book) -> None:
    nasty = ["=1+1", "+44 20", "-5 days", "@SUM(A1)"]
    book.write_table("People", [[t, 1, None] for t in nasty])
    book = reopen(book)
    assert [r[0] for r in book.read_table("People").rows] == nasty
    ws = openpyxl.load_workbook(book.path)["People"]
    assert all(ws.cell(r, 1).data_type == "s" for r in range(2, 6))


def test_formulas_carry_cached_values(book: Book) -> None:
    book.write_table("People", [["Ada", 36, Formula("=B2*2", 72)], ["Bo", 41, Formula('=IF(B3>40,"old","")', "old")]],
                     headers=["Name", "Age", "Double"])
    book.save()
    table = pc.CalamineWorkbook.from_path(str(book.path), load_tables=True).get_table_by_name("People")
    assert table.to_python() == [["Ada", 36.0, 72.0], ["Bo", 41.0, "old"]]
    ws = openpyxl.load_workbook(book.path)["People"]
    assert ws["C2"].value == "=B2*2"


def test_defined_names(book: Book) -> None:
    assert book.get_name("Title") == "Old title"
    book.set_name("Title", "=not a formula")
    book = reopen(book)
    assert book.get_name("Title") == "=not a formula"
    with pytest.raises(WorkbookError, match="defined name 'Missing'"):
        book.get_name("Missing")


def test_choices_replace_earlier_ones(book: Book) -> None:
    book.set_choices("People", "Name", ["A", "B"])
    book.set_choices("People", "Name", ["C", "D"])
    book.save()
    ws = openpyxl.load_workbook(book.path)["People"]
    dvs = ws.data_validations.dataValidation
    assert len(dvs) == 1 and dvs[0].formula1 == '"C,D"' and str(dvs[0].sqref) == "A2:A3"


def test_highlight_replaces_earlier_rules(book: Book) -> None:
    book.highlight("People", ["Name"], [Highlight("Ada", "C6EFCE", "006100")])
    book.highlight("People", ["Name"], [Highlight("Bo", "FFC7CE", "9C0006")])
    book.save()
    ws = openpyxl.load_workbook(book.path)["People"]
    rules = [(str(cf.sqref), r.formula) for cf in ws.conditional_formatting for r in cf.rules]
    assert rules == [("A2:A3", ['"Bo"'])]


def test_chart_with_alt_text_replaces_chart_at_same_anchor(book: Book) -> None:
    spec = ChartSpec(sheet="Chart", table="People", categories="Name", series=["Age"], title="Ages",
                     alt_text="Bar chart of ages: Ada 36, Bo 41.", anchor="A3", stacked=False)
    book.add_chart(spec)
    book.add_chart(spec)
    book.save()
    import zipfile

    with zipfile.ZipFile(book.path) as zf:
        drawings = [n for n in zf.namelist() if n.startswith("xl/drawings/drawing")]
        assert len(drawings) == 1
        xml = zf.read(drawings[0]).decode()
    assert xml.count("<xdr:graphicFrame") + xml.count("<graphicFrame") == 1
    assert 'descr="Bar chart of ages: Ada 36, Bo 41."' in xml


def test_save_is_atomic_and_leaves_no_temporary_files(book: Book, tmp_path: Path) -> None:
    target = tmp_path / "out" / "copy.xlsx"
    book.save(target)
    assert target.exists()
    assert [p.name for p in target.parent.iterdir()] == ["copy.xlsx"]


def test_save_to_unwritable_folder_is_a_clear_error(book: Book, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="cannot write"):
        book.save(blocker / "out.xlsx")


def test_open_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="not found"):
        OpenpyxlBook.open(tmp_path / "none.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("Name,Age\nAda,36\n")
    with pytest.raises(WorkbookError, match=r"bad\.xlsx"):
        OpenpyxlBook.open(bad)



def test_choices_follow_a_grown_table(book: Book) -> None:
    book.set_choices("People", "Name", ["A", "B"])
    book.write_table("People", [[f"P{i}", i, None] for i in range(6)])
    book.set_choices("People", "Name", ["A", "B"])
    book.save()
    dvs = openpyxl.load_workbook(book.path)["People"].data_validations.dataValidation
    assert [str(dv.sqref) for dv in dvs] == ["A2:A7"]


def test_xlwings_backend_keeps_text_as_text_without_excel() -> None:
    """The one piece of the xlwings backend that needs no Excel: what it assigns to cells."""
    from boardbook.book.xlwings_book import _bgr, cell_input

    assert [cell_input(v) for v in ("=1+1", "+44", "-5", "@x", "plain")] == ["'=1+1", "'+44", "'-5", "'@x", "plain"]
    assert cell_input(Formula("=A1*2", 4)) == "=A1*2"
    assert cell_input(date(2026, 3, 31)).year == 2026
    assert _bgr("FF0000") == 255 and _bgr("0000FF") == 255 << 16
