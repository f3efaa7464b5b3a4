"""Book port backend for a live workbook in Excel, through xlwings (Windows and macOS only).

Each table is written with ONE 2-D range assignment (COM calls are slow: never cell by cell). Excel
computes formulas itself, so ``Formula`` cells are written as formulas and their Python values are
not needed. Text that Excel would read as a formula (= + - @) is written with Excel's text prefix (')
so agency text never becomes a formula. Styles, validation, conditional formats and charts go through
``.api`` (the native COM object) where xlwings has no wrapper.

Not verified in Excel: no Excel runs on the Linux machines this was built on. The port's contract tests
run against this backend wherever Excel is available (``tests/test_book_port.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from boardbook.book.base import ChartSpec, ColumnFormat, Formula, Highlight, TableData, Value
from boardbook.errors import Location, WorkbookError

XL_VALIDATE_LIST, XL_VALID_ALERT_STOP, XL_VALID_ALERT_INFORMATION, XL_BETWEEN = 3, 1, 3, 1
XL_CELL_VALUE, XL_EQUAL = 1, 3
XL_BAR_STACKED, XL_COLUMN_STACKED, XL_BAR_CLUSTERED, XL_COLUMN_CLUSTERED = 58, 52, 57, 51
FORMULA_STARTS = ("=", "+", "-", "@")


def _bgr(hex_rgb: str) -> int:
    """Excel's COM colours are BGR integers."""
    h = hex_rgb[-6:]
    r, g, b = int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    return r + (g << 8) + (b << 16)


def cell_input(value: Value) -> Any:
    """What to assign to a cell so it ends up as ``value`` (text stays text, formulas are formulas)."""
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if value is not None and type(value).__name__ == "Decimal":
        return float(value)  # COM has no decimal type
    return value


class XlwingsBook:
    """A workbook open in Excel behind the Book port."""

    def __init__(self, book: Any):
        self.book = book
        self.path = Path(book.fullname) if getattr(book, "fullname", None) else None

    def _where(self, sheet: str = "") -> Location:
        return Location(str(self.path or self.book.name), sheet)

    def _table(self, name: str) -> Any:
        for sheet in self.book.sheets:
            for table in sheet.tables:
                if table.name == name:
                    return table
        raise WorkbookError(f"table '{name}' not found", self._where())

    def table_names(self) -> list[str]:
        return [t.name for s in self.book.sheets for t in s.tables]

    def table_position(self, name: str) -> tuple[str, int, int]:
        t = self._table(name)
        return t.parent.name, t.range.row, t.range.column

    def read_table(self, name: str) -> TableData:
        t = self._table(name)
        values = t.range.options(ndim=2).value
        headers = ["" if h is None else str(h) for h in values[0]]
        return TableData(name, t.parent.name, headers, [list(r) for r in values[1:]], t.range.row, t.range.column)

    def write_table(self, name: str, rows: Sequence[Sequence[Value]], *, headers: Sequence[str] | None = None,
                    formats: Mapping[str, ColumnFormat] | None = None) -> None:
        t = self._table(name)
        sheet = t.parent
        top, left = t.range.row, t.range.column
        old_rows, old_cols = t.range.shape
        headers = list(headers) if headers is not None else [str(h) for h in t.header_row_range.value]
        width, height = len(headers), max(1, len(rows))
        # Clear what the table will no longer cover, then resize it and write everything in one go.
        last_row, last_col = top + max(old_rows - 1, height), left + max(old_cols, width) - 1
        sheet.range((top + 1, left), (last_row, last_col)).clear_contents()
        t.resize(sheet.range((top, left), (top + height, left + width - 1)))
        block = [list(headers)] + [[cell_input(v) for v in row] + [None] * (width - len(row)) for row in rows]
        if not rows:
            block.append([None] * width)
        sheet.range((top, left)).value = block
        for h, fmt in (formats or {}).items():
            if h in headers:
                col = sheet.range((top + 1, left + headers.index(h)), (top + height, left + headers.index(h)))
                if fmt.number_format:
                    col.number_format = fmt.number_format
                if fmt.wrap:
                    col.api.WrapText = True

    def _name_range(self, name: str) -> Any:
        try:
            return self.book.names[name].refers_to_range
        except Exception:
            raise WorkbookError(f"defined name '{name}' not found (or does not name one cell)", self._where()) \
                from None

    def get_name(self, name: str) -> Value:
        return self._name_range(name).value

    def set_name(self, name: str, value: Value) -> None:
        self._name_range(name).value = cell_input(value)

    def _column(self, table: str, column: str) -> Any:
        t = self._table(table)
        headers = [str(h) for h in t.header_row_range.value]
        if column not in headers:
            raise WorkbookError(f"table '{table}' has no column '{column}'", self._where(t.parent.name))
        body = t.data_body_range
        return body.columns[headers.index(column)]

    def set_choices(self, table: str, column: str, choices: Sequence[str], *, strict: bool = True) -> None:
        validation = self._column(table, column).api.Validation
        validation.Delete()
        validation.Add(XL_VALIDATE_LIST, XL_VALID_ALERT_STOP if strict else XL_VALID_ALERT_INFORMATION, XL_BETWEEN,
                       ",".join(choices))
        validation.ErrorMessage = "Choose one of: " + ", ".join(choices)

    def highlight(self, table: str, columns: Sequence[str], highlights: Sequence[Highlight]) -> None:
        for column in columns:
            conditions = self._column(table, column).api.FormatConditions
            conditions.Delete()
            for h in highlights:
                rule = conditions.Add(XL_CELL_VALUE, XL_EQUAL, '="' + h.text.replace('"', '""') + '"')
                rule.Interior.Color = _bgr(h.fill)
                rule.Font.Color = _bgr(h.font)

    def add_chart(self, spec: ChartSpec) -> None:
        sheet = self.book.sheets[spec.sheet]
        anchor = sheet.range(spec.anchor)
        for chart in list(sheet.charts):
            if chart.left == anchor.left and chart.top == anchor.top:
                chart.delete()
        t = self._table(spec.table)
        headers = [str(h) for h in t.header_row_range.value]
        body = t.data_body_range
        cols = [headers.index(spec.categories), *(headers.index(s) for s in spec.series)]
        chart = sheet.charts.add(anchor.left, anchor.top, spec.width_cm * 28.35, spec.height_cm * 28.35)
        source = t.parent.range((t.range.row, t.range.column + min(cols)),
                                (t.range.row + body.shape[0], t.range.column + max(cols)))
        chart.set_source_data(source)
        kind = {("bar", True): XL_BAR_STACKED, ("col", True): XL_COLUMN_STACKED,
                ("bar", False): XL_BAR_CLUSTERED, ("col", False): XL_COLUMN_CLUSTERED}[(spec.kind, spec.stacked)]
        chart_object, native = chart.api
        native.ChartType = kind
        native.HasTitle = True
        native.ChartTitle.Text = spec.title
        sheet.api.Shapes(chart_object.Name).AlternativeText = spec.alt_text

    def mark_problems(self, problems: Sequence[tuple[str, str, str]]) -> None:
        """Put each problem's message in a note on its cell (the "validate this return" button)."""
        for sheet in self.book.sheets:  # earlier marks go first
            comments = sheet.api.Comments
            for i in range(comments.Count, 0, -1):
                if str(comments.Item(i).Text()).startswith("boardbook:"):
                    comments.Item(i).Delete()
        names = [s.name for s in self.book.sheets]
        for sheet, cell, message in problems:
            if sheet in names and cell:
                target = self.book.sheets[sheet].range(cell).api
                target.ClearComments()
                target.AddComment("boardbook: " + message)

    def save(self, path: str | Path | None = None, *, backup: bool = False) -> Path:  # Excel keeps its own
        if path is None:
            self.book.save()
        else:
            self.book.save(str(path))
            self.path = Path(path)
        return self.path or Path(self.book.fullname)
