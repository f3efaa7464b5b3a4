"""Scatter charts with threshold lines, for the openpyxl backend (the Book port has bar/column charts only).

Each row of the table is one point, drawn as its own one-point series so that its label (e.g. the risk
factor) is shown beside it and a screen reader's chart navigation names it. The two threshold lines are
two more series of two points each, whose end points ``add_scatter`` writes into a small helper table
through ``write_table`` (so they sit in the workbook as data, with a header row). Alt text goes where
``OpenpyxlBook`` keeps it for its own charts (written into the drawing's ``cNvPr descr`` on save)::

    add_scatter(book, ScatterSpec(sheet="Chart", table="RiskFactors", x="Assessments", y="Conversion",
                                  label="Factor", x_threshold=420, y_threshold=0.25, lines_table="Lines",
                                  title="Risk factors", alt_text="Scatter chart of ..."))
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import Legend, LegendEntry
from openpyxl.chart.marker import Marker
from openpyxl.chart.series import SeriesLabel, StrRef
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.utils.cell import get_column_letter

from boardbook.book.base import ColumnFormat
from boardbook.book.openpyxl_book import OpenpyxlBook, _anchor_cell
from boardbook.errors import Location, WorkbookError

POINT_COLOUR = "1F4E78"
LINE_COLOUR = "595959"


@dataclass(frozen=True)
class ScatterSpec:
    """A scatter chart of a table: x and y from two columns, one labelled point per row, threshold lines."""

    sheet: str
    table: str
    x: str  # column of x values
    y: str  # column of y values
    label: str  # column naming each point
    title: str
    alt_text: str
    x_threshold: float | None = None
    y_threshold: float | None = None
    lines_table: str = ""  # helper table (Line, x, y) for the threshold lines' end points; needed for lines
    anchor: str = "A3"
    x_title: str = ""
    y_title: str = ""
    x_line_label: str = "x threshold"
    y_line_label: str = "y threshold"
    x_format: str = "General"
    y_format: str = "General"
    group: str = ""  # column whose text picks a point's colour from ``colours``
    colours: Mapping[str, str] = field(default_factory=dict)
    x_max: float | None = None  # axis maxima (default: a little above the data and the thresholds)
    y_max: float | None = None
    width_cm: float = 24
    height_cm: float = 14


def _nice(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    steps = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
    return next(round(step * power, 12) for step in steps if step * power >= value * (1 - 1e-12))


def _number(v: object) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def add_scatter(book: OpenpyxlBook, spec: ScatterSpec) -> None:
    """Draw ``spec`` (replacing any chart at the same anchor) and record its alt text."""
    if not isinstance(book, OpenpyxlBook):
        raise WorkbookError(f"{type(book).__name__} cannot draw scatter charts yet: the Book port needs "
                            "add_scatter (see book/scatter.py)")
    wb = book.wb
    if spec.sheet not in wb.sheetnames:
        raise WorkbookError(f"sheet '{spec.sheet}' not found", Location(str(book.path or "")))
    ws = wb[spec.sheet]
    data = book.read_table(spec.table)
    for column in (spec.x, spec.y, spec.label, *([spec.group] if spec.group else [])):
        if column not in data.headers:
            raise WorkbookError(f"table '{spec.table}' has no column '{column}'",
                                Location(str(book.path or ""), data.sheet))
    cached = book._cached.get(data.sheet, {})

    def value(i: int, column: str) -> object:  # the cached value of a formula cell, else the cell's value
        return cached.get(data.cell(i, column), data.rows[i][data.column(column)])

    xs = [_number(value(i, spec.x)) for i in range(len(data.rows))]
    ys = [_number(value(i, spec.y)) for i in range(len(data.rows))]
    x_max = spec.x_max or _nice(1.1 * max([v for v in xs if v is not None] + [spec.x_threshold or 0, 0]))
    y_max = spec.y_max or _nice(1.1 * max([v for v in ys if v is not None] + [spec.y_threshold or 0, 0]))

    chart = ScatterChart()
    chart.title = spec.title
    chart.style = 2
    chart.scatterStyle = "lineMarker"
    chart.width, chart.height = spec.width_cm, spec.height_cm
    chart.x_axis.title = spec.x_title or spec.x
    chart.y_axis.title = spec.y_title or spec.y
    chart.x_axis.scaling.min, chart.x_axis.scaling.max = 0, x_max
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, y_max
    chart.x_axis.number_format, chart.y_axis.number_format = spec.x_format, spec.y_format
    chart.x_axis.delete = chart.y_axis.delete = False
    tws = wb[data.sheet]
    x_col = data.first_col + data.column(spec.x)
    y_col = data.first_col + data.column(spec.y)
    label_col = get_column_letter(data.first_col + data.column(spec.label))
    quoted = "'" + data.sheet.replace("'", "''") + "'"
    points = 0
    for i in range(len(data.rows)):
        if xs[i] is None or ys[i] is None:
            continue
        r = data.header_row + 1 + i
        s = Series(Reference(tws, min_col=y_col, min_row=r), Reference(tws, min_col=x_col, min_row=r))
        s.tx = SeriesLabel(strRef=StrRef(f"{quoted}!${label_col}${r}"))
        colour = spec.colours.get(str(value(i, spec.group))) if spec.group else None
        s.marker = Marker(symbol="circle", size=9)
        s.marker.graphicalProperties = GraphicalProperties(solidFill=colour or POINT_COLOUR)
        s.marker.graphicalProperties.line.solidFill = "FFFFFF"
        s.graphicalProperties.line.noFill = True
        s.dLbls = DataLabelList()
        s.dLbls.showSerName = True
        s.dLbls.showVal = s.dLbls.showCatName = s.dLbls.showLegendKey = s.dLbls.showPercent = False
        s.dLbls.position = "r"
        chart.series.append(s)
        points += 1

    if spec.lines_table and (spec.x_threshold is not None or spec.y_threshold is not None):
        lines = []
        if spec.x_threshold is not None:
            lines += [[spec.x_line_label, spec.x_threshold, 0], [spec.x_line_label, spec.x_threshold, y_max]]
        if spec.y_threshold is not None:
            lines += [[spec.y_line_label, 0, spec.y_threshold], [spec.y_line_label, x_max, spec.y_threshold]]
        headers = ["Line", spec.x, spec.y]
        book.write_table(spec.lines_table, lines, headers=headers,
                         formats={spec.x: ColumnFormat(spec.x_format), spec.y: ColumnFormat(spec.y_format)})
        lsheet, lrow, lcol = book.table_position(spec.lines_table)
        lws = wb[lsheet]
        lquoted = "'" + lsheet.replace("'", "''") + "'"
        for k in range(0, len(lines), 2):
            r = lrow + 1 + k
            s = Series(Reference(lws, min_col=lcol + 2, min_row=r, max_row=r + 1),
                       Reference(lws, min_col=lcol + 1, min_row=r, max_row=r + 1))
            s.tx = SeriesLabel(strRef=StrRef(f"{lquoted}!${get_column_letter(lcol)}${r}"))
            s.marker = Marker(symbol="none")
            s.graphicalProperties.line = LineProperties(solidFill=LINE_COLOUR, w=19050, prstDash="dash")
            s.smooth = False
            chart.series.append(s)
    for s in chart.series:
        s.smooth = False
    # The legend names only the threshold lines: each point carries its own label.
    chart.legend = Legend(legendPos="b")
    chart.legend.legendEntry = [LegendEntry(idx=k, delete=True) for k in range(points)]
    chart.legend.overlay = False
    ws._charts = [ch for ch in ws._charts if _anchor_cell(ch) != spec.anchor]  # re-fill replaces
    ws.add_chart(chart, spec.anchor)
    book._alt_texts.setdefault(ws.title, {})[spec.anchor] = spec.alt_text
