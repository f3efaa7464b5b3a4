"""The Book port: the few operations fill code needs from a workbook, whatever holds it.

Fill code talks only to this protocol. Two backends implement it: ``openpyxl_book`` (files, headless)
and ``xlwings_book`` (a live workbook in Excel). A backend translates its library's errors into
``boardbook.errors`` and never leaks its own types through these methods; what a backend genuinely cannot
do raises ``boardbook.errors.UnsupportedOperation``.

Values crossing the port are plain Python: str, int, float, bool, date/datetime, None, or
``Formula`` (a formula with the value Python computed for it, so files carry cached values).
Strings are always written as text, never interpreted as formulas, whatever they start with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from openpyxl.utils.cell import get_column_letter

Value = object  # str | int | float | bool | date | datetime | None | Formula


@dataclass(frozen=True)
class Formula:
    """A formula to place in a cell, with the value Python computed for it (the cached value)."""

    text: str  # starts with "="
    value: Value = None

    @property
    def stored(self) -> str:
        """The text as a file stores it: functions newer than Excel 2007 carry the ``_xlfn.`` prefix Excel
        writes (without it Excel shows #NAME?; LibreOffice and Google Sheets read it too). Live Excel
        (xlwings) takes ``text`` as it is."""
        return _FUTURE_FUNCTIONS.sub(r"_xlfn.\1(", self.text)


_FUTURE_FUNCTIONS = re.compile(r"(?<![\w.])(UNICHAR|UNICODE)\(")


@dataclass(frozen=True)
class ColumnFormat:
    """How the cells of one table column are shown."""

    number_format: str | None = None
    wrap: bool = False


@dataclass(frozen=True)
class Highlight:
    """Conditional format: a cell whose text equals ``text`` gets ``fill`` and ``font`` colours (RGB hex)."""

    text: str
    fill: str
    font: str


@dataclass(frozen=True)
class ChartSpec:
    """A chart drawn from a table: categories from one column, one series per value column."""

    sheet: str
    table: str
    categories: str
    series: Sequence[str]
    title: str
    alt_text: str
    anchor: str = "A3"
    kind: str = "bar"  # bar (horizontal) | col (vertical)
    stacked: bool = True
    x_title: str = ""
    y_title: str = ""
    colours: Mapping[str, str] = field(default_factory=dict)  # series name -> RGB hex
    width_cm: float = 24
    height_cm: float = 12


@dataclass(frozen=True)
class ScatterSpec:
    """A scatter chart of a table: x and y from two columns, one labelled point per row, threshold lines.

    Each plotted row is its own one-point series named by its ``label`` cell, so the label shows beside the
    point and a screen reader's chart navigation names it. The threshold lines are two more series whose end
    points are written into the helper table ``lines_table`` (columns Line, x, y) through ``write_table``.
    """

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


@dataclass
class TableData:
    """An Excel table read by name: headers, rows of values, and where it sits."""

    name: str
    sheet: str
    headers: list[str]
    rows: list[list[Value]]
    header_row: int  # 1-based row of the header
    first_col: int  # 1-based column of the first header
    # The number format of each data cell that is not General, by (row index, column index), both 0-based:
    # what a cell shows (0.244 formatted 0.0% shows 24.4%), worked out only when a reader asks.
    formats: Callable[[], Mapping[tuple[int, int], str]] = field(default=dict, repr=False, compare=False)
    # Rows typed directly under the table, in its columns, that the table does not hold (LibreOffice, Google Sheets
    # and a paste do not grow a table as Excel does): read only for the tables a reader asks about. Row index
    # len(rows) + k of ``cell`` is the k-th of them.
    below: list[list[Value]] = field(default_factory=list, compare=False)

    def number_format(self, row_index: int, column: int) -> str:
        """The number format code of data cell (row index, column index), both 0-based; "General" if none."""
        return self.formats().get((row_index, column), "General")

    def column(self, header: str) -> int:
        """0-based index of ``header`` (exact match); ValueError if absent."""
        return self.headers.index(header)

    def cell(self, row_index: int, header: str) -> str:
        """The A1 address of data row ``row_index`` (0-based) in column ``header``."""
        return f"{get_column_letter(self.first_col + self.column(header))}{self.header_row + 1 + row_index}"

    def header_cell(self, header: str) -> str:
        return f"{get_column_letter(self.first_col + self.column(header))}{self.header_row}"

    def records(self) -> list[dict[str, Value]]:
        return [dict(zip(self.headers, row, strict=False)) for row in self.rows]


@runtime_checkable
class Book(Protocol):
    """A workbook fill code can read and write. Every method names tables and defined names, not cells."""

    path: Path | None

    def table_names(self) -> list[str]:
        """Names of every Excel table (ListObject) in the workbook."""
        ...

    def read_table(self, name: str) -> TableData:
        """The table's headers and data rows. WorkbookError if there is no such table."""
        ...

    def table_position(self, name: str) -> tuple[str, int, int]:
        """(sheet, 1-based header row, 1-based first column) of a table, for building formulas."""
        ...

    def number_formats(self, name: str) -> dict[tuple[int, int], str]:
        """The number format code of each data cell of a table that is not General, by (row index, column
        index), both 0-based: readers take a cell as the user sees it (24.4% rather than 0.244)."""
        ...

    def write_table(
        self,
        name: str,
        rows: Sequence[Sequence[Value]],
        *,
        headers: Sequence[str] | None = None,
        formats: Mapping[str, ColumnFormat] | None = None,
    ) -> None:
        """Replace the table's data rows (and headers, if given), resizing the table."""
        ...

    def sheet_names(self) -> list[str]:
        """Names of every worksheet, in order (hidden ones included)."""
        ...

    def add_table(self, sheet: str, name: str, headers: Sequence[str], *, hidden: bool = False) -> None:
        """A new empty table at A1 of a new sheet (hidden if asked), for workbooks made before the table existed.

        WorkbookError if the table or the sheet already exists.
        """
        ...

    def defined_names(self) -> list[str]:
        """Names of the workbook-scoped defined names."""
        ...

    def define_name(self, name: str, sheet: str, cell: str) -> None:
        """Create (or move) a workbook-scoped defined name pointing at one cell."""
        ...

    def name_address(self, name: str) -> tuple[str, str]:
        """(sheet, A1 cell) a defined name points at, for messages. WorkbookError if absent or not one cell."""
        ...

    def get_name(self, name: str) -> Value:
        """The value of the cell a workbook-scoped defined name points at. WorkbookError if absent."""
        ...

    def set_name(self, name: str, value: Value) -> None:
        """Write the cell a defined name points at. WorkbookError if absent."""
        ...

    def set_choices(self, table: str, column: str, choices: Sequence[str], *, strict: bool = True) -> None:
        """A drop-down list on every data cell of a table column (replacing any earlier one).

        ``strict=False`` suggests the choices but lets people keep something else.
        """
        ...

    def highlight(self, table: str, columns: Sequence[str], highlights: Sequence[Highlight]) -> None:
        """Colour cells of table columns by their text (replacing earlier rules on those columns)."""
        ...

    def add_chart(self, spec: ChartSpec) -> None:
        """Draw a chart from a table (replacing a chart at the same anchor)."""
        ...

    def add_scatter(self, spec: ScatterSpec) -> None:
        """Draw a scatter chart of a table (replacing a chart at the same anchor), with its threshold lines.

        Rows without a number in ``spec.x`` or ``spec.y`` are not plotted. WorkbookError if the sheet, the
        table or a column is missing.
        """
        ...

    def mark_problems(self, problems: Sequence[tuple[str, str, str]]) -> None:
        """Note each (sheet, cell, message) on its cell, replacing earlier boardbook notes."""
        ...

    def save(self, path: str | Path | None = None, *, backup: bool = False) -> Path:
        """Write the workbook atomically (temporary file, then rename) and return where.

        ``backup`` keeps the file being replaced as ``<name>.backup.xlsx``.
        """
        ...
