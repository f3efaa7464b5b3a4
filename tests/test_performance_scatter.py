"""``Book.add_scatter`` on a small workbook, on both backends (the xlwings one on the in-memory engine):
points, threshold lines from a helper table written through ``write_table``, alt text in the drawing's
``cNvPr descr``, re-drawing replaces, clear errors."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree as SafeET
from openpyxl.worksheet.table import Table

from boardbook.book.base import Book, Formula, ScatterSpec
from boardbook.book.openpyxl_book import OpenpyxlBook
from boardbook.book.scatter import nice_max
from boardbook.errors import WorkbookError
from tests.helpers import chart_frames
from tests.xlmemory import open_xlwings

NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
ALT = "Scatter chart of three things: Alpha is high on both."


def small_openpyxl_book() -> OpenpyxlBook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for j, h in enumerate(("Name", "Count", "Share"), start=1):
        ws.cell(1, j, h)
    ws.add_table(Table(displayName="Things", ref="A1:C2"))
    chart = wb.create_sheet("Chart")
    chart["A1"], chart["B1"], chart["C1"] = "Line", "Count", "Share"
    chart.add_table(Table(displayName="Lines", ref="A1:C2"))
    book = OpenpyxlBook(wb)
    book.write_table(
        "Things", [["Alpha", 40, Formula("=0.5", 0.5)], ["Beta", 10, 0.1], ["Gamma", 25, 0.3], ["No figure", None, 0.2]]
    )
    return book


@pytest.fixture(params=["openpyxl", "xlwings"])
def small_book(request: pytest.FixtureRequest, tmp_path: Path) -> Book:
    """The small workbook behind either backend (the formula's value is cached in the file Excel opens)."""
    book = small_openpyxl_book()
    if request.param == "openpyxl":
        return book
    return open_xlwings(request, book.save(tmp_path / "small.xlsx"))


def spec(**kw: object) -> ScatterSpec:
    base = {
        "sheet": "Chart",
        "table": "Things",
        "x": "Count",
        "y": "Share",
        "label": "Name",
        "title": "Things",
        "alt_text": ALT,
        "x_threshold": 25,
        "y_threshold": 0.3,
        "lines_table": "Lines",
        "anchor": "A5",
        "x_line_label": "Count threshold",
        "y_line_label": "Share threshold",
    }
    return ScatterSpec(**{**base, **kw})  # type: ignore[arg-type]


def chart_xml(path: Path):
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        return [SafeET.fromstring(zf.read(n)) for n in names]


def test_scatter_points_lines_and_alt_text(small_book: Book, tmp_path: Path) -> None:
    book = small_book
    book.add_scatter(spec())
    path = book.save(tmp_path / "scatter.xlsx")
    assert chart_frames(path) == [("xl/drawings/drawing1.xml", "Chart 1", ALT)]
    [chart] = chart_xml(path)
    series = chart.findall(".//c:scatterChart/c:ser", NS)
    assert len(series) == 3 + 2  # the row without a figure is not plotted
    lines = openpyxl.load_workbook(path)["Chart"]
    assert [[c.value for c in row] for row in lines["A1:C5"]] == [
        ["Line", "Count", "Share"],
        ["Count threshold", 25, 0],
        ["Count threshold", 25, 0.6],
        ["Share threshold", 0, 0.3],
        ["Share threshold", 50, 0.3],
    ]  # axes end at round numbers above the data
    assert chart.find(".//c:valAx/c:scaling/c:max", NS) is not None


def test_redrawing_at_the_same_anchor_replaces_the_chart(small_book: Book, tmp_path: Path) -> None:
    book = small_book
    book.add_scatter(spec())
    book.add_scatter(spec(alt_text="Second version."))
    path = book.save(tmp_path / "again.xlsx")
    assert [descr for _p, _n, descr in chart_frames(path)] == ["Second version."]


def test_a_second_chart_elsewhere_keeps_its_own_alt_text(small_book: Book, tmp_path: Path) -> None:
    book = small_book
    book.add_scatter(spec())
    book.add_scatter(spec(anchor="L5", alt_text="Without lines.", lines_table=""))
    path = book.save(tmp_path / "two.xlsx")
    assert sorted(descr for _p, _n, descr in chart_frames(path)) == sorted([ALT, "Without lines."])


def test_errors_name_what_is_missing(small_book: Book) -> None:
    with pytest.raises(WorkbookError, match="sheet 'Nowhere' not found"):
        small_book.add_scatter(spec(sheet="Nowhere"))
    with pytest.raises(WorkbookError, match="table 'Things' has no column 'Size'"):
        small_book.add_scatter(spec(x="Size"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.33, 0.4), (0.55, 0.6), (1.1, 1.5), (660, 800), (1364, 1500), (6.6, 8.0), (0, 1.0), (100, 100.0)],
)
def test_axis_maxima_are_round(value: float, expected: float) -> None:
    assert nice_max(value) == expected
