"""Scatter charts with threshold lines for the openpyxl backend (``OpenpyxlBook.add_scatter`` calls this).

Each plotted row is its own one-point series, so its label (e.g. the risk factor) is shown beside it and a
screen reader's chart navigation names it. The two threshold lines are two more series of two points each,
whose end points ``book.scatter.write_lines`` writes into the helper table through ``write_table``. Alt text
goes where ``OpenpyxlBook`` keeps it for its own charts (written into the drawing's ``cNvPr descr`` on save).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import Legend, LegendEntry
from openpyxl.chart.marker import Marker
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from boardbook.book.base import ScatterSpec, Value
from boardbook.book.openpyxl_book import _anchor_cell
from boardbook.book.scatter import LINE_COLOUR, plan_scatter, write_lines
from boardbook.errors import Location, WorkbookError

if TYPE_CHECKING:
    from boardbook.book.openpyxl_book import OpenpyxlBook


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def draw_scatter(book: OpenpyxlBook, spec: ScatterSpec) -> None:
    """Draw ``spec`` (replacing any chart at the same anchor) and record its alt text."""
    wb = book.wb
    found = wb[spec.sheet] if spec.sheet in wb.sheetnames else None
    if not isinstance(found, Worksheet):
        raise WorkbookError(f"sheet '{spec.sheet}' not found", Location(str(book.path or "")))
    ws = cast(Worksheet, found)  # the stubs' sheet union does not narrow
    data = book.read_table(spec.table)
    cached = book._cached.get(data.sheet, {})

    def value(i: int, column: str) -> Value:  # the cached value of a formula cell, else the cell's value
        return cached.get(data.cell(i, column), data.rows[i][data.column(column)])

    plan = plan_scatter(spec, data, value, str(book.path or ""))

    chart = ScatterChart()
    chart.title = spec.title
    chart.style = 2
    chart.scatterStyle = "lineMarker"
    chart.width, chart.height = spec.width_cm, spec.height_cm  # type: ignore[assignment]  # cm, floats welcome
    chart.x_axis.title = spec.x_title or spec.x
    chart.y_axis.title = spec.y_title or spec.y
    chart.x_axis.scaling.min, chart.x_axis.scaling.max = 0, plan.x_max
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, plan.y_max
    chart.x_axis.number_format, chart.y_axis.number_format = spec.x_format, spec.y_format
    chart.x_axis.delete = chart.y_axis.delete = False
    tws = wb[data.sheet]
    x_col = data.first_col + data.column(spec.x)
    y_col = data.first_col + data.column(spec.y)
    label_col = get_column_letter(data.first_col + data.column(spec.label))
    for i, colour in zip(plan.points, plan.colours, strict=True):
        r = plan.row(i)
        s = Series(Reference(tws, min_col=y_col, min_row=r), Reference(tws, min_col=x_col, min_row=r))
        s.tx = SeriesLabel(strRef=StrRef(f"{_quoted(data.sheet)}!${label_col}${r}"))
        s.marker = Marker(symbol="circle", size=9)
        s.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
        s.marker.graphicalProperties.line.solidFill = "FFFFFF"
        s.graphicalProperties.line.noFill = True
        s.dLbls = DataLabelList()
        s.dLbls.showSerName = True
        s.dLbls.showVal = s.dLbls.showCatName = s.dLbls.showLegendKey = s.dLbls.showPercent = False
        s.dLbls.position = "r"
        chart.series.append(s)

    position = write_lines(book, spec, plan)
    if position is not None:
        lsheet, lrow, lcol = position
        lws = wb[lsheet]
        for k in range(0, len(plan.lines), 2):
            r = lrow + 1 + k
            s = Series(
                Reference(lws, min_col=lcol + 2, min_row=r, max_row=r + 1),
                Reference(lws, min_col=lcol + 1, min_row=r, max_row=r + 1),
            )
            s.tx = SeriesLabel(strRef=StrRef(f"{_quoted(lsheet)}!${get_column_letter(lcol)}${r}"))
            s.marker = Marker(symbol="none")
            s.graphicalProperties.line = LineProperties(solidFill=LINE_COLOUR, w=19050, prstDash="dash")
            chart.series.append(s)
    for s in chart.series:
        s.smooth = False
    # The legend names only the threshold lines: each point carries its own label.
    chart.legend = Legend(legendPos="b")
    chart.legend.legendEntry = [LegendEntry(idx=k, delete=True) for k in range(len(plan.points))]
    chart.legend.overlay = False
    # re-fill replaces (openpyxl keeps a sheet's charts in a private list, which its stubs leave out)
    charts = ws._charts  # type: ignore[attr-defined]
    ws._charts = [ch for ch in charts if _anchor_cell(ch) != spec.anchor]  # type: ignore[attr-defined]
    ws.add_chart(chart, spec.anchor)
    book._alt_texts.setdefault(ws.title, {})[spec.anchor] = spec.alt_text
