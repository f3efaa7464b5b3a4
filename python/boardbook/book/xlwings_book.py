"""Book port backend for a live workbook in Excel, through xlwings (Windows; macOS except ``_ComOnly``).

Everything goes through xlwings' own objects (xlwings 0.37.8): ranges and their values, number formats and
wrapping, tables (``sheet.tables``, ``resize``, header and body ranges), defined names, notes, conditional
formats (``range.conditional_formats``) and charts (``sheet.charts.add``, ``set_source_data``,
``chart_type``, title, axes, legend, each series' formatting). Each table is written with ONE 2-D range
assignment (calls into Excel are slow: never cell by cell). Excel computes formulas itself, so ``Formula``
cells are written as formulas and their Python values are not needed. Text Excel would read as something
else (a formula, a number, a date, TRUE) is written with Excel's text prefix (') so agency text stays
text. Numbers come back from Excel as floats; the port hands whole ones over as int, as openpyxl reads them.

What xlwings has no wrapper for goes through Excel's native COM object model, and only in ``_ComOnly``
below: drop-down lists (xlwings' ``DataValidation.set_list`` cannot choose the alert style, which Excel
fixes when the validation is added), a chart's alt text, and the scatter chart's one-point series (a series
with its own x and y ranges, labelled with its name, dashed threshold lines, legend entries hidden).

Tested on every machine against an in-memory xlwings engine (``tests/xlmemory.py``) by the port's
contract tests (``tests/test_book_port.py``); real Excel alone proves the ``_ComOnly`` calls.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from boardbook.atomic import backup_path
from boardbook.book.base import ChartSpec, ColumnFormat, Formula, Highlight, ScatterSpec, TableData, Value
from boardbook.book.scatter import LINE_COLOUR, plan_scatter, write_lines
from boardbook.errors import Location, UnsupportedOperation, UsageError, WorkbookError

XL_VALIDATE_LIST, XL_VALID_ALERT_STOP, XL_VALID_ALERT_INFORMATION, XL_BETWEEN = 3, 1, 3, 1
XL_LABEL_POSITION_RIGHT, MSO_LINE_DASH = -4152, 4
FORMULA_STARTS = ("=", "+", "-", "@")
# Text Excel would turn into something else when assigned as a value: a formula (= + - @), an error value
# (#N/A), a text prefix eaten (') — and, whenever a digit is in it, a number, percentage, date or time.
KEPT_AS_TEXT = ("=", "+", "-", "@", "#", "'")
PT_PER_CM = 72 / 2.54
# Excel's COM reports the built-in short date (format 14) in its US form, whatever the machine shows; an
# English partnership's Excel shows it day first, as book.numfmt renders format 14 from a file.
_UK_SHORT_DATE = {"m/d/yyyy": "dd/mm/yyyy", "m/d/yyyy h:mm": "dd/mm/yyyy hh:mm"}
SAME_PLACE_PT = 0.5  # Excel may round a chart's position a little: this close is "at the same anchor"
BAR_TYPES = {
    ("bar", True): "bar_stacked",
    ("col", True): "column_stacked",
    ("bar", False): "bar_clustered",
    ("col", False): "column_clustered",
}


def _excel_would_convert(text: str) -> bool:
    return (
        text.startswith(KEPT_AS_TEXT) or any(ch.isdigit() for ch in text) or text.strip().upper() in ("TRUE", "FALSE")
    )


def cell_input(value: Value) -> Any:
    """What to assign to a cell so it ends up as ``value`` (text stays text, formulas are formulas).

    Text Excel would read as something else ("=1+1", "2026", "12%", "1/2", "TRUE", "#N/A") goes with Excel's
    text prefix ('), which Excel keeps out of the value: the cell holds exactly the text.
    """
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, str) and _excel_would_convert(value):
        return "'" + value
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, Decimal):
        return float(value)  # COM has no decimal type
    return value


def _from_excel(value: Any) -> Value:
    """A value as Excel hands it over, as the port hands it on: whole numbers int (as openpyxl reads them)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _ref(rng: Any) -> str:
    """``='Sheet'!$A$1:$A$2``: a range as a COM series reference."""
    return f"={_quoted(rng.sheet.name)}!{rng.address}"


def _hex(rgb: str) -> str:
    return "#" + rgb[-6:]


class _ComOnly:
    """The only calls into Excel's native COM object model, where xlwings 0.37.8 has no wrapper.

    Real Excel alone proves these: the tests drive them through the in-memory engine's imitation of exactly
    these members (``tests/xlmemory.py``). On a Mac xlwings hands over AppleScript objects instead, so each
    operation that needs one of these raises ``UnsupportedOperation`` there before changing anything.
    """

    @staticmethod
    def require(book: Any, what: str) -> None:
        if type(book.impl).__module__.endswith("_xlmac"):
            raise UnsupportedOperation(
                f"{what} need Excel for Windows: xlwings has no wrapper for them and "
                "boardbook drives them through Excel's COM object model",
                Location(str(getattr(book, "fullname", "") or "")),
            )

    @staticmethod
    def list_validation(rng: Any, choices: Sequence[str], strict: bool) -> None:
        """A drop-down list on ``rng`` (replacing any validation there)."""
        validation = rng.api.Validation
        validation.Delete()
        validation.Add(
            XL_VALIDATE_LIST,
            XL_VALID_ALERT_STOP if strict else XL_VALID_ALERT_INFORMATION,
            XL_BETWEEN,
            ",".join(choices),
        )
        validation.ErrorMessage = (
            "Choose one of: " + ", ".join(choices) + ("" if strict else " (or keep what you typed)")
        )

    @staticmethod
    def alt_text(sheet: Any, chart: Any, text: str) -> None:
        sheet.api.Shapes(chart.name).AlternativeText = text

    @staticmethod
    def add_series(chart: Any, name: str, x: str, y: str) -> None:
        """A new series named by the cell ``name``, x values ``x``, y values ``y`` (references ``='S'!$A$1``)."""
        _chart_object, native = chart.api
        series = native.SeriesCollection().NewSeries()
        series.Name = name
        series.XValues = x
        series.Values = y

    @staticmethod
    def label_with_name(series: Any) -> None:
        """Show the series' name beside its point (not its value)."""
        native = series.api
        native.ApplyDataLabels()
        labels = native.DataLabels()
        labels.ShowSeriesName = True
        labels.ShowValue = False
        labels.Position = XL_LABEL_POSITION_RIGHT

    @staticmethod
    def dashed(series: Any) -> None:
        series.api.Format.Line.DashStyle = MSO_LINE_DASH

    @staticmethod
    def hide_legend_entries(chart: Any, count: int) -> None:
        """Hide the legend entries of the first ``count`` series (each shown entry moves up as one goes)."""
        _chart_object, native = chart.api
        for _ in range(count):
            native.Legend.LegendEntries(1).Delete()


class XlwingsBook:
    """A workbook open in Excel behind the Book port."""

    def __init__(self, book: Any):
        self.book = book
        self.path = Path(book.fullname) if getattr(book, "fullname", None) else None

    def _where(self, sheet: str = "") -> Location:
        return Location(str(self.path or self.book.name), sheet)

    def _sheet(self, name: str) -> Any:
        for sheet in self.book.sheets:
            if sheet.name == name:
                return sheet
        raise WorkbookError(f"sheet '{name}' not found", self._where())

    # -- tables ---------------------------------------------------------------------------------------
    def _table(self, name: str) -> Any:
        for sheet in self.book.sheets:
            for table in sheet.tables:
                if table.name == name:
                    return table
        raise WorkbookError(f"table '{name}' not found", self._where())

    @staticmethod
    def _headers(table: Any) -> list[str]:
        row = table.header_row_range.options(ndim=2).value[0]
        return ["" if h is None else str(_from_excel(h)) for h in row]

    @staticmethod
    def _body(table: Any) -> Any:
        """The table's data rows (the row under the header when Excel counts the table as empty)."""
        body = table.data_body_range
        if body is not None:
            return body
        top, left = table.range.row, table.range.column
        return table.parent.range((top + 1, left), (top + 1, left + table.range.shape[1] - 1))

    def table_names(self) -> list[str]:
        return [t.name for s in self.book.sheets for t in s.tables]

    def table_position(self, name: str) -> tuple[str, int, int]:
        t = self._table(name)
        return t.parent.name, t.range.row, t.range.column

    def read_table(self, name: str) -> TableData:
        t = self._table(name)
        values = t.range.options(ndim=2).value
        headers = ["" if h is None else str(_from_excel(h)) for h in values[0]]
        rows = [[_from_excel(v) for v in row] for row in values[1:]]
        return TableData(
            name, t.parent.name, headers, rows, t.range.row, t.range.column, lambda: self.number_formats(name)
        )

    def number_formats(self, name: str) -> dict[tuple[int, int], str]:
        t = self._table(name)
        sheet, top, left = t.parent, t.range.row, t.range.column
        height, width = t.range.shape
        out: dict[tuple[int, int], str] = {}
        if height < 2:
            return out
        for j in range(width):  # one call per column; cell by cell only where a column mixes formats
            code = sheet.range((top + 1, left + j), (top + height - 1, left + j)).number_format
            cells = (
                [(i, code) for i in range(height - 1)]
                if code is not None
                else [(i, sheet.range((top + 1 + i, left + j)).number_format) for i in range(height - 1)]
            )
            for i, one in cells:
                one = _UK_SHORT_DATE.get(one or "General", one or "General")
                if one != "General":
                    out[(i, j)] = one
        return out

    def write_table(
        self,
        name: str,
        rows: Sequence[Sequence[Value]],
        *,
        headers: Sequence[str] | None = None,
        formats: Mapping[str, ColumnFormat] | None = None,
    ) -> None:
        t = self._table(name)
        sheet = t.parent
        top, left = t.range.row, t.range.column
        old_rows, old_cols = t.range.shape
        headers = list(headers) if headers is not None else self._headers(t)
        width, height = len(headers), max(1, len(rows))
        # Resize first (Excel names new columns from the header cells), then clear what the table no longer
        # covers and its old rows, then write headers and rows in one go.
        t.resize(sheet.range((top, left), (top + height, left + width - 1)))
        last_row, last_col = top + max(old_rows - 1, height), left + max(old_cols, width) - 1
        sheet.range((top + 1, left), (last_row, last_col)).clear_contents()
        if old_cols > width:  # header cells of dropped columns, outside the table now
            sheet.range((top, left + width), (top, last_col)).clear_contents()
        block = [[cell_input(h) for h in headers]]
        block += [[cell_input(v) for v in row[:width]] + [None] * (width - len(row)) for row in rows]
        if not rows:
            block.append([None] * width)
        sheet.range((top, left)).value = block
        for h, fmt in (formats or {}).items():
            if h in headers:
                j = left + headers.index(h)
                column = sheet.range((top + 1, j), (top + height, j))
                column.number_format = fmt.number_format or "General"
                column.wrap_text = fmt.wrap

    def _column(self, table: str, column: str) -> Any:
        t = self._table(table)
        headers = self._headers(t)
        if column not in headers:
            raise WorkbookError(f"table '{table}' has no column '{column}'", self._where(t.parent.name))
        return self._body(t).columns[headers.index(column)]

    # -- sheets and defined names ---------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def add_table(self, sheet: str, name: str, headers: Sequence[str], *, hidden: bool = False) -> None:
        if name in self.table_names() or sheet in self.sheet_names():
            raise WorkbookError(f"cannot add table '{name}' on sheet '{sheet}': it already exists", self._where(sheet))
        sheets = self.book.sheets
        ws = sheets.add(sheet, after=sheets[len(sheets) - 1])
        ws.range((1, 1)).value = [[cell_input(h) for h in headers]]
        ws.tables.add(source=ws.range((1, 1), (2, len(headers))), name=name)
        if hidden:
            ws.visible = False

    def defined_names(self) -> list[str]:
        return [n.name for n in self.book.names if "!" not in n.name]

    def define_name(self, name: str, sheet: str, cell: str) -> None:
        """Create (or move) a workbook-scoped name pointing at one cell."""
        target = self._sheet(sheet).range(cell)
        self.book.names[name] = f"={_quoted(sheet)}!{target.address}"

    def _name_range(self, name: str) -> Any:
        try:
            rng = self.book.names[name].refers_to_range
            if rng.shape != (1, 1):
                raise ValueError(name)
            return rng
        except Exception:  # Excel (COM) reports a missing name in its own way on each platform
            raise WorkbookError(f"defined name '{name}' not found (or does not name one cell)", self._where()) from None

    def name_address(self, name: str) -> tuple[str, str]:
        rng = self._name_range(name)
        return rng.sheet.name, rng.address.replace("$", "")

    def get_name(self, name: str) -> Value:
        return _from_excel(self._name_range(name).value)

    def set_name(self, name: str, value: Value) -> None:
        self._name_range(name).value = cell_input(value)

    # -- validation, conditional formats, charts ------------------------------------------------------
    def set_choices(self, table: str, column: str, choices: Sequence[str], *, strict: bool = True) -> None:
        _ComOnly.require(self.book, "drop-down lists")
        _ComOnly.list_validation(self._column(table, column), choices, strict)

    def highlight(self, table: str, columns: Sequence[str], highlights: Sequence[Highlight]) -> None:
        for column in columns:
            formats = self._column(table, column).conditional_formats
            formats.clear()
            for h in highlights:
                formats.add_cell_value(
                    "equal_to", '="' + h.text.replace('"', '""') + '"', fill_color=_hex(h.fill), font_color=_hex(h.font)
                )

    def _new_chart(self, sheet: Any, anchor_cell: str, width_cm: float, height_cm: float) -> Any:
        """An empty chart at ``anchor_cell``, replacing any chart already there."""
        anchor = sheet.range(anchor_cell)
        for chart in list(sheet.charts):
            if abs(chart.left - anchor.left) < SAME_PLACE_PT and abs(chart.top - anchor.top) < SAME_PLACE_PT:
                chart.delete()
        return sheet.charts.add(anchor.left, anchor.top, width_cm * PT_PER_CM, height_cm * PT_PER_CM)

    def add_chart(self, spec: ChartSpec) -> None:
        sheet = self._sheet(spec.sheet)
        _ComOnly.require(self.book, "charts with alt text")
        t = self._table(spec.table)
        headers = self._headers(t)
        for column in (spec.categories, *spec.series):
            if column not in headers:
                raise WorkbookError(f"table '{spec.table}' has no column '{column}'", self._where(t.parent.name))
        cols = sorted(headers.index(s) for s in spec.series)
        if cols != list(range(cols[0], cols[-1] + 1)):
            raise UnsupportedOperation(
                f"chart of table '{spec.table}': in Excel its series columns must sit side "
                "by side (a chart takes one block of columns)",
                self._where(t.parent.name),
            )
        top, left = t.range.row, t.range.column
        bottom = top + max(1, t.range.shape[0] - 1)
        chart = self._new_chart(sheet, spec.anchor, spec.width_cm, spec.height_cm)
        chart.set_source_data(t.parent.range((top, left + cols[0]), (bottom, left + cols[-1])), plot_by="columns")
        chart.chart_type = BAR_TYPES[(spec.kind, spec.stacked)]
        cat = left + headers.index(spec.categories)
        chart.set_x_axis_values(t.parent.range((top + 1, cat), (bottom, cat)))
        chart.title = spec.title
        if spec.x_title:
            chart.category_axis.title = spec.x_title
        if spec.y_title:
            chart.value_axis.title = spec.y_title
        for k, series in enumerate(chart.series):
            colour = spec.colours.get(headers[cols[0] + k])
            if colour:
                series.set(fill_color=_hex(colour), line_color="#FFFFFF")
        _ComOnly.alt_text(sheet, chart, spec.alt_text)

    def add_scatter(self, spec: ScatterSpec) -> None:
        sheet = self._sheet(spec.sheet)
        _ComOnly.require(self.book, "scatter charts")
        data = self.read_table(spec.table)  # Excel has computed every formula: these are the values shown
        plan = plan_scatter(spec, data, where=str(self.path or self.book.name))
        table_sheet = self._sheet(data.sheet)

        def cell(i: int, column: str) -> Any:
            return table_sheet.range((plan.row(i), data.first_col + data.column(column)))

        chart = self._new_chart(sheet, spec.anchor, spec.width_cm, spec.height_cm)
        for i in plan.points:
            _ComOnly.add_series(chart, _ref(cell(i, spec.label)), _ref(cell(i, spec.x)), _ref(cell(i, spec.y)))
        position = write_lines(self, spec, plan)
        if position is not None:
            lsheet, lrow, lcol = position
            lines = self._sheet(lsheet)
            for k in range(0, len(plan.lines), 2):
                r = lrow + 1 + k
                _ComOnly.add_series(
                    chart,
                    _ref(lines.range((r, lcol))),
                    _ref(lines.range((r, lcol + 1), (r + 1, lcol + 1))),
                    _ref(lines.range((r, lcol + 2), (r + 1, lcol + 2))),
                )
        chart.chart_type = "xy_scatter"  # after the series: Excel needs data for an XY chart
        for k, series in enumerate(chart.series):
            if k < len(plan.points):
                series.set(
                    marker_style="circle",
                    marker_size=9,
                    marker_background_color=_hex(plan.colours[k]),
                    marker_foreground_color="#FFFFFF",
                )
                _ComOnly.label_with_name(series)
            else:
                series.set(chart_type="xy_scatter_lines_no_markers", line_color=_hex(LINE_COLOUR))
                _ComOnly.dashed(series)
        chart.title = spec.title
        chart.category_axis.set(
            title=spec.x_title or spec.x, minimum_scale=0, maximum_scale=plan.x_max, number_format=spec.x_format
        )
        chart.value_axis.set(
            title=spec.y_title or spec.y, minimum_scale=0, maximum_scale=plan.y_max, number_format=spec.y_format
        )
        # The legend names only the threshold lines: each point carries its own label.
        chart.legend.position = "bottom"
        _ComOnly.hide_legend_entries(chart, len(plan.points))
        _ComOnly.alt_text(sheet, chart, spec.alt_text)

    def mark_problems(self, problems: Sequence[tuple[str, str, str]]) -> None:
        """Put each problem's message in a note on its cell (the "validate this return" button)."""
        for sheet in self.book.sheets:  # earlier marks go first
            for note in list(sheet.notes):
                if note.text.startswith("boardbook:"):
                    note.delete()
        names = [s.name for s in self.book.sheets]
        for sheet, cell, message in problems:
            if sheet in names and cell:
                target = self.book.sheets[sheet].range(cell)
                if target.note is not None:
                    target.note.delete()
                target.add_note("boardbook: " + message)

    # -- save -----------------------------------------------------------------------------------------
    def save(self, path: str | Path | None = None, *, backup: bool = False) -> Path:
        """Save through Excel (its own save replaces the file safely). ``path`` saves as a new file, which
        the open workbook then is; ``backup`` keeps the file being replaced as ``<name>.backup.xlsx``."""
        target = Path(path) if path is not None else self.path
        try:
            if target is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                if backup and target.exists():
                    shutil.copy2(target, backup_path(target))
            if path is None:
                self.book.save()
            else:
                self.book.save(str(target))
        except Exception as exc:  # OSError here, a COM error from Excel: both mean the file was not written
            where = target.parent if target is not None else self.book.name
            raise UsageError(f"cannot write to {where}: {getattr(exc, 'strerror', None) or exc}") from None
        if path is not None:
            self.path = Path(path)
        return self.path or Path(self.book.fullname)
