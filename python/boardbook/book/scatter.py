"""What a scatter chart of a table shows, worked out once for every backend (no library code here).

``plan_scatter`` decides which rows are points (those with a number in both columns), each point's colour,
round axis maxima a little above the data and the thresholds, and the end points of the threshold lines.
``write_lines`` puts those end points into the spec's helper table through the port's ``write_table``, so
they sit in the workbook as data with a header row. Each backend then draws the chart its own way
(``OpenpyxlBook.add_scatter``, ``XlwingsBook.add_scatter``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from boardbook.book.base import Book, ColumnFormat, ScatterSpec, TableData, Value
from boardbook.errors import Location, WorkbookError

POINT_COLOUR = "1F4E78"
LINE_COLOUR = "595959"


def nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    steps = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
    return next(round(step * power, 12) for step in steps if step * power >= value * (1 - 1e-12))


def number(v: object) -> float | None:
    """``v`` as a float if it is a number a chart can plot (not a bool, not text), else None."""
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


@dataclass(frozen=True)
class ScatterPlan:
    """What to draw: the table as read, the rows plotted, their colours, the axes and the threshold lines."""

    data: TableData
    points: list[int]  # 0-based data rows with a number in both columns, in table order
    colours: list[str]  # RGB hex of each point
    x_max: float
    y_max: float
    lines: list[list[Value]]  # rows (label, x, y) for the helper table: two end points per line

    def row(self, point: int) -> int:
        """1-based sheet row of data row ``point``."""
        return self.data.header_row + 1 + point


def plan_scatter(
    spec: ScatterSpec, data: TableData, value: Callable[[int, str], Value] | None = None, where: str = ""
) -> ScatterPlan:
    """Work out ``spec`` for the table ``data``. ``value(i, column)`` is what data row ``i`` shows in
    ``column`` (default: the value read; the openpyxl backend passes a formula's cached value).

    WorkbookError naming the table and column when a column the spec needs is missing.
    """
    for column in (spec.x, spec.y, spec.label, *([spec.group] if spec.group else [])):
        if column not in data.headers:
            raise WorkbookError(f"table '{spec.table}' has no column '{column}'", Location(where, data.sheet))
    shown = value or (lambda i, column: data.rows[i][data.column(column)])
    xs = [number(shown(i, spec.x)) for i in range(len(data.rows))]
    ys = [number(shown(i, spec.y)) for i in range(len(data.rows))]
    points = [i for i in range(len(data.rows)) if xs[i] is not None and ys[i] is not None]
    colours = [(spec.colours.get(str(shown(i, spec.group))) if spec.group else None) or POINT_COLOUR for i in points]
    x_max = spec.x_max or nice_max(1.1 * max([v for v in xs if v is not None] + [spec.x_threshold or 0, 0]))
    y_max = spec.y_max or nice_max(1.1 * max([v for v in ys if v is not None] + [spec.y_threshold or 0, 0]))
    lines: list[list[Value]] = []
    if spec.lines_table:
        if spec.x_threshold is not None:
            lines += [[spec.x_line_label, spec.x_threshold, 0], [spec.x_line_label, spec.x_threshold, y_max]]
        if spec.y_threshold is not None:
            lines += [[spec.y_line_label, 0, spec.y_threshold], [spec.y_line_label, x_max, spec.y_threshold]]
    return ScatterPlan(data, points, colours, x_max, y_max, lines)


def write_lines(book: Book, spec: ScatterSpec, plan: ScatterPlan) -> tuple[str, int, int] | None:
    """Write the threshold lines' end points into ``spec.lines_table`` (headers Line, x, y) and return the
    table's (sheet, header row, first column); None when there are no lines to draw."""
    if not plan.lines:
        return None
    book.write_table(
        spec.lines_table,
        plan.lines,
        headers=["Line", spec.x, spec.y],
        formats={spec.x: ColumnFormat(spec.x_format), spec.y: ColumnFormat(spec.y_format)},
    )
    return book.table_position(spec.lines_table)
