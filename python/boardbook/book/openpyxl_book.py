"""Book port backend for files, on openpyxl. Headless: servers, CI, the CLI.

openpyxl cannot write cached values for formulas or alt text for charts; ``save`` adds both to the
package afterwards (``boardbook.ooxml.patch_package``), so every reader sees numbers.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import cast

import openpyxl
import python_calamine as pc
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from boardbook.atomic import atomic_path
from boardbook.book.base import ChartSpec, ColumnFormat, Formula, Highlight, ScatterSpec, TableData, Value
from boardbook.book.fast import reading
from boardbook.book.sheetrows import StreamedRows, row_height, splice, strip_rows
from boardbook.errors import Location, WorkbookError
from boardbook.ooxml import parse_ref, patch_package, table_parts
from boardbook.package import open_package
from boardbook.textsafe import clean_text


def put(cell, value: Value) -> None:
    """Place a value; text always stays text (never a formula), cleaned of characters Excel refuses."""
    if isinstance(value, Formula):
        cell.value = value.stored
        return
    if value == "":
        cell.value = None  # an empty cell, not openpyxl's <c t="inlineStr"/> (which some readers reject)
        return
    if isinstance(value, str):
        cell._value = clean_text(value)  # already clean: skip openpyxl's second pass over it
        cell.data_type = "s"  # openpyxl would otherwise read "=..." as a formula
        return
    if isinstance(value, float) and not math.isfinite(value):
        cell.value = "#NUM!"  # openpyxl would write "nan", which Excel refuses; an error value is honest
        return
    cell.value = value


def cell_value(cell) -> Value:
    return cell.value


TOP = Alignment(vertical="top")


def column_width(ws: Worksheet, col: int) -> float:
    return ws.column_dimensions[get_column_letter(col)].width or 10


def fit_row_height(ws: Worksheet, row: int, columns: Sequence[int]) -> None:
    """Make a row tall enough for the wrapped text in ``columns`` (LibreOffice will not grow it itself)."""
    ws.row_dimensions[row].height = row_height((ws.cell(row, col).value, column_width(ws, col)) for col in columns)


@dataclass
class _Deferred:
    """A table's data rows after the first, kept as values until ``save`` streams them into the sheet."""

    sheet: str
    first_row: int  # the table's first data row (ordinary cells, styled per column)
    first_col: int
    width: int  # the table's columns
    rows: list[Sequence[Value]]

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows)


class OpenpyxlBook:
    """A workbook file (or a new in-memory workbook) behind the Book port."""

    def __init__(self, workbook: Workbook, path: Path | None = None):
        self.wb = workbook
        self.path = path
        self._cached: dict[str, dict[str, Value]] = {}
        self._alt_texts: dict[str, dict[str, str]] = {}  # sheet -> anchor -> alt text
        self._deferred: dict[str, _Deferred] = {}  # table name -> its rows after the first, not yet cells
        self._dropped: dict[str, tuple[str, int, int]] = {}  # table -> (sheet, rows) left out, to be rewritten

    @classmethod
    def open(cls, path: str | Path, *, replacing: Sequence[str] = (), rereading: Sequence[str] = ()) -> OpenpyxlBook:
        """Open a workbook file.

        For a summary being collated again, openpyxl can load it without the big tables' rows (a fraction
        of the time and memory): ``replacing`` names tables the caller will rewrite without reading
        (their rows after the first are left out; reading them, or saving before rewriting them, is
        refused), ``rereading`` tables it will read and then rewrite (those rows are read with
        python-calamine and kept as values). A table whose rows hold anything else (notes typed beside
        it, hidden rows, formulas or errors where values are read) is loaded in full as usual.
        """
        p = Path(path)
        held: dict[str, _Deferred] = {}
        dropped: dict[str, tuple[str, int, int]] = {}
        source: io.BytesIO | Path
        try:
            if replacing or rereading:
                source, held, dropped = _without_rows(p, replacing, rereading)
            else:
                source = p
            wb = openpyxl.load_workbook(source, rich_text=False)
        except FileNotFoundError:
            raise WorkbookError("file not found", Location(str(p))) from None
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
            raise WorkbookError(f"not a readable .xlsx workbook ({exc})", Location(str(p))) from None
        book = cls(wb, p)
        book._deferred.update(held)
        book._dropped.update(dropped)
        return book

    # -- tables ---------------------------------------------------------------------------------
    def _table(self, name: str) -> tuple[Worksheet, Table]:
        for ws in self.wb.worksheets:
            if name in ws.tables:
                return ws, ws.tables[name]
        raise WorkbookError(f"table '{name}' not found", Location(str(self.path or "")))

    def table_names(self) -> list[str]:
        return [n for ws in self.wb.worksheets for n in ws.tables]

    def table_position(self, name: str) -> tuple[str, int, int]:
        ws, table = self._table(name)
        c1, r1, _c2, _r2 = _bounds(table.ref)
        return ws.title, r1, c1

    def read_table(self, name: str) -> TableData:
        ws, table = self._table(name)
        if name in self._dropped:
            raise RuntimeError(f"table '{name}' was opened for replacing: its rows were not read")
        held = self._deferred.get(name)
        if held is not None and any(isinstance(v, Formula) for row in held.rows for v in row):
            self._materialise(name)  # formulas read as cells do: their text (the cached value is kept too)
            held = None
        c1, r1, c2, r2 = _bounds(table.ref)
        last = held.first_row if held is not None else r2
        rows = [[cell_value(c) for c in row] for row in ws.iter_rows(min_row=r1, max_row=last, min_col=c1, max_col=c2)]
        if held is not None:
            width = c2 - c1 + 1
            rows += [[*row[:width], *[None] * (width - len(row))] for row in held.rows]
        headers = ["" if v is None else str(v) for v in rows[0]]
        return TableData(name, ws.title, headers, rows[1:], r1, c1, lambda: self.number_formats(name))

    def number_formats(self, name: str) -> dict[tuple[int, int], str]:
        ws, table = self._table(name)
        c1, r1, c2, r2 = _bounds(table.ref)
        held = self._deferred.get(name)
        last = held.first_row if held is not None else r2  # rows still held in memory were written as values
        out: dict[tuple[int, int], str] = {}
        for i, row in enumerate(ws.iter_rows(min_row=r1 + 1, max_row=last, min_col=c1, max_col=c2)):
            for j, cell in enumerate(row):
                code = cell.number_format or "General"  # None on an empty cell of a read-only sheet
                if code != "General":
                    out[(i, j)] = code
        return out

    def write_table(
        self,
        name: str,
        rows: Sequence[Sequence[Value]],
        *,
        headers: Sequence[str] | None = None,
        formats: Mapping[str, ColumnFormat] | None = None,
    ) -> None:
        ws, table = self._table(name)
        c1, r1, c2, r2 = _bounds(table.ref)
        old_headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
        headers = list(headers) if headers is not None else [str(h) for h in old_headers]
        width = len(headers)
        # A column keeps the look of its first data row (as Excel extends a table) unless its header
        # changed or a format is given; then it starts from General.
        first_cells = {
            h: ws.cell(r1 + 1, c1 + j)
            for j, h in enumerate(headers)
            if j < len(old_headers) and str(old_headers[j]) == h and r2 > r1
        }
        # (the stubs type a copied style as its StyleProxy; openpyxl's StyleProxy.__copy__ copies the target)
        inherited: dict[str, tuple[str, Alignment, Protection]] = {
            h: (cell.number_format, copy(cell.alignment), copy(cell.protection))  # type: ignore[misc]
            for h, cell in first_cells.items()
        }
        self._deferred.pop(name, None)
        self._dropped.pop(name, None)
        last_row = r1 + max(1, len(rows))
        right = max(c2, c1 + width - 1)
        for c in range(c1 + width, right + 1):  # header cells of dropped columns
            ws.cell(r1, c).value = None
        for c in range(c1, right + 1):  # the first data row keeps its cells (their look is the column's)
            ws.cell(r1 + 1, c).value = None
        _delete_rows(ws, r1 + 2, max(r2, last_row), c1, right)  # nothing stale below it
        first_header = ws.cell(r1, c1)
        for j, h in enumerate(headers):
            cell = ws.cell(r1, c1 + j)
            put(cell, h)
            if j >= len(old_headers) and first_header.has_style:  # new columns look like the others
                # (the stubs type a copied style as its StyleProxy; openpyxl's StyleProxy.__copy__ copies the target)
                cell.font, cell.fill = copy(first_header.font), copy(first_header.fill)  # type: ignore[assignment]
                cell.alignment = copy(first_header.alignment)  # type: ignore[assignment]
        styles = self._styles(headers, formats or {}, inherited)
        # Style the first data row through openpyxl's (slow) setters: its cells' style is each column's.
        for j, (number_format, alignment, protection) in enumerate(styles):
            cell = ws.cell(r1 + 1, c1 + j)
            cell.number_format = number_format
            cell.alignment = alignment
            if protection is not None:
                cell.protection = protection
        if rows:
            self._place(ws, r1 + 1, c1, width, rows[:1])
        if len(rows) > 1:  # the rest become cells only if something needs them (see save)
            self._deferred[name] = _Deferred(ws.title, r1 + 1, c1, width, list(rows[1:]))
        ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c1 + width - 1)}{last_row}"
        table.ref = ref
        if table.autoFilter is not None:
            table.autoFilter.ref = ref
        if [str(h) for h in old_headers] != headers or len(table.tableColumns) != width:
            table.tableColumns = [TableColumn(id=k, name=h) for k, h in enumerate(headers, start=1)]

    def _place(
        self,
        ws: Worksheet,
        style_row: int,
        c1: int,
        width: int,
        rows: Sequence[Sequence[Value]],
        start: int | None = None,
    ) -> None:
        """Write rows as cells from ``start`` (default ``style_row``), each column styled like ``style_row``'s."""
        start = style_row if start is None else start
        cached = self._cached.setdefault(ws.title, {})
        # a cell's style array is private to openpyxl, which its stubs leave out
        column_style = [ws.cell(style_row, c1 + j)._style for j in range(width)]  # type: ignore[union-attr]
        for i, row in enumerate(rows, start=start):
            for j, value in enumerate(row):
                cell = ws.cell(i, c1 + j)
                put(cell, value)
                if isinstance(value, Formula):
                    cached[cell.coordinate] = value.value
                if j < width and i != style_row:
                    cell._style = copy(column_style[j])  # type: ignore[union-attr]
        wrapped = self._wrapped(ws, style_row, c1, width)
        if wrapped:
            for i in range(start, start + len(rows)):
                fit_row_height(ws, i, wrapped)

    @staticmethod
    def _wrapped(ws: Worksheet, style_row: int, c1: int, width: int) -> list[int]:
        return [c1 + j for j in range(width) if ws.cell(style_row, c1 + j).alignment.wrap_text]

    def _materialise(self, name: str) -> None:
        """Turn a table's deferred rows into ordinary cells: something is about to read or share them."""
        d = self._deferred.pop(name, None)
        if d is not None:
            self._place(self.wb[d.sheet], d.first_row, d.first_col, d.width, d.rows, start=d.first_row + 1)

    def _crowded(self, name: str) -> bool:
        """True when something else occupies a deferred table's rows, so they cannot be streamed in."""
        d = self._deferred[name]
        ws = self.wb[d.sheet]
        lo, hi = d.first_row + 1, d.last_row
        return (
            any(lo <= r <= hi for r, _c in ws._cells)
            or any(lo <= r <= hi for r in ws.row_dimensions)
            or any(
                o.sheet == d.sheet and o.first_row <= hi and d.first_row <= o.last_row
                for other, o in self._deferred.items()
                if other != name
            )
        )

    def _streamed(self) -> dict[str, list[StreamedRows]]:
        """The deferred rows of every table, as blocks for ``sheetrows.splice`` (crowded ones become cells)."""
        if self._dropped:
            raise RuntimeError(
                f"tables {sorted(self._dropped)} were opened for replacing but not rewritten: "
                "saving would lose their rows"
            )
        while crowded := [n for n in self._deferred if self._crowded(n)]:
            self._materialise(crowded[0])
        out: dict[str, list[StreamedRows]] = {}
        for d in self._deferred.values():
            ws = self.wb[d.sheet]
            wrapped = [
                (col - d.first_col, column_width(ws, col))
                for col in self._wrapped(ws, d.first_row, d.first_col, d.width)
            ]
            heights = [row_height((row[j], w) for j, w in wrapped if j < len(row)) for row in d.rows]
            out.setdefault(d.sheet, []).append(StreamedRows(d.first_row, d.first_col, d.rows, heights))
        return out

    @staticmethod
    def _styles(
        headers: Sequence[str],
        formats: Mapping[str, ColumnFormat],
        inherited: Mapping[str, tuple[str, Alignment, Protection]],
    ) -> list[tuple[str, Alignment, Protection | None]]:
        out = []
        for h in headers:
            f = formats.get(h)
            if f is not None:
                out.append(
                    (
                        f.number_format or "General",
                        Alignment(wrap_text=True, vertical="top") if f.wrap else TOP,
                        inherited[h][2] if h in inherited else None,
                    )
                )
            elif h in inherited:
                out.append(inherited[h])
            else:
                out.append(("General", TOP, None))
        return out

    @staticmethod
    def _headers(ws: Worksheet, table: Table) -> list[str]:
        c1, r1, c2, _r2 = _bounds(table.ref)
        return ["" if ws.cell(r1, c).value is None else str(ws.cell(r1, c).value) for c in range(c1, c2 + 1)]

    def _column_range(self, table: str, column: str) -> tuple[Worksheet, str]:
        ws, t = self._table(table)
        c1, r1, _c2, r2 = _bounds(t.ref)
        headers = self._headers(ws, t)
        if column not in headers:
            raise WorkbookError(f"table '{table}' has no column '{column}'", Location(str(self.path or ""), ws.title))
        col = get_column_letter(c1 + headers.index(column))
        return ws, f"{col}{r1 + 1}:{col}{max(r2, r1 + 1)}"

    # -- defined names --------------------------------------------------------------------------
    def _name_cell(self, name: str):
        dn = self.wb.defined_names.get(name)
        ref = parse_ref(dn.attr_text) if dn is not None else None
        if ref is None or ref[0] not in self.wb.sheetnames:
            raise WorkbookError(
                f"defined name '{name}' not found (or does not name one cell)", Location(str(self.path or ""))
            )
        cell = self.wb[ref[0]][ref[1]]
        for table, (sheet, first, last) in self._dropped.items():
            if sheet == ref[0] and first <= cell.row <= last:
                raise RuntimeError(f"defined name '{name}' points into rows of table '{table}' that were left out")
        for table, d in list(self._deferred.items()):
            if d.sheet == ref[0] and d.first_row < cell.row <= d.last_row:
                self._materialise(table)
        return cell

    def get_name(self, name: str) -> Value:
        return self._name_cell(name).value

    def set_name(self, name: str, value: Value) -> None:
        cell = self._name_cell(name)
        put(cell, value)
        if isinstance(value, Formula):
            self._cached.setdefault(cell.parent.title, {})[cell.coordinate] = value.value

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def add_table(self, sheet: str, name: str, headers: Sequence[str], *, hidden: bool = False) -> None:
        if name in self.table_names() or sheet in self.wb.sheetnames:
            raise WorkbookError(
                f"cannot add table '{name}' on sheet '{sheet}': it already exists",
                Location(str(self.path or ""), sheet),
            )
        ws = self.wb.create_sheet(sheet)
        for j, header in enumerate(headers, start=1):
            put(ws.cell(1, j), header)
            ws.cell(1, j).font = Font(bold=True)
        table = Table(displayName=name, ref=f"A1:{get_column_letter(len(headers))}2")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
        if hidden:
            ws.sheet_state = "hidden"

    def defined_names(self) -> list[str]:
        return list(self.wb.defined_names)

    def name_address(self, name: str) -> tuple[str, str]:
        cell = self._name_cell(name)
        return cell.parent.title, cell.coordinate

    def define_name(self, name: str, sheet: str, cell: str) -> None:
        """Create (or move) a workbook-scoped name pointing at one cell."""
        col = "".join(ch for ch in cell if ch.isalpha())
        row = cell[len(col) :]
        quoted = "'" + sheet.replace("'", "''") + "'"
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"{quoted}!${col}${row}")

    # -- validation, conditional formats, charts ------------------------------------------------
    def set_choices(self, table: str, column: str, choices: Sequence[str], *, strict: bool = True) -> None:
        ws, rng = self._column_range(table, column)
        keep = [dv for dv in ws.data_validations.dataValidation if not _touches(str(dv.sqref), {_column_of(rng)})]
        ws.data_validations.dataValidation = keep
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "information",
            errorTitle="Not on the list",
            error="Choose one of: " + ", ".join(choices) + ("" if strict else " (or keep what you typed)"),
            promptTitle=column,
            prompt="Choose from the list",
            showInputMessage=True,
        )
        dv.add(rng)
        ws.add_data_validation(dv)

    def highlight(self, table: str, columns: Sequence[str], highlights: Sequence[Highlight]) -> None:
        ranges = [self._column_range(table, c) for c in columns]
        if not ranges:
            return
        ws = ranges[0][0]
        targets = {rng for _ws, rng in ranges}
        cols = {_column_of(rng) for rng in targets}
        kept = ConditionalFormattingList()
        for cf in ws.conditional_formatting:
            sq = str(cf.sqref)
            if _touches(sq, cols):
                continue
            for rule in cf.rules:
                kept.add(sq, rule)
        ws.conditional_formatting = kept
        for rng in sorted(targets):
            for h in highlights:
                quoted = '"' + h.text.replace('"', '""') + '"'
                ws.conditional_formatting.add(
                    rng,
                    CellIsRule(
                        operator="equal",
                        formula=[quoted],
                        fill=PatternFill(fill_type="solid", start_color=h.fill, end_color=h.fill, bgColor=h.fill),
                        font=Font(color=h.font),
                    ),
                )

    def add_chart(self, spec: ChartSpec) -> None:
        if spec.sheet not in self.wb.sheetnames:
            raise WorkbookError(f"sheet '{spec.sheet}' not found", Location(str(self.path or "")))
        ws = cast(Worksheet, self.wb[spec.sheet])  # charts go on worksheets; the stubs' sheet union does not narrow
        tws, t = self._table(spec.table)
        headers = self._headers(tws, t)
        c1, r1, _c2, last = _bounds(t.ref)
        chart = BarChart()
        chart.type = "bar" if spec.kind == "bar" else "col"
        if spec.stacked:
            chart.grouping = "stacked"
            chart.overlap = 100
        chart.title = spec.title
        chart.x_axis.title = spec.x_title or None
        chart.y_axis.title = spec.y_title or None
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.width, chart.height = spec.width_cm, spec.height_cm  # type: ignore[assignment]  # cm, floats welcome
        cat_col = c1 + headers.index(spec.categories)
        for name in spec.series:
            col = c1 + headers.index(name)
            chart.add_data(Reference(tws, min_col=col, min_row=r1, max_row=last), titles_from_data=True)
            colour = spec.colours.get(name)
            if colour:
                s = chart.series[-1]
                s.graphicalProperties.solidFill = colour
                s.graphicalProperties.line.solidFill = "FFFFFF"
        # after the series: openpyxl gives the categories only to the series the chart already holds
        chart.set_categories(Reference(tws, min_col=cat_col, min_row=r1 + 1, max_row=last))
        # re-fill replaces (openpyxl keeps a sheet's charts in a private list, which its stubs leave out)
        charts = ws._charts  # type: ignore[attr-defined]
        ws._charts = [c for c in charts if _anchor_cell(c) != spec.anchor]  # type: ignore[attr-defined]
        ws.add_chart(chart, spec.anchor)
        self._alt_texts.setdefault(ws.title, {})[spec.anchor] = spec.alt_text

    def add_scatter(self, spec: ScatterSpec) -> None:
        from boardbook.book.openpyxl_scatter import draw_scatter  # it builds on this module

        draw_scatter(self, spec)

    def mark_problems(self, problems: Sequence[tuple[str, str, str]]) -> None:
        """Put each problem's message in a comment on its cell (replacing earlier boardbook comments)."""
        for ws in self.wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.comment is not None and cell.comment.text.startswith("boardbook:"):
                        cell.comment = None
        for sheet, address, message in problems:
            if sheet in self.wb.sheetnames and address:
                self.wb[sheet][address].comment = Comment("boardbook: " + message, "boardbook")

    # -- save -----------------------------------------------------------------------------------
    def save(self, path: str | Path | None = None, *, backup: bool = False) -> Path:
        target = Path(path) if path is not None else self.path
        if target is None:
            raise WorkbookError("no path to save to")
        streamed = self._streamed()
        with atomic_path(target, backup=backup) as tmp:
            raw = tmp.with_name(tmp.name + ".raw")
            try:
                self.wb.save(raw)
                alt_texts = {
                    ws.title: [by_anchor.get(_anchor_cell(c), "") for c in ws._charts]  # type: ignore[attr-defined]
                    for ws in self.wb.worksheets
                    if (by_anchor := self._alt_texts.get(ws.title))
                }
                rewrite = {sheet: partial(splice, blocks=blocks) for sheet, blocks in streamed.items()}
                patch_package(str(raw), str(tmp), self._formula_values(), alt_texts, rewrite)
            finally:
                raw.unlink(missing_ok=True)
        self.path = target
        return target

    def _formula_values(self) -> dict[str, dict[str, Value]]:
        """Sheet -> {cell: cached value} of the cells that hold a formula now (``patch_package`` insists on finding
        every one); cells written over or cleared since their formula was placed drop out."""
        out: dict[str, dict[str, Value]] = {}
        for sheet, cached in self._cached.items():
            cells = getattr(self.wb[sheet], "_cells", {}) if sheet in self.wb.sheetnames else {}
            live = {}
            for coord, value in cached.items():
                cell = cells.get(coordinate_to_tuple(coord))
                if cell is not None and cell.data_type == "f":
                    live[coord] = value
            if live:
                out[sheet] = live
        return out


def _without_rows(
    path: Path, replacing: Sequence[str], rereading: Sequence[str]
) -> tuple[io.BytesIO, dict[str, _Deferred], dict[str, tuple[str, int, int]]]:
    """The package at ``path`` without the rows (after the first) of the tables named, for openpyxl;
    the values of the ``rereading`` ones; and where the ``replacing`` ones' rows were.

    A table keeps its rows in the package whenever ``sheetrows.strip_rows`` finds it unsafe to take
    them out, or calamine cannot read them or reads a different number of rows than its ref says.
    """
    data = path.read_bytes()
    zin = zipfile.ZipFile(io.BytesIO(data))
    located = table_parts(zin)
    values = None
    parts: dict[str, str] = {}
    held: dict[str, _Deferred] = {}
    dropped: dict[str, tuple[str, int, int]] = {}
    for name in (*replacing, *rereading):
        if name not in located:
            continue
        sheet, part, ref = located[name]
        c1, r1, c2, r2 = _bounds(ref)
        if r2 <= r1 + 1:
            continue  # no rows after the first
        read = name in rereading
        xml = parts.get(part) or zin.read(part).decode("utf-8")
        stripped = strip_rows(xml, r1 + 2, r2, c1, c2, values_read=read)
        if stripped is None:
            continue
        if read:
            try:
                with reading(path):
                    # a stray keystroke in the summary's last cell must not make calamine build the whole sheet
                    # (it aborts): a table over the allowance is left to openpyxl, which reads cells sparsely
                    open_package(path).check_table(name)
                    values = values or pc.CalamineWorkbook.from_filelike(io.BytesIO(data), load_tables=True)
                    rows = values.get_table_by_name(name).to_python()
            except WorkbookError:
                continue  # openpyxl gets the whole table and says what it makes of it
            if len(rows) != r2 - r1:
                continue
            held[name] = _Deferred(sheet, r1 + 1, c1, c2 - c1 + 1, [[_as_openpyxl(v) for v in row] for row in rows[1:]])
        else:
            dropped[name] = (sheet, r1 + 2, r2)
        parts[part] = stripped
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:  # only openpyxl reads it, at once
        for info in zin.infolist():
            zout.writestr(
                info.filename,
                parts[info.filename].encode("utf-8") if info.filename in parts else zin.read(info.filename),
            )
    out.seek(0)
    return out, held, dropped


def _as_openpyxl(value: Value) -> Value:
    """A value as python-calamine reads it, as openpyxl would: blanks None, whole numbers int."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _delete_rows(ws: Worksheet, lo: int, hi: int, c1: int, c2: int) -> None:
    """Clear rows ``lo``..``hi``, columns ``c1``..``c2``: cells and plain row heights go.

    What people put there themselves — a note or link on a cell, a hidden or grouped row — stays (its
    cell emptied), which keeps the table's rows as ordinary cells when it is written (see ``_crowded``).
    """
    if hi < lo:
        return
    if (hi - lo + 1) * (c2 - c1 + 1) < len(ws._cells):
        keys = [(r, c) for r in range(lo, hi + 1) for c in range(c1, c2 + 1) if (r, c) in ws._cells]
    else:
        keys = [k for k in ws._cells if lo <= k[0] <= hi and c1 <= k[1] <= c2]
    for key in keys:
        cell = ws._cells[key]
        if cell.comment is not None or cell.hyperlink is not None:
            cell.value = None
        else:
            del ws._cells[key]
    for r in [r for r, dim in ws.row_dimensions.items() if lo <= r <= hi and not (dim.hidden or dim.outlineLevel)]:
        del ws.row_dimensions[r]


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """First column, first row, last column, last row of a table's ref (always a whole range, "A1:D9")."""
    c1, r1, c2, r2 = range_boundaries(ref)
    assert c1 is not None and r1 is not None and c2 is not None and r2 is not None, ref
    return c1, r1, c2, r2


def _column_of(rng: str) -> str:
    """Column letters of the first cell of a range: "C2:C30" -> "C"."""
    return "".join(ch for ch in rng.split(":")[0] if ch.isalpha())


def _touches(sqref: str, columns: set[str]) -> bool:
    """True when any range of a (space-separated) sqref starts in one of ``columns``: a rule we own."""
    return any(_column_of(part) in columns for part in sqref.split())


def _anchor_cell(chart) -> str:
    anchor = chart.anchor
    if isinstance(anchor, str):
        return anchor
    try:
        return f"{get_column_letter(anchor._from.col + 1)}{anchor._from.row + 1}"
    except AttributeError:
        return ""
