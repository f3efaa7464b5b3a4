"""Contract tests of the Book port, run against every backend.

The openpyxl backend works on files. The xlwings backend drives a workbook open in Excel; here it runs
against an in-memory xlwings engine (``tests/xlmemory.py``) on every machine, so every ``xlwings`` case
runs. Set ``BOARDBOOK_REAL_EXCEL=1`` on Windows or macOS to drive a real Excel instead.

``reopen`` saves through the port; the openpyxl backend then reads the file again, a live workbook simply
stays open. Files are read back with openpyxl or calamine whatever wrote them. Where Excel genuinely
behaves differently (it computes formulas itself), an xlwings-only assertion says what Excel gives.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from openpyxl.comments import Comment
from openpyxl.worksheet.table import Table

from boardbook.book import Book, ChartSpec, ColumnFormat, Formula, Highlight, OpenpyxlBook, ScatterSpec
from boardbook.errors import UnsupportedOperation, UsageError, WorkbookError
from tests.helpers import chart_frames, chart_parts
from tests.xlmemory import REAL_EXCEL, chart_models, open_xlwings

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS = {
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
}


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
    ws["E1"].comment = Comment("Someone's note: keep me", "Someone")
    ws["E2"].comment = Comment("Someone's note on a cell with a problem", "Someone")
    wb.create_sheet("Chart")
    wb.defined_names["Title"] = openpyxl.workbook.defined_name.DefinedName("Title", attr_text="'People'!$F$1")
    wb.save(path)
    return path


@pytest.fixture(params=["openpyxl", "xlwings"])
def book(request: pytest.FixtureRequest, tmp_path: Path) -> Book:
    path = _make_file(tmp_path / "book.xlsx")
    if request.param == "xlwings":
        return open_xlwings(request, path)
    return OpenpyxlBook.open(path)


def reopen(book: Book) -> Book:
    """Save through the port, then read the file again (a live Excel book simply stays open)."""
    path = book.save()
    return OpenpyxlBook.open(path) if isinstance(book, OpenpyxlBook) else book


def test_is_a_book(book: Book) -> None:
    assert isinstance(book, Book)


def test_read_table_by_name(book: Book) -> None:
    t = book.read_table("People")
    assert t.headers == ["Name", "Age", "Joined"]
    assert t.rows[0][:2] == ["Ada", 36]
    assert type(t.rows[0][1]) is int, "whole numbers cross the port as int on every backend"
    assert t.rows[0][2] == datetime(2020, 1, 2)
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
    assert ws["C1"].value is None, "the header of a dropped column must go too"


def test_empty_table_keeps_one_blank_row(book: Book) -> None:
    book.write_table("People", [])
    book = reopen(book)
    assert book.read_table("People").rows == [[None, None, None]]


def test_text_is_never_a_formula_or_a_number(book: Book) -> None:
    nasty = ["=1+1", "+44 20", "-5 days", "@SUM(A1)", "2026", "12%", "TRUE", "'quoted"]
    book.write_table("People", [[t, 1, None] for t in nasty])
    book = reopen(book)
    assert [r[0] for r in book.read_table("People").rows] == nasty
    ws = openpyxl.load_workbook(book.path)["People"]
    assert all(ws.cell(r, 1).data_type == "s" for r in range(2, 2 + len(nasty)))


def test_formulas_carry_cached_values(book: Book) -> None:
    book.write_table(
        "People",
        [["Ada", 36, Formula("=B2*2", 72)], ["Bo", 41, Formula('=IF(B3>40,"old","")', "old")]],
        headers=["Name", "Age", "Double"],
    )
    book.save()
    table = pc.CalamineWorkbook.from_path(str(book.path), load_tables=True).get_table_by_name("People")
    ws = openpyxl.load_workbook(book.path)["People"]
    assert ws["C2"].value == "=B2*2"
    assert ws["C3"].value == '=IF(B3>40,"old","")'
    if isinstance(book, OpenpyxlBook):
        assert table.to_python() == [["Ada", 36.0, 72.0], ["Bo", 41.0, "old"]]
    else:
        # Excel computes the formulas and saves their values itself (the Python values are not sent); the
        # in-memory engine cannot calculate, so its file has the formulas without values.
        assert [row[:2] for row in table.to_python()] == [["Ada", 36.0], ["Bo", 41.0]]
        if REAL_EXCEL:
            assert table.to_python() == [["Ada", 36.0, 72.0], ["Bo", 41.0, "old"]]


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
    spec = ChartSpec(
        sheet="Chart",
        table="People",
        categories="Name",
        series=["Age"],
        title="Ages",
        alt_text="Bar chart of ages: Ada 36, Bo 41.",
        anchor="A3",
        stacked=False,
    )
    book.add_chart(spec)
    book.add_chart(spec)
    path = book.save()
    with zipfile.ZipFile(path) as zf:
        drawings = [n for n in zf.namelist() if n.startswith("xl/drawings/drawing")]
        assert len(drawings) == 1
        xml = zf.read(drawings[0]).decode()
    assert xml.count("<xdr:graphicFrame") + xml.count("<graphicFrame") == 1
    assert 'descr="Bar chart of ages: Ada 36, Bo 41."' in xml
    with zipfile.ZipFile(path) as zf:
        chart = next(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/charts/chart"))
    assert chart.count("<c:cat>") + chart.count("<cat>") == 1, "every series is labelled by the categories"


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
    """What the xlwings backend assigns to cells, checked without any engine."""
    from boardbook.book.xlwings_book import cell_input

    assert [cell_input(v) for v in ("=1+1", "+44", "-5", "@x", "plain")] == ["'=1+1", "'+44", "'-5", "'@x", "plain"]
    assert [cell_input(v) for v in ("2026", "12%", "1/2", "TRUE", "#N/A", "'quoted", "Year 7")] == [
        "'2026",
        "'12%",
        "'1/2",
        "'TRUE",
        "'#N/A",
        "''quoted",
        "'Year 7",
    ]
    assert cell_input(Formula("=A1*2", 4)) == "=A1*2"
    assert cell_input(date(2026, 3, 31)).year == 2026


def test_notes_replace_earlier_boardbook_notes(book: Book) -> None:
    book.mark_problems([("People", "A2", "first"), ("People", "B3", "second")])
    book.mark_problems(
        [("People", "B2", "third"), ("People", "E2", "clash"), ("Nowhere", "A1", "ignored"), ("People", "", "ignored")]
    )
    book.save()
    ws = openpyxl.load_workbook(book.path)["People"]
    notes = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment is not None}
    assert notes == {"B2": "boardbook: third", "E2": "boardbook: clash", "E1": "Someone's note: keep me"}


def test_column_formats(book: Book) -> None:
    book.write_table(
        "People",
        [["Ada", 36.25, None], ["Bo", 41, None]],
        formats={"Name": ColumnFormat(wrap=True), "Age": ColumnFormat("0.0")},
    )
    book.save()
    ws = openpyxl.load_workbook(book.path)["People"]
    assert [ws[c].alignment.wrap_text for c in ("A2", "A3")] == [True, True]
    assert [ws[c].number_format for c in ("B2", "B3")] == ["0.0", "0.0"]


def test_sheets_tables_and_names_can_be_added(book: Book) -> None:
    book.add_table("Log", "RunLog", ["Run at", "=Changes"], hidden=True)
    assert book.sheet_names() == ["People", "Chart", "Log"]
    assert sorted(book.table_names()) == ["People", "RunLog"]
    book.write_table("RunLog", [[date(2026, 3, 31), "one"]])
    with pytest.raises(WorkbookError, match="already exists"):
        book.add_table("Log", "Other", ["A"])
    book.define_name("Round", "People", "E1")
    assert sorted(book.defined_names()) == ["Round", "Title"]
    assert book.name_address("Round") == ("People", "E1")
    assert book.get_name("Round") == "Title"
    book.save()
    wb = openpyxl.load_workbook(book.path)
    assert wb["Log"].sheet_state == "hidden"
    assert [c.name for c in wb["Log"].tables["RunLog"].tableColumns] == ["Run at", "=Changes"]
    assert wb["Log"]["B1"].data_type == "s" and wb["Log"]["B2"].value == "one"


# -- scatter charts -----------------------------------------------------------------------------------------
SCATTER_ALT = "Scatter chart of four things against two thresholds."


def _make_scatter_file(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in (
        ["Name", "Count", "Group", "Share"],
        ["Alpha", 40, "hot", 0.5],
        ["Beta", 10, "cold", 0.1],
        ["Gamma", 25, "cold", 0.3],
        ["No figure", None, "cold", 0.2],
    ):
        ws.append(row)
    ws.add_table(Table(displayName="Things", ref="A1:D5"))
    chart = wb.create_sheet("Chart")
    chart["A1"], chart["B1"], chart["C1"] = "Line", "Count", "Share"
    chart.add_table(Table(displayName="Lines", ref="A1:C2"))
    wb.save(path)
    return path


@pytest.fixture(params=["openpyxl", "xlwings"])
def scatter_book(request: pytest.FixtureRequest, tmp_path: Path) -> Book:
    path = _make_scatter_file(tmp_path / "scatter.xlsx")
    return open_xlwings(request, path) if request.param == "xlwings" else OpenpyxlBook.open(path)


def scatter(**kw: object) -> ScatterSpec:
    base: dict[str, object] = {
        "sheet": "Chart",
        "table": "Things",
        "x": "Count",
        "y": "Share",
        "label": "Name",
        "title": "Things",
        "alt_text": SCATTER_ALT,
        "x_threshold": 25,
        "y_threshold": 0.3,
        "lines_table": "Lines",
        "anchor": "A5",
        "x_line_label": "Count threshold",
        "y_line_label": "Share threshold",
        "group": "Group",
        "colours": {"hot": "C00000"},
        "x_format": "#,##0",
        "y_format": "0%",
    }
    return ScatterSpec(**{**base, **kw})  # type: ignore[arg-type]


def test_scatter_points_lines_alt_text_and_one_chart_per_anchor(scatter_book: Book) -> None:
    scatter_book.add_scatter(scatter(alt_text="First version."))
    scatter_book.add_scatter(scatter())
    path = scatter_book.save()
    assert [descr for _part, _name, descr in chart_frames(path)] == [SCATTER_ALT]
    [chart] = chart_parts(path)
    series = chart.findall(".//c:scatterChart/c:ser", NS)
    assert len(series) == 3 + 2, "one series per plotted row (the row without a figure is left out), two lines"
    names = [s.find("c:tx/c:strRef/c:f", NS).text for s in series]
    assert names == ["'Data'!$A$2", "'Data'!$A$3", "'Data'!$A$4", "'Chart'!$A$2", "'Chart'!$A$4"]
    assert [s.find("c:xVal/c:numRef/c:f", NS).text for s in series[:3]] == ["'Data'!$B$2", "'Data'!$B$3", "'Data'!$B$4"]
    assert [s.find("c:dLbls/c:showSerName", NS).get("val") for s in series[:3]] == ["1"] * 3
    assert series[0].find("c:marker/c:spPr/a:solidFill/a:srgbClr", {**NS, "a": A}).get("val") == "C00000"
    assert all(s.find("c:marker/c:symbol", NS).get("val") == "none" for s in series[3:])
    assert all(s.find("c:spPr/a:ln/a:prstDash", {**NS, "a": A}).get("val") == "dash" for s in series[3:])
    hidden = [e.find("c:idx", NS).get("val") for e in chart.findall(".//c:legend/c:legendEntry", NS)]
    assert hidden == ["0", "1", "2"], "the legend names only the threshold lines"
    assert [m.get("val") for m in chart.findall(".//c:valAx/c:scaling/c:max", NS)] in (["50", "0.6"], ["50.0", "0.6"])
    lines = openpyxl.load_workbook(path)["Chart"]
    assert [[c.value for c in row] for row in lines["A1:C5"]] == [
        ["Line", "Count", "Share"],
        ["Count threshold", 25, 0],
        ["Count threshold", 25, 0.6],
        ["Share threshold", 0, 0.3],
        ["Share threshold", 50, 0.3],
    ]  # axes end at round numbers above the data
    assert lines.tables["Lines"].ref == "A1:C5"


def test_scatter_elsewhere_keeps_the_first_and_needs_no_lines(scatter_book: Book) -> None:
    scatter_book.add_scatter(scatter())
    scatter_book.add_scatter(scatter(anchor="L5", alt_text="Without lines.", lines_table=""))
    path = scatter_book.save()
    assert sorted(descr for _p, _n, descr in chart_frames(path)) == sorted([SCATTER_ALT, "Without lines."])
    assert sorted(len(c.findall(".//c:scatterChart/c:ser", NS)) for c in chart_parts(path)) == [3, 5]


def test_scatter_errors_name_what_is_missing(scatter_book: Book) -> None:
    with pytest.raises(WorkbookError, match="sheet 'Nowhere' not found"):
        scatter_book.add_scatter(scatter(sheet="Nowhere"))
    with pytest.raises(WorkbookError, match="table 'Things' has no column 'Size'"):
        scatter_book.add_scatter(scatter(x="Size"))
    with pytest.raises(WorkbookError, match="table 'Nope' not found"):
        scatter_book.add_scatter(scatter(table="Nope"))


def test_xlwings_scatter_as_excel_holds_it(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """What the xlwings backend asked "Excel" for, as the in-memory engine recorded it."""
    book = open_xlwings(request, _make_scatter_file(tmp_path / "scatter.xlsx"))
    book.add_scatter(scatter())
    [model] = chart_models(book.book.sheets["Chart"])
    assert model.chart_type == "xy_scatter" and model.alt_text == SCATTER_ALT and model.title == "Things"
    assert (model.category_axis.maximum_scale, model.value_axis.maximum_scale) == (50, 0.6)
    assert (model.category_axis.number_format, model.value_axis.number_format) == ("#,##0", "0%")
    points, lines = model.series[:3], model.series[3:]
    assert all(s.labels is not None and s.labels.show_series_name and not s.labels.show_value for s in points)
    assert [s.marker_background_color for s in points] == [(0xC0, 0, 0), (0x1F, 0x4E, 0x78), (0x1F, 0x4E, 0x78)]
    assert all(s.chart_type == "xy_scatter_lines_no_markers" and s.dashed and s.labels is None for s in lines)
    assert [s.y_ref for s in lines] == ["'Chart'!$C$2:$C$3", "'Chart'!$C$4:$C$5"]
    assert model.legend_position == "bottom" and model.hidden_legend_entries == {0, 1, 2}


def test_xlwings_chart_series_must_sit_side_by_side(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    book = open_xlwings(request, _make_scatter_file(tmp_path / "scatter.xlsx"))
    spec = ChartSpec(
        sheet="Chart",
        table="Things",
        categories="Name",
        series=["Count", "Share"],
        title="T",
        alt_text="Chart of things.",
        anchor="E5",
    )
    with pytest.raises(UnsupportedOperation, match="side by side"):
        book.add_chart(spec)
    assert chart_models(book.book.sheets["Chart"]) == [], "nothing drawn before refusing"
    book.add_chart(
        ChartSpec(
            sheet="Chart",
            table="Things",
            categories="Name",
            series=["Count"],
            title="T",
            alt_text="Chart of things.",
            anchor="E5",
            colours={"Count": "FF0000"},
        )
    )
    [model] = chart_models(book.book.sheets["Chart"])
    assert model.chart_type == "bar_stacked" and model.series[0].fill_color == (255, 0, 0)
    assert (model.series[0].name_ref, model.series[0].x_ref) == ("'Data'!$B$1", "'Data'!$A$2:$A$5")


def test_xlwings_on_a_mac_refuses_what_needs_com_plainly(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a Mac xlwings hands over AppleScript objects: what needs COM is refused, before anything changes."""
    from tests.xlmemory import MemoryBook

    book = open_xlwings(request, _make_scatter_file(tmp_path / "scatter.xlsx"))
    monkeypatch.setattr(MemoryBook, "__module__", "xlwings._xlmac")
    with pytest.raises(UnsupportedOperation, match="drop-down lists need Excel for Windows"):
        book.set_choices("Things", "Group", ["hot", "cold"])
    with pytest.raises(UnsupportedOperation, match="scatter charts need Excel for Windows"):
        book.add_scatter(scatter())
    assert chart_models(book.book.sheets["Chart"]) == []
    assert book.read_table("Lines").rows == [[None, None, None]], "the lines table is left as it was"
    book.highlight("Things", ["Group"], [Highlight("hot", "FFC7CE", "9C0006")])  # xlwings wraps this one
