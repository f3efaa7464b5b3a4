"""The in-memory xlwings engine (``tests/xlmemory.py``) behaves as Excel does where the port's tests look."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
import xlwings as xw
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.table import Table

from boardbook.book import Formula, OpenpyxlBook
from tests.helpers import chart_frames
from tests.xlmemory import (
    chart_models,
    excel_parse,
    memory_app,
    open_memory_book,
    status_bar_history,
)


def _file(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in (["Name", "Count", "When"], ["Ada", 3, date(2020, 1, 2)], ["Bo", 4.5, None]):
        ws.append(row)
    ws.add_table(Table(displayName="People", ref="A1:C3"))
    ws["E1"] = "=B2*2"
    wb.create_sheet("Other").sheet_state = "hidden"
    wb.defined_names["Total"] = openpyxl.workbook.defined_name.DefinedName("Total", attr_text="'Data'!$E$1")
    wb.save(path)
    # the formula's cached value, as Excel (or the openpyxl backend) leaves it in a file
    book = OpenpyxlBook.open(path)
    book.set_name("Total", Formula("=B2*2", 6))
    book.save()
    return path


@pytest.fixture
def book(tmp_path: Path):
    with memory_app() as app:
        yield open_memory_book(_file(tmp_path / "data.xlsx"), app)


def test_a_real_xlwings_book(book: xw.Book, tmp_path: Path) -> None:
    assert isinstance(book, xw.Book) and isinstance(book.app, xw.App)
    assert book.name == "data.xlsx" and book.fullname == str((tmp_path / "data.xlsx").resolve())
    assert [(s.name, s.index, s.visible) for s in book.sheets] == [("Data", 1, True), ("Other", 2, False)]
    assert book.app.books["data.xlsx"] == book


def test_values_come_back_as_excel_hands_them_over(book: xw.Book) -> None:
    sheet = book.sheets["Data"]
    assert sheet["A1:C3"].value == [["Name", "Count", "When"], ["Ada", 3.0, datetime(2020, 1, 2)], ["Bo", 4.5, None]]
    assert type(sheet["B2"].value) is float
    assert sheet["A2"].options(ndim=2).value == [["Ada"]]
    assert sheet["E1"].value == 6.0, "a formula read gives the value cached in the file"
    sheet["B2"].value = 5
    sheet["E1"].value = "=B2*2"
    assert sheet["E1"].value is None, "the engine cannot calculate a formula written since"


def test_writing_follows_excel(book: xw.Book, tmp_path: Path) -> None:
    sheet = book.sheets["Data"]
    sheet["G1"].value = [["'=1+1", "=1+1", "42", "12%", "TRUE"], ["+44 20", "-5 days", "@SUM(A1)", "007", None]]
    sheet["G3:H4"].value = "x"
    assert sheet["G1:K1"].value == ["=1+1", None, 42.0, 0.12, True]
    assert sheet["G2:K2"].value == [None, None, None, 7.0, None], "unprotected formula-like text is lost"
    sheet["L1"].value = datetime(2026, 3, 31)
    book.save()
    ws = openpyxl.load_workbook(book.fullname)["Data"]
    assert (ws["G1"].value, ws["G1"].data_type, ws["G1"].quotePrefix) == ("=1+1", "s", True)
    assert ws["H1"].value == "=1+1" and ws["G2"].value == "=+44 20" and ws["I2"].value == "=SUM(A1)"
    assert [[c.value for c in row] for row in ws["G3:H4"]] == [["x", "x"], ["x", "x"]]
    assert ws["L1"].is_date and ws["L1"].number_format == "m/d/yyyy"
    assert ws["E1"].value == "=B2*2"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42", 42),
        ("-1.5", -1.5),
        (" 1,234 ", 1234),
        ("1e3", 1000.0),
        ("50%", 0.5),
        ("false", False),
        ("1,23", None),
        ("12 apples", None),
        ("-", None),
        ("2020-01-02", None),
        ("E1", None),
        ("1.2.3", None),
        (".5", 0.5),
        ("e", None),
    ],
)
def test_what_excel_reads_as_a_number(text: str, value: object) -> None:
    assert excel_parse(text) == value


def test_tables_names_and_ranges(book: xw.Book) -> None:
    sheet = book.sheets["Data"]
    table = sheet.tables["People"]
    header, body = table.header_row_range, table.data_body_range
    assert header is not None and body is not None
    assert (table.range.address, header.address, body.address) == ("$A$1:$C$3", "$A$1:$C$1", "$A$2:$C$3")
    table.resize(sheet.range("A1:D4"))
    assert table.range.address == "$A$1:$D$4" and sheet["D1"].value == "Column4"
    with pytest.raises(ValueError, match="same row"):
        table.resize(sheet.range("A2:D4"))
    assert book.names["Total"].refers_to == "='Data'!$E$1"
    assert book.names["Total"].refers_to_range.address == "$E$1"
    assert sheet.range("Total").address == "$E$1"
    assert "Nope" not in book.names
    book.save()
    saved = openpyxl.load_workbook(book.fullname)["Data"].tables["People"]
    assert saved.ref == "A1:D4" and [c.name for c in saved.tableColumns] == ["Name", "Count", "When", "Column4"]


def test_notes(book: xw.Book) -> None:
    cell = book.sheets["Data"]["A2"]
    cell.add_note("first")
    with pytest.raises(ValueError):
        cell.add_note("second")  # Excel: one note per cell
    assert [n.text for n in book.sheets["Data"].notes] == ["first"]
    note = cell.note
    assert note is not None
    note.delete()
    assert cell.note is None


def test_status_bar_is_recorded(book: xw.Book) -> None:
    book.app.status_bar = "Filling..."
    book.app.status_bar = False
    assert status_bar_history(book.app) == ["Filling...", False]


def test_conditional_formats_cleared_on_part_of_a_range(book: xw.Book) -> None:
    sheet = book.sheets["Data"]
    sheet["A2:A5"].conditional_formats.add_cell_value("equal_to", '="Ada"', fill_color="#C6EFCE")
    sheet["A2:A3"].conditional_formats.clear()
    assert len(sheet["A2:A5"].conditional_formats) == 1 and len(sheet["A2"].conditional_formats) == 0
    book.save()
    ws = openpyxl.load_workbook(book.fullname)["Data"]
    assert [(str(cf.sqref), r.formula) for cf in ws.conditional_formatting for r in cf.rules] == [("A4:A5", ['"Ada"'])]


def test_charts_are_records_written_at_their_anchor(book: xw.Book) -> None:
    sheet = book.sheets["Other"]
    anchor = sheet["C5"]
    assert (anchor.left, anchor.top) == (96.0, 60.0)  # default columns 48pt wide, rows 15pt high
    chart = sheet.charts.add(anchor.left, anchor.top, 300, 200)
    chart.set_source_data(book.sheets["Data"]["A1:B3"])
    chart.chart_type = "bar_clustered"
    assert chart.name == "Chart 1" and [s.name for s in chart.series] == ["Count"]
    [model] = chart_models(sheet)
    assert (model.series[0].x_ref, model.series[0].y_ref) == ("'Data'!$A$2:$A$3", "'Data'!$B$2:$B$3")
    sheet.api.Shapes("Chart 1").AlternativeText = "A bar chart."
    with pytest.raises(AttributeError):
        sheet.api.Shapes("Chart 1").Title = "not a member the engine knows"
    book.save()
    assert chart_frames(Path(book.fullname)) == [("xl/drawings/drawing1.xml", "Chart 1", "A bar chart.")]
    anchor_from = openpyxl.load_workbook(book.fullname)["Other"]._charts[0].anchor._from
    assert (anchor_from.col, anchor_from.row) == (2, 4)
    chart.delete()
    assert len(sheet.charts) == 0


def test_charts_already_in_the_file_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "chart.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["a", 1])
    bar = BarChart()
    bar.add_data(Reference(ws, min_col=2, min_row=1))
    ws.add_chart(bar, "D4")
    wb.save(path)
    with memory_app() as app:
        book = open_memory_book(path, app)
        [chart] = book.sheets[0].charts
        assert (chart.left, chart.top) == (144.0, 45.0)
        book.sheets[0].api.Shapes(chart.name).AlternativeText = "Kept."
        book.save()
    assert [d for _p, _n, d in chart_frames(path)] == ["Kept."]


def test_native_validation_is_written_to_the_file(book: xw.Book) -> None:
    validation = book.sheets["Data"]["A2:A3"].api.Validation
    validation.Add(3, 3, 1, "x,y")
    with pytest.raises(RuntimeError):
        validation.Add(3, 1, 1, "z")  # Excel refuses a second validation: Delete first
    validation.ErrorMessage = "Pick x or y"
    book.sheets["Data"]["A3"].api.Validation.Delete()
    book.save()
    [dv] = openpyxl.load_workbook(book.fullname)["Data"].data_validations.dataValidation
    assert (str(dv.sqref), dv.formula1, dv.errorStyle, dv.error) == ("A2", '"x,y"', "information", "Pick x or y")


def test_save_as_writes_a_real_file_and_moves_the_book(book: xw.Book, tmp_path: Path) -> None:
    target = tmp_path / "copy.xlsx"
    book.save(str(target))
    assert book.fullname == str(target.resolve()) and book.name == "copy.xlsx"
    rows = pc.CalamineWorkbook.from_path(str(target), load_tables=True).get_table_by_name("People").to_python()
    assert rows == [["Ada", 3.0, date(2020, 1, 2)], ["Bo", 4.5, ""]]
    with pytest.raises(OSError):
        book.save(str(tmp_path / "missing" / "x.xlsx"))  # Excel's SaveAs fails too


def test_saved_is_false_once_a_value_is_written_and_true_when_saved(book: xw.Book, tmp_path: Path) -> None:
    """Excel's ``Workbook.Saved``, which the Annual report button reads to warn of changes not in the file."""
    assert book.api.Saved is True
    book.sheets["Data"]["A2"].value = "Ada Lovelace"
    assert book.api.Saved is False
    book.save(str(tmp_path / "saved.xlsx"))
    assert book.api.Saved is True
    book.sheets["Data"]["B2"].clear_contents()
    assert book.api.Saved is False
    book.api.Saved = True  # as VBA may set it
    assert book.api.Saved is True
    book.sheets["Data"]["B2"].number_format = "0.00"  # not tracked (see the engine's docstring)
    assert book.api.Saved is True
    with pytest.raises(AttributeError):
        book.api.Close  # noqa: B018 - any other member is absent: only real Excel proves it
