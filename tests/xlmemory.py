"""An in-memory xlwings engine, so the xlwings backend runs in tests without Excel (not a test module).

xlwings' public objects (``xw.App``, ``xw.Book``, ``xw.Range``, ``xw.Table``, ``xw.Chart`` ...) wrap the
"impl" objects of an engine (``xlwings/base_classes.py`` describes them). This module is such an engine, for
the part of the interface boardbook's ``XlwingsBook`` uses. Tests get real ``xlwings.Book`` objects::

    with memory_app() as app:
        book = open_memory_book(path, app)      # an xw.Book; XlwingsBook(book) drives it
        ...
        book.save()                             # writes a real .xlsx, read back with openpyxl / calamine
        status_bar_history(app)                 # every value app.status_bar was set to
        chart_models(book.sheets["Chart"])      # the engine's records of a sheet's charts

For the port's tests: ``open_xlwings(request, path)`` (an ``XlwingsBook`` on the engine, or on a real Excel
with ``BOARDBOOK_REAL_EXCEL=1``), and ``chart_frames`` / ``chart_parts`` to read charts out of a saved file.

Model: a book is an openpyxl ``Workbook`` loaded from the file, so saving writes a real package. Where a
test could notice, Excel's semantics are followed:

* Values read: numbers come back as float, dates as datetime, empty cells as None, error cells as None
  (their text with ``err_to_str``), one cell as a scalar and a block as rows (xlwings does the shaping).
* Formulas: the engine cannot calculate. Reading a formula cell gives the value cached in the file it
  opened, while that formula has not been rewritten; otherwise None. Saved files carry the formulas without
  cached values (Excel would compute and store them).
* Values written: text starting with ' is stored without it (the cell gets Excel's quote prefix); text
  starting with = (more than "=") becomes a formula; text Excel reads as a number, a percentage or
  TRUE/FALSE becomes one; other text starting with + - @ becomes the formula Excel would make of it (so
  unprotected text is visibly lost, as in Excel). Text that looks like a date is NOT converted (Excel
  would, by its locale). A 2-D list fills a block from the top-left cell; a scalar fills the whole range.
  A datetime gets a date format if the cell was General.
* Tables (ListObjects): resize changes the ref (header row fixed, no overlap with other tables); empty
  header cells get Excel's "ColumnN"; table column names follow the header cells (synchronised on resize
  and save).
* Charts are records (``ChartModel``: type, title, axes, legend, series with their references and
  formatting). On save each is written as an openpyxl chart at the cell under its top-left corner, with its
  alt text in the drawing's ``cNvPr descr``. Charts already in the file are kept as openpyxl read them.
* ``.api`` returns small native-like objects with exactly the members boardbook calls where xlwings
  has no wrapper (``Validation``; ``Shapes(name).AlternativeText``; a chart's ``SeriesCollection().NewSeries``
  with ``Name``/``XValues``/``Values``, ``ApplyDataLabels``/``DataLabels()``, ``Format.Line.DashStyle`` and
  ``Legend.LegendEntries(i).Delete``; a book's ``Saved``, False once a range's values are written or cleared
  and True again when saved — formats, tables, names and charts changed are not tracked), applied to the
  openpyxl model. Any other member is an AttributeError: only real Excel proves those calls.

Not modelled (NotImplementedError or absent): calculation, multi-area ranges, pictures, shapes other than
charts, pivot tables, threaded comments, passwords, dialogs.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import numbers
import os
import posixpath
import re
import shutil
import sys
import tempfile
import weakref
import zipfile
from collections.abc import Iterator, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import openpyxl
import xlwings as xw
from defusedxml import ElementTree as SafeET
from openpyxl.cell.cell import MergedCell
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.chart.data_source import AxDataSource, NumRef, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import Legend, LegendEntry
from openpyxl.chart.marker import Marker
from openpyxl.chart.series import SeriesLabel
from openpyxl.comments import Comment
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from xlwings.base_classes import _UNSET

from boardbook.ooxml import patch_package, sheet_parts

if TYPE_CHECKING:
    import pytest

    from boardbook.book.xlwings_book import XlwingsBook

REAL_EXCEL = os.environ.get("BOARDBOOK_REAL_EXCEL") == "1" and sys.platform in ("win32", "darwin")
MAX_ROWS, MAX_COLS = 1_048_576, 16_384
AUTHOR = "xlmemory"
PT_PER_CM = 72 / 2.54


# -- public API ---------------------------------------------------------------------------------------------
@contextlib.contextmanager
def memory_app() -> Iterator[xw.App]:
    """A fresh in-memory "Excel" (an ``xw.App``); its books are closed on exit."""
    app = xw.App(impl=MemoryApp(ENGINE))
    try:
        yield app
    finally:
        app.quit()


def open_memory_book(path: str | os.PathLike[str], app: xw.App | None = None) -> xw.Book:
    """Open the .xlsx at ``path`` in ``app`` (a new in-memory app if None) as a real ``xlwings.Book``."""
    app = app if app is not None else xw.App(impl=MemoryApp(ENGINE))
    return app.books.open(str(path))


def status_bar_history(app: xw.App) -> list[str | bool]:
    """Every value ``app.status_bar`` was set to, in order (False: Excel took the status bar back)."""
    impl = app.impl
    assert isinstance(impl, MemoryApp), "not an in-memory app"
    return list(impl.status_bar_history)


def open_xlwings(request: pytest.FixtureRequest, path: Path) -> XlwingsBook:
    """``path`` open in "Excel" behind boardbook's xlwings backend, closed when the test ends: in the in-memory
    engine, or in a real Excel when ``BOARDBOOK_REAL_EXCEL=1`` on Windows or macOS."""
    from boardbook.book.xlwings_book import XlwingsBook

    if REAL_EXCEL:
        real = xw.App(visible=False, add_book=False)
        request.addfinalizer(real.quit)
        return XlwingsBook(real.books.open(str(path)))
    app = xw.App(impl=MemoryApp(ENGINE))
    request.addfinalizer(app.quit)
    return XlwingsBook(open_memory_book(path, app))


def chart_models(sheet: xw.Sheet) -> list[ChartModel]:
    """The engine's records of the charts on ``sheet``, in z-order (what Excel's ChartObjects hold)."""
    impl = sheet.impl
    assert isinstance(impl, MemorySheet), "not an in-memory sheet"
    return list(impl.state.charts)


class _Delegated:
    """An attribute kept on an inner model object (``top = _Delegated("model", "top", float)``): the many plain
    properties of Excel's objects, written once."""

    def __init__(self, holder: str, name: str, convert: Any = None) -> None:
        self.holder, self.name, self.convert = holder, name, convert

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        return self if obj is None else getattr(getattr(obj, self.holder), self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        setattr(getattr(obj, self.holder), self.name, self.convert(value) if self.convert else value)


# -- values -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CellError:
    """An error value in a cell (#N/A, #DIV/0! ...), as COM hands it over before xlwings cleans it."""

    text: str


_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def excel_parse(text: str) -> bool | int | float | None:
    """What Excel turns typed text into when it is a number, a percentage or TRUE/FALSE (en-US), else None."""
    t = text.strip()
    if t.upper() in ("TRUE", "FALSE"):
        return t.upper() == "TRUE"
    percent = t.endswith("%")
    body = t[:-1].strip() if percent else t
    if not body or not any(ch.isdigit() for ch in body) or not _NUMBER.fullmatch(body):
        return None
    plain = body.replace(",", "")
    value: int | float = float(plain) if any(ch in plain for ch in ".eE") else int(plain)
    return value / 100 if percent else value


def _as_excel(value: Any) -> Any:
    """A stored value as Excel's COM hands it over: numbers float, dates datetime."""
    if isinstance(value, bool) or value is None or isinstance(value, str | CellError):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, time):
        return datetime(1899, 12, 30, value.hour, value.minute, value.second, value.microsecond)
    return value


class MemoryEngine:
    """The engine: xlwings asks it how to clean values read and prepare values written."""

    name = "memory"
    type = "desktop"  # behaves like a desktop Excel (no chunking, scalars fill ranges)

    def __init__(self) -> None:
        self._apps: weakref.WeakSet[MemoryApp] = weakref.WeakSet()

    @property
    def apps(self) -> MemoryApps:
        return MemoryApps(self)

    @staticmethod
    def prepare_xl_data_element(x: Any, options: Any = None) -> Any:
        if x is None:
            return ""
        if isinstance(x, float) and math.isnan(x):
            return ""
        if type(x).__module__ == "numpy":
            return x.item()
        if isinstance(x, date) and not isinstance(x, datetime):
            return datetime(x.year, x.month, x.day)
        return x

    @staticmethod
    def clean_value_data(
        data: Sequence[Sequence[Any]], datetime_builder: Any, empty_as: Any, number_builder: Any, err_to_str: bool
    ) -> list[list[Any]]:
        def clean(v: Any) -> Any:
            if v is None or v == "":
                return empty_as
            if isinstance(v, CellError):
                return v.text if err_to_str else None
            if isinstance(v, datetime):
                return datetime_builder(
                    year=v.year,
                    month=v.month,
                    day=v.day,
                    hour=v.hour,
                    minute=v.minute,
                    second=v.second,
                    microsecond=v.microsecond,
                    tzinfo=None,
                )
            if number_builder is not None and isinstance(v, float):
                return number_builder(v)
            return v

        return [[clean(v) for v in row] for row in data]


ENGINE = MemoryEngine()


class MemoryApps:
    def __init__(self, engine: MemoryEngine):
        self.engine = engine

    def keys(self) -> list[int]:
        return [a.pid for a in self.engine._apps]

    def add(self, spec: Any = None, add_book: Any = None, xl: Any = None, visible: Any = None) -> MemoryApp:
        app = MemoryApp(self.engine)
        if add_book:
            app.books.add()
        return app

    def __iter__(self) -> Iterator[MemoryApp]:
        return iter(list(self.engine._apps))

    def __len__(self) -> int:
        return len(self.engine._apps)

    def __getitem__(self, pid: int) -> MemoryApp:
        for app in self.engine._apps:
            if app.pid == pid:
                return app
        raise KeyError(pid)


class MemoryApp:
    """An "Excel instance": its books, and the application properties xlwings reads and sets."""

    _pids = itertools.count(90_001)

    def __init__(self, engine: MemoryEngine):
        self.engine = engine
        self.pid = next(self._pids)
        self.books = MemoryBooks(self)
        self.status_bar_history: list[str | bool] = []
        self._status_bar: str | bool = False
        self.display_alerts = True
        self.screen_updating = True
        self.enable_events = True
        self.interactive = True
        self.visible = False
        self.calculation = "automatic"
        self.cut_copy_mode: str | bool = False
        self.version = "16.0"
        self.path = ""
        self.startup_path = ""
        self.hwnd = None
        self.selection = None
        engine._apps.add(self)

    api = None

    @property
    def status_bar(self) -> str | bool:
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        self._status_bar = value
        self.status_bar_history.append(value)

    def activate(self, steal_focus: bool = False) -> None:
        pass

    def calculate(self) -> None:
        raise NotImplementedError("the in-memory engine cannot calculate formulas")

    def quit(self) -> None:
        for book in list(self.books):
            book.close()
        self.engine._apps.discard(self)

    kill = quit

    def run(self, macro: str, args: Any) -> Any:
        raise NotImplementedError("the in-memory engine runs no macros")

    def alert(self, *args: Any) -> Any:
        raise NotImplementedError("the in-memory engine shows no dialogs")


class MemoryBooks:
    def __init__(self, app: MemoryApp):
        self.app = app
        self._books: list[MemoryBook] = []
        self._new = itertools.count(1)

    api = None

    @property
    def active(self) -> MemoryBook:
        return self._books[-1]

    def __call__(self, name_or_index: int | str) -> MemoryBook:
        if isinstance(name_or_index, numbers.Integral):
            return self._books[int(name_or_index) - 1]
        for book in self._books:
            if book.name.lower() == str(name_or_index).lower():
                return book
        raise KeyError(name_or_index)

    def __len__(self) -> int:
        return len(self._books)

    def __iter__(self) -> Iterator[MemoryBook]:
        return iter(list(self._books))

    def add(self) -> MemoryBook:
        wb = openpyxl.Workbook()
        name = f"Book{next(self._new)}"
        book = MemoryBook(self.app, wb, name, {})
        self._books.append(book)
        return book

    def open(self, fullname: str, *args: Any, **kwargs: Any) -> MemoryBook:
        path = Path(fullname)
        wb = openpyxl.load_workbook(path, rich_text=False, keep_vba=path.suffix.lower() == ".xlsm")
        values = openpyxl.load_workbook(path, data_only=True, rich_text=False)
        cached: dict[tuple[int, int, int], Any] = {}
        for ws in wb.worksheets:
            for (r, c), cell in ws._cells.items():
                if _is_formula(cell):
                    cached[(id(ws), r, c)] = values[ws.title].cell(r, c).value
        book = MemoryBook(self.app, wb, str(path.resolve()), cached)
        book._alt_texts_read = _frame_descrs(path)
        self._books.append(book)
        return book


def _is_formula(cell: Any) -> bool:
    return cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula")


def _frame_descrs(path: Path) -> dict[str, list[str]]:
    """Sheet name -> alt text (cNvPr descr) of each chart frame in its drawing, in drawing order."""
    out: dict[str, list[str]] = {}
    ns = {
        "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
        "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    }
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for sheet, part in sheet_parts(zf).items():
            p = PurePosixPath(part)
            rels = str(p.parent / "_rels" / (p.name + ".rels"))
            if rels not in names:
                continue
            for rel in SafeET.fromstring(zf.read(rels)):
                if not rel.get("Type", "").endswith("/drawing"):
                    continue
                resolved = posixpath.normpath(str(p.parent / rel.get("Target", "")))
                if resolved not in names:
                    continue
                root = SafeET.fromstring(zf.read(resolved))
                texts = []
                for frame in root.iter(f"{{{ns['xdr']}}}graphicFrame"):
                    if frame.find(".//c:chart", ns) is None:
                        continue
                    nv = frame.find("xdr:nvGraphicFramePr/xdr:cNvPr", ns)
                    texts.append("" if nv is None else nv.get("descr", ""))
                out[sheet] = texts
    return out


# -- books and sheets ---------------------------------------------------------------------------------------
@dataclass
class _SheetState:
    """What the engine keeps beside an openpyxl worksheet: charts and conditional-format rules in order."""

    charts: list[ChartModel] = field(default_factory=list)
    chart_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    rules: list[_CfRule] = field(default_factory=list)


class MemoryBook:
    def __init__(self, app: MemoryApp, wb: openpyxl.Workbook, fullname: str, cached: dict[tuple[int, int, int], Any]):
        self.app = app
        self.wb = wb
        self.fullname = fullname
        self.cached = cached  # (id(ws), row, col) -> value cached in the file for an untouched formula cell
        self._states: dict[int, _SheetState] = {}
        self._alt_texts_read: dict[str, list[str]] = {}
        self.saved = True  # Excel's Workbook.Saved: False once a value is written, True again when saved

    @property
    def api(self) -> _NativeBook:
        return _NativeBook(self)

    @property
    def name(self) -> str:
        return os.path.basename(self.fullname)

    @property
    def sheets(self) -> MemorySheets:
        return MemorySheets(self)

    @property
    def names(self) -> MemoryNames:
        return MemoryNames(self)

    def sheet(self, ws: Worksheet) -> MemorySheet:
        return MemorySheet(self, ws)

    def state(self, ws: Worksheet) -> _SheetState:
        state = self._states.get(id(ws))
        if state is None:
            state = self._states[id(ws)] = _SheetState()
            sheet = self.sheet(ws)
            descrs = self._alt_texts_read.get(ws.title, [])
            for k, chart in enumerate(ws._charts):  # charts read from the file: kept as they are
                col, row = _anchor_from(chart)
                n = next(state.chart_ids)
                state.charts.append(
                    ChartModel(
                        name=f"Chart {n}",
                        left=sheet.col_left(col),
                        top=sheet.row_top(row),
                        width=float(chart.width) * PT_PER_CM,
                        height=float(chart.height) * PT_PER_CM,
                        alt_text=descrs[k] if k < len(descrs) else "",
                        loaded=chart,
                    )
                )
            state.rules = _read_rules(ws)
        return state

    def activate(self) -> None:
        pass

    def close(self) -> None:
        if self in self.app.books._books:
            self.app.books._books.remove(self)

    def save(self, path: str | None = None, password: str | None = None) -> None:
        if password:
            raise NotImplementedError("the in-memory engine writes no passwords")
        target = Path(path) if path else Path(self.fullname)
        if not target.is_absolute() and not path:
            target = Path.cwd() / (self.name + ".xlsx")
        if target.suffix.lower() not in (".xlsx", ".xlsm"):
            raise ValueError(f"the in-memory engine writes .xlsx/.xlsm only, not {target.suffix!r}")
        alt_texts: dict[str, list[str]] = {}
        for ws in self.wb.worksheets:
            sheet = self.sheet(ws)
            for table in list(ws.tables.values()):
                MemoryTable(sheet, table).sync_columns()
            state = self.state(ws)
            rendered = []
            for model in state.charts:
                chart = model.loaded if model.loaded is not None else _render(model, self.wb)
                if model.loaded is None:
                    chart.anchor = sheet.cell_at(model.left, model.top)
                rendered.append(chart)
            ws._charts = rendered
            alt_texts[ws.title] = [m.alt_text for m in state.charts]
        with tempfile.TemporaryDirectory() as tmp:
            raw, out = Path(tmp, "raw.xlsx"), Path(tmp, "out.xlsx")
            self.wb.save(raw)
            patch_package(str(raw), str(out), {}, alt_texts)
            shutil.copyfile(out, target)  # FileNotFoundError / PermissionError as Excel's SaveAs would fail
        self.saved = True
        if path:
            self.fullname = str(target.resolve())

    def json(self) -> Any:
        raise NotImplementedError

    def to_pdf(self, path: str, quality: str) -> None:
        raise NotImplementedError


class MemorySheets:
    def __init__(self, book: MemoryBook):
        self.book = book

    api = None

    @property
    def active(self) -> MemorySheet:
        return self.book.sheet(self.book.wb.active)

    def __call__(self, name_or_index: int | str) -> MemorySheet:
        worksheets = self.book.wb.worksheets
        if isinstance(name_or_index, numbers.Integral):
            if not 1 <= int(name_or_index) <= len(worksheets):
                raise IndexError(name_or_index)
            return self.book.sheet(worksheets[int(name_or_index) - 1])
        for ws in worksheets:
            if ws.title.lower() == str(name_or_index).lower():
                return self.book.sheet(ws)
        raise KeyError(name_or_index)

    def __len__(self) -> int:
        return len(self.book.wb.worksheets)

    def __iter__(self) -> Iterator[MemorySheet]:
        return iter([self.book.sheet(ws) for ws in self.book.wb.worksheets])

    def add(
        self, before: MemorySheet | None = None, after: MemorySheet | None = None, name: str | None = None
    ) -> MemorySheet:
        wb = self.book.wb
        if name is None:
            n = len(wb.worksheets) + 1
            while f"Sheet{n}".lower() in (t.lower() for t in wb.sheetnames):
                n += 1
            name = f"Sheet{n}"
        if before is not None:
            index = wb.worksheets.index(before.ws)
        elif after is not None:
            index = wb.worksheets.index(after.ws) + 1
        else:
            index = wb.worksheets.index(wb.active)  # Excel adds before the active sheet
        ws = wb.create_sheet(name, index)
        wb.active = ws
        return self.book.sheet(ws)


class MemorySheet:
    def __init__(self, book: MemoryBook, ws: Worksheet):
        self._book = book
        self.ws = ws

    @property
    def state(self) -> _SheetState:
        return self._book.state(self.ws)

    @property
    def api(self) -> _NativeSheet:
        return _NativeSheet(self)

    @property
    def name(self) -> str:
        return self.ws.title

    @name.setter
    def name(self, value: str) -> None:
        self.ws.title = value

    @property
    def names(self) -> MemoryNames:
        return MemoryNames(self._book, self)

    @property
    def book(self) -> MemoryBook:
        return self._book

    @property
    def index(self) -> int:
        return self._book.wb.worksheets.index(self.ws) + 1

    @property
    def visible(self) -> bool:
        return self.ws.sheet_state == "visible"

    @visible.setter
    def visible(self, value: bool) -> None:
        if not value and sum(ws.sheet_state == "visible" for ws in self._book.wb.worksheets) == 1 and self.visible:
            raise ValueError("Excel keeps at least one sheet visible")
        self.ws.sheet_state = "visible" if value else "hidden"

    def activate(self) -> None:
        self._book.wb.active = self.ws

    select = activate

    @property
    def tables(self) -> MemoryTables:
        return MemoryTables(self)

    @property
    def charts(self) -> MemoryCharts:
        return MemoryCharts(self)

    @property
    def notes(self) -> list[MemoryNote]:
        return [MemoryNote(self, r, c) for (r, c), cell in sorted(self.ws._cells.items()) if cell.comment]

    @property
    def cells(self) -> MemoryRange:
        return MemoryRange(self, 1, 1, MAX_ROWS, MAX_COLS)

    @property
    def used_range(self) -> MemoryRange:
        c1, r1, c2, r2 = range_boundaries(self.ws.dimensions)
        return MemoryRange(self, r1, c1, r2 - r1 + 1, c2 - c1 + 1)

    def clear_contents(self) -> None:
        self.used_range.clear_contents()

    # -- addressing -------------------------------------------------------------------------------------
    def range(self, arg1: Any, arg2: Any = None) -> MemoryRange:
        if isinstance(arg1, tuple) and len(arg1) == 4:
            row, col, nrows, ncols = arg1
            return MemoryRange(self, row, col, nrows, ncols)
        if isinstance(arg1, numbers.Integral) and isinstance(arg2, numbers.Integral):
            return self._cell(int(arg1), int(arg2))
        first = self._one(arg1)
        if arg2 is None:
            return first
        second = self._one(arg2)
        r1, c1 = min(first.row, second.row), min(first.column, second.column)
        r2 = max(first.row + first.nrows, second.row + second.nrows) - 1
        c2 = max(first.column + first.ncols, second.column + second.ncols) - 1
        return MemoryRange(self, r1, c1, r2 - r1 + 1, c2 - c1 + 1)

    def _cell(self, row: int, col: int) -> MemoryRange:
        if row < 1 or col < 1:
            raise IndexError("Attempted to access 0-based Range. xlwings/Excel Ranges are 1-based.")
        return MemoryRange(self, row, col, 1, 1)

    def _one(self, arg: Any) -> MemoryRange:
        if isinstance(arg, MemoryRange):
            if arg.sheet_impl.ws is not self.ws:
                raise ValueError("range on another sheet")
            return arg
        if isinstance(arg, tuple):
            return self._cell(*arg)
        return self._parse(str(arg))

    def _parse(self, address: str) -> MemoryRange:
        if "," in address:
            raise NotImplementedError("the in-memory engine has no multi-area ranges")
        if "!" in address:
            sheet, _, address = address.rpartition("!")
            if _unquote(sheet).lower() != self.ws.title.lower():
                raise ValueError(f"{sheet}!{address} is not on sheet {self.ws.title}")
        try:
            c1, r1, c2, r2 = range_boundaries(address.replace("$", ""))
        except ValueError:
            names = self._book.names
            if not names.contains(address):
                raise ValueError(f"not a range or a name: {address!r}") from None
            found = names(address).refers_to_range
            if found.sheet_impl.ws is not self.ws:
                raise ValueError(f"name {address!r} refers to another sheet") from None
            return found
        r1, r2 = r1 or 1, r2 or MAX_ROWS
        c1, c2 = c1 or 1, c2 or MAX_COLS
        return MemoryRange(self, r1, c1, r2 - r1 + 1, c2 - c1 + 1)

    # -- geometry (points), for chart positions -------------------------------------------------------
    def col_width(self, col: int) -> float:
        dims = self.ws.column_dimensions
        letter = get_column_letter(col)
        dim = (
            dims[letter]
            if letter in dims
            else next((d for d in dims.values() if d.min and d.max and d.min <= col <= d.max), None)
        )
        if dim is not None and dim.hidden:
            return 0.0
        width = dim.width if dim is not None and dim.width else self.ws.sheet_format.defaultColWidth
        if not width:
            return 48.0  # Excel's default column: 8.43 characters, 64 pixels
        return int((256 * width + 18) / 256 * 7) * 0.75  # characters -> pixels (Calibri 11) -> points

    def row_height(self, row: int) -> float:
        dims = self.ws.row_dimensions
        dim = dims.get(row)
        if dim is not None and dim.hidden:
            return 0.0
        if dim is not None and dim.ht:
            return float(dim.ht)
        return float(self.ws.sheet_format.defaultRowHeight or 15)

    def col_left(self, col: int) -> float:
        return sum(self.col_width(c) for c in range(1, col))

    def row_top(self, row: int) -> float:
        return sum(self.row_height(r) for r in range(1, row))

    def cell_at(self, left: float, top: float) -> str:
        """The A1 address of the cell under a point (where a chart's top-left corner sits)."""
        col, edge = 1, 0.0
        while edge + self.col_width(col) <= left + 0.01 and col < MAX_COLS:
            edge += self.col_width(col)
            col += 1
        row, edge = 1, 0.0
        while edge + self.row_height(row) <= top + 0.01 and row < MAX_ROWS:
            edge += self.row_height(row)
            row += 1
        return f"{get_column_letter(col)}{row}"

    # -- cells ----------------------------------------------------------------------------------------
    def read(self, row: int, col: int) -> Any:
        cell = self.ws._cells.get((row, col))
        if cell is None or isinstance(cell, MergedCell):
            return None
        if _is_formula(cell):
            return _as_excel(self._book.cached.get((id(self.ws), row, col)))
        if cell.data_type == "e":
            return CellError(str(cell.value))
        return _as_excel(cell.value)

    def write(self, row: int, col: int, value: Any) -> None:
        """Assign ``value`` to a cell as Excel's Range.Value does (see the module docstring)."""
        self._book.cached.pop((id(self.ws), row, col), None)
        self._book.saved = False
        cell = self.ws.cell(row, col)
        if isinstance(cell, MergedCell):
            raise ValueError(f"cannot change part of a merged cell ({cell.coordinate})")
        quote = False
        number_format = None
        old_format = cell.number_format  # openpyxl changes it for dates; Excel only when it was General
        general = old_format == "General"
        if value is None or value == "":
            cell.value = None
        elif isinstance(value, bool):
            cell.value = value
        elif isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError("Excel cannot hold an infinite number")
            cell.value = value
        elif isinstance(value, datetime | date):
            stamp = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
            cell.value = stamp
            number_format = "m/d/yyyy h:mm" if stamp.time() != time() else "m/d/yyyy"
        elif isinstance(value, time):
            cell.value = value
            number_format = "h:mm:ss"
        elif isinstance(value, str):
            if value.startswith("'"):
                text = value[1:]
                cell.value = text or None
                cell.data_type = "s"  # never a formula, whatever it starts with
                quote = bool(text)
            elif value.startswith("=") and len(value) > 1:
                cell.value = value
            elif (parsed := excel_parse(value)) is not None:
                cell.value = parsed
                if value.strip().endswith("%"):
                    number_format = "0%"
            elif value[0] in "+-@":
                cell.value = "=" + (value[1:] if value[0] == "@" else value)  # Excel makes a formula of it
            else:
                cell.value = value
        else:
            raise TypeError(f"Excel cannot hold a {type(value).__name__}")
        if number_format and general:
            cell.number_format = number_format
        elif cell.number_format != old_format:
            cell.number_format = old_format
        if bool(cell.quotePrefix) != quote:
            cell.quotePrefix = quote


def _unquote(sheet: str) -> str:
    return sheet[1:-1].replace("''", "'") if sheet.startswith("'") and sheet.endswith("'") else sheet


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _ref(sheet: str, r1: int, c1: int, r2: int, c2: int) -> str:
    first = f"${get_column_letter(c1)}${r1}"
    last = f"${get_column_letter(c2)}${r2}"
    return f"{_quote(sheet)}!{first}" + ("" if (r1, c1) == (r2, c2) else f":{last}")


def _parse_ref(ref: str) -> tuple[str, int, int, int, int]:
    """``'Sheet'!$A$1:$B$2`` (a leading = allowed) -> (sheet, min_col, min_row, max_col, max_row)."""
    ref = ref[1:] if ref.startswith("=") else ref
    sheet, _, cells = ref.rpartition("!")
    if not sheet:
        raise ValueError(f"reference without a sheet: {ref!r}")
    c1, r1, c2, r2 = range_boundaries(cells.replace("$", ""))
    return _unquote(sheet), c1, r1, c2, r2


# -- ranges -------------------------------------------------------------------------------------------------
class MemoryRange:
    max_cells_per_read = None
    max_cells_per_write = None

    def __init__(self, sheet: MemorySheet, row: int, col: int, nrows: int, ncols: int):
        self.sheet_impl = sheet
        self.row, self.column, self.nrows, self.ncols = row, col, nrows, ncols
        self.options: dict[str, Any] = {}

    @property
    def sheet(self) -> MemorySheet:
        return self.sheet_impl

    @property
    def api(self) -> _NativeRange:
        return _NativeRange(self)

    @property
    def coords(self) -> tuple[MemorySheet, int, int, int, int]:
        return self.sheet_impl, self.row, self.column, self.nrows, self.ncols

    def __len__(self) -> int:
        return self.nrows * self.ncols

    @property
    def shape(self) -> tuple[int, int]:
        return self.nrows, self.ncols

    def cells(self) -> Iterator[tuple[int, int]]:
        for r in range(self.row, self.row + self.nrows):
            for c in range(self.column, self.column + self.ncols):
                yield r, c

    def __call__(self, *args: int) -> MemoryRange:
        if len(args) == 1:
            k = args[0] - 1
            return self.sheet_impl._cell(self.row + k // self.ncols, self.column + k % self.ncols)
        if len(args) == 2:
            return self.sheet_impl._cell(self.row + args[0] - 1, self.column + args[1] - 1)
        raise ValueError("Invalid arguments")

    @property
    def raw_value(self) -> Any:
        if not len(self):
            return None
        rows = [
            [self.sheet_impl.read(r, c) for c in range(self.column, self.column + self.ncols)]
            for r in range(self.row, self.row + self.nrows)
        ]
        return rows[0][0] if self.shape == (1, 1) else rows

    @raw_value.setter
    def raw_value(self, data: Any) -> None:
        if isinstance(data, list | tuple):
            rows = [list(r) for r in data] if data and isinstance(data[0], list | tuple) else [list(data)]
            if (len(rows), len(rows[0]) if rows else 0) != self.shape:
                raise ValueError(
                    f"a {len(rows)}x{len(rows[0]) if rows else 0} block for a {self.nrows}x{self.ncols} range"
                )
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    self.sheet_impl.write(self.row + i, self.column + j, value)
        else:
            for r, c in self.cells():
                self.sheet_impl.write(r, c, data)

    @property
    def formula(self) -> Any:
        def one(r: int, c: int) -> Any:
            cell = self.sheet_impl.ws._cells.get((r, c))
            return (
                ""
                if cell is None or cell.value is None
                else str(cell.value)
                if _is_formula(cell)
                else (self.sheet_impl.read(r, c))
            )

        rows = [
            [one(r, c) for c in range(self.column, self.column + self.ncols)]
            for r in range(self.row, self.row + self.nrows)
        ]
        return rows[0][0] if self.shape == (1, 1) else rows

    def _existing(self) -> list[tuple[int, int]]:
        """The cells of the range the sheet holds (a whole column is a million cells, mostly absent)."""
        r2, c2 = self.row + self.nrows - 1, self.column + self.ncols - 1
        return [(r, c) for r, c in self.sheet_impl.ws._cells if self.row <= r <= r2 and self.column <= c <= c2]

    def clear_contents(self) -> None:
        ws = self.sheet_impl.ws
        self.sheet_impl._book.saved = False
        for r, c in self._existing():
            cell = ws._cells[(r, c)]
            if not isinstance(cell, MergedCell):
                cell.value = None
                if cell.quotePrefix:
                    cell.quotePrefix = False
            self.sheet_impl._book.cached.pop((id(ws), r, c), None)

    def clear(self) -> None:
        ws = self.sheet_impl.ws
        self.sheet_impl._book.saved = False
        for r, c in self._existing():
            del ws._cells[(r, c)]
            self.sheet_impl._book.cached.pop((id(ws), r, c), None)

    def _common(self, get: Any) -> Any:
        values = {get(self.sheet_impl.ws.cell(r, c)) for r, c in self.cells()}
        return values.pop() if len(values) == 1 else None

    @property
    def number_format(self) -> str | None:
        return self._common(lambda cell: cell.number_format)

    @number_format.setter
    def number_format(self, value: str) -> None:
        for r, c in self.cells():
            self.sheet_impl.ws.cell(r, c).number_format = value

    @property
    def wrap_text(self) -> bool | None:
        return self._common(lambda cell: bool(cell.alignment.wrap_text))

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        for r, c in self.cells():
            cell = self.sheet_impl.ws.cell(r, c)
            alignment = copy(cell.alignment)
            alignment.wrap_text = bool(value)
            cell.alignment = alignment

    @property
    def left(self) -> float:
        return self.sheet_impl.col_left(self.column)

    @property
    def top(self) -> float:
        return self.sheet_impl.row_top(self.row)

    @property
    def width(self) -> float:
        return sum(self.sheet_impl.col_width(c) for c in range(self.column, self.column + self.ncols))

    @property
    def height(self) -> float:
        return sum(self.sheet_impl.row_height(r) for r in range(self.row, self.row + self.nrows))

    def get_address(self, row_absolute: bool = True, col_absolute: bool = True, external: bool = False) -> str:
        def one(r: int, c: int) -> str:
            return f"{'$' if col_absolute else ''}{get_column_letter(c)}{'$' if row_absolute else ''}{r}"

        address = one(self.row, self.column)
        if self.shape != (1, 1):
            address += ":" + one(self.row + self.nrows - 1, self.column + self.ncols - 1)
        if external:
            address = f"'[{self.sheet_impl.book.name}]{self.sheet_impl.name.replace(chr(39), chr(39) * 2)}'!{address}"
        return address

    @property
    def address(self) -> str:
        return self.get_address()

    @property
    def table(self) -> MemoryTable | None:
        for table in self.sheet_impl.ws.tables.values():
            c1, r1, c2, r2 = range_boundaries(table.ref)
            if r1 <= self.row <= r2 and c1 <= self.column <= c2:
                return MemoryTable(self.sheet_impl, table)
        return None

    @property
    def name(self) -> None:
        return None

    @property
    def note(self) -> MemoryNote | None:
        cell = self.sheet_impl.ws._cells.get((self.row, self.column))
        return MemoryNote(self.sheet_impl, self.row, self.column) if cell is not None and cell.comment else None

    def add_note(self, text: str) -> MemoryNote:
        cell = self.sheet_impl.ws.cell(self.row, self.column)
        if cell.comment is not None:
            raise ValueError("the cell already has a note")  # as Excel's AddComment fails
        cell.comment = Comment(text, AUTHOR)
        return MemoryNote(self.sheet_impl, self.row, self.column)

    @property
    def conditional_formats(self) -> MemoryConditionalFormats:
        return MemoryConditionalFormats(self)


# -- notes --------------------------------------------------------------------------------------------------
class MemoryNote:
    def __init__(self, sheet: MemorySheet, row: int, col: int):
        self.sheet, self.row, self.col = sheet, row, col

    api = None

    @property
    def _cell(self) -> Any:
        return self.sheet.ws.cell(self.row, self.col)

    @property
    def text(self) -> str:
        comment = self._cell.comment
        return "" if comment is None else comment.text

    @text.setter
    def text(self, value: str) -> None:
        comment = self._cell.comment
        self._cell.comment = Comment(value, comment.author if comment is not None else AUTHOR)

    @property
    def author(self) -> str:
        comment = self._cell.comment
        return "" if comment is None else comment.author

    @property
    def location(self) -> MemoryRange:
        return self.sheet._cell(self.row, self.col)

    def delete(self) -> None:
        self._cell.comment = None


# -- tables -------------------------------------------------------------------------------------------------
class MemoryTables:
    def __init__(self, sheet: MemorySheet):
        self.sheet = sheet

    api = None

    @property
    def parent(self) -> MemorySheet:
        return self.sheet

    def _all(self) -> list[Table]:
        return list(self.sheet.ws.tables.values())

    def __call__(self, key: int | str) -> MemoryTable:
        tables = self._all()
        if isinstance(key, numbers.Integral):
            return MemoryTable(self.sheet, tables[int(key) - 1])
        for table in tables:
            if table.displayName.lower() == str(key).lower():
                return MemoryTable(self.sheet, table)
        raise KeyError(key)

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[MemoryTable]:
        return iter([MemoryTable(self.sheet, t) for t in self._all()])

    def __contains__(self, key: str) -> bool:
        return any(t.displayName.lower() == str(key).lower() for t in self._all())

    def add(
        self,
        source_type: Any = None,
        source: Any = None,
        link_source: Any = None,
        has_headers: bool = True,
        destination: Any = None,
        table_style_name: str = "TableStyleMedium2",
        name: str | None = None,
    ) -> MemoryTable:
        rng = source.impl
        wb = self.sheet.book.wb
        existing = {t.lower() for ws in wb.worksheets for t in ws.tables}
        if name is None:
            n = itertools.count(1)
            name = next(f"Table{k}" for k in n if f"table{k}" not in existing)
        elif name.lower() in existing:
            raise ValueError(f"a table named {name!r} already exists")
        if not has_headers:
            raise NotImplementedError("the in-memory engine adds tables with headers only")
        table = Table(displayName=name, ref=rng.get_address(False, False))
        table.tableStyleInfo = TableStyleInfo(name=table_style_name, showRowStripes=True)
        if rng.nrows == 1:  # Excel adds an empty data row under a lone header row
            table.ref = MemoryRange(self.sheet, rng.row, rng.column, 2, rng.ncols).get_address(False, False)
        self.sheet.ws.add_table(table)
        made = MemoryTable(self.sheet, table)
        made.sync_columns()
        return made


class MemoryTable:
    def __init__(self, sheet: MemorySheet, table: Table):
        self.sheet = sheet
        self.table = table

    api = None

    @property
    def parent(self) -> MemorySheet:
        return self.sheet

    @property
    def name(self) -> str:
        return self.table.displayName

    @name.setter
    def name(self, value: str) -> None:
        tables = self.sheet.ws.tables
        del tables[self.table.displayName]
        self.table.displayName = self.table.name = value
        tables[value] = self.table

    display_name = name

    def _bounds(self) -> tuple[int, int, int, int]:
        return range_boundaries(self.table.ref)

    @property
    def range(self) -> MemoryRange:
        c1, r1, c2, r2 = self._bounds()
        return MemoryRange(self.sheet, r1, c1, r2 - r1 + 1, c2 - c1 + 1)

    @property
    def show_headers(self) -> bool:
        return self.table.headerRowCount != 0

    @property
    def show_totals(self) -> bool:
        return bool(self.table.totalsRowCount)

    @property
    def header_row_range(self) -> MemoryRange | None:
        if not self.show_headers:
            return None
        c1, r1, c2, _r2 = self._bounds()
        return MemoryRange(self.sheet, r1, c1, 1, c2 - c1 + 1)

    @property
    def data_body_range(self) -> MemoryRange | None:
        c1, r1, c2, r2 = self._bounds()
        first = r1 + (1 if self.show_headers else 0)
        last = r2 - (1 if self.show_totals else 0)
        return MemoryRange(self.sheet, first, c1, last - first + 1, c2 - c1 + 1) if last >= first else None

    @property
    def insert_row_range(self) -> None:
        return None

    @property
    def totals_row_range(self) -> MemoryRange | None:
        if not self.show_totals:
            return None
        c1, _r1, c2, r2 = self._bounds()
        return MemoryRange(self.sheet, r2, c1, 1, c2 - c1 + 1)

    def resize(self, range: Any) -> None:
        rng: MemoryRange = range.impl
        c1, r1, c2, _r2 = self._bounds()
        if rng.sheet_impl.ws is not self.sheet.ws:
            raise ValueError("a table cannot be resized onto another sheet")
        if rng.row != r1:
            raise ValueError("the header row must remain in the same row")  # Excel's rule
        if rng.nrows < 2:
            raise ValueError("a table keeps at least one data row")
        new = (rng.column, rng.row, rng.column + rng.ncols - 1, rng.row + rng.nrows - 1)
        if new[0] > c2 or new[2] < c1:
            raise ValueError("the resized table must overlap the original one")
        for other in self.sheet.ws.tables.values():
            if other is self.table:
                continue
            o1, p1, o2, p2 = range_boundaries(other.ref)
            if not (new[2] < o1 or o2 < new[0] or new[3] < p1 or p2 < new[1]):
                raise ValueError(f"the resized table would overlap table {other.displayName}")
        self.table.ref = rng.get_address(False, False)
        if self.table.autoFilter is not None:
            self.table.autoFilter.ref = self.table.ref
        self.sync_columns()

    def sync_columns(self) -> None:
        """Table column names follow the header cells; an empty header cell gets Excel's "ColumnN"."""
        c1, r1, c2, _r2 = self._bounds()
        old = list(self.table.tableColumns)
        columns, seen = [], set()
        for j, c in enumerate(range(c1, c2 + 1), start=1):
            value = self.sheet.read(r1, c) if self.show_headers else None
            text = (
                ""
                if value is None
                else (str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
            )
            if not text:
                text = f"Column{j}"
                if self.show_headers:
                    self.sheet.write(r1, c, text)
            base, k = text, 2
            while text.lower() in seen:
                text, k = f"{base}{k}", k + 1
            seen.add(text.lower())
            kept = old[j - 1] if j - 1 < len(old) and old[j - 1].name == text else None
            columns.append(kept or TableColumn(id=j, name=text))
            columns[-1].id = j
        self.table.tableColumns = columns


# -- defined names ------------------------------------------------------------------------------------------
class MemoryNames:
    def __init__(self, book: MemoryBook, sheet: MemorySheet | None = None):
        self.book = book
        self.sheet = sheet

    api = None

    def _items(self) -> list[tuple[str, DefinedName, Worksheet | None]]:
        out: list[tuple[str, DefinedName, Worksheet | None]] = []
        if self.sheet is None:
            out += [(n, dn, None) for n, dn in self.book.wb.defined_names.items()]
        for ws in self.book.wb.worksheets:
            if self.sheet is None or ws is self.sheet.ws:
                out += [
                    (f"{_quote(ws.title) if not ws.title.isalnum() else ws.title}!{n}", dn, ws)
                    for n, dn in ws.defined_names.items()
                ]
        return out

    def __call__(self, name_or_index: int | str) -> MemoryName:
        items = self._items()
        if isinstance(name_or_index, numbers.Integral):
            full, dn, ws = items[int(name_or_index) - 1]
            return MemoryName(self.book, full, dn, ws)
        wanted = str(name_or_index).lower()
        for full, dn, ws in items:
            if full.lower() == wanted or (self.sheet is not None and dn.name.lower() == wanted):
                return MemoryName(self.book, full, dn, ws)
        raise KeyError(name_or_index)

    def contains(self, name_or_index: int | str) -> bool:
        try:
            self(name_or_index)
        except (KeyError, IndexError):
            return False
        return True

    def __len__(self) -> int:
        return len(self._items())

    def snapshot(self) -> list[tuple[str, MemoryName]]:
        return [(full, MemoryName(self.book, full, dn, ws)) for full, dn, ws in self._items()]

    def add(self, name: str, refers_to: str) -> MemoryName:
        text = refers_to[1:] if refers_to.startswith("=") else refers_to
        if self.sheet is not None:
            self.sheet.ws.defined_names[name] = DefinedName(name, attr_text=text)
            return self(name)
        self.book.wb.defined_names[name] = DefinedName(name, attr_text=text)
        return self(name)


class MemoryName:
    def __init__(self, book: MemoryBook, full: str, dn: DefinedName, ws: Worksheet | None):
        self.book, self.full, self.dn, self.ws = book, full, dn, ws

    api = None

    @property
    def name(self) -> str:
        return self.full

    @property
    def refers_to(self) -> str:
        return "=" + str(self.dn.attr_text)

    @refers_to.setter
    def refers_to(self, value: str) -> None:
        self.dn.attr_text = value[1:] if value.startswith("=") else value

    @property
    def refers_to_range(self) -> MemoryRange:
        try:
            sheet, c1, r1, c2, r2 = _parse_ref(str(self.dn.attr_text))
            target = self.book.sheets(sheet)
        except (ValueError, KeyError):
            raise ValueError(f"name {self.full!r} does not refer to a range") from None
        return MemoryRange(target, r1, c1, r2 - r1 + 1, c2 - c1 + 1)

    def delete(self) -> None:
        if self.ws is None:
            del self.book.wb.defined_names[self.dn.name]
        else:
            del self.ws.defined_names[self.dn.name]


# -- cell sets (for rules and validations that apply to parts of ranges) ------------------------------------
def _sqref_cells(sqref: Any) -> set[tuple[int, int]]:
    cells = set()
    for part in str(sqref).split():
        c1, r1, c2, r2 = range_boundaries(part)
        cells |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    return cells


def _cells_sqref(cells: set[tuple[int, int]]) -> str:
    """Cells as a space-separated sqref of rectangles (column runs, merged across neighbouring columns)."""
    runs: dict[int, list[tuple[int, int]]] = {}
    for c in sorted({c for _r, c in cells}):
        rows = sorted(r for r, cc in cells if cc == c)
        start = prev = rows[0]
        for r in rows[1:]:
            if r != prev + 1:
                runs.setdefault(c, []).append((start, prev))
                start = r
            prev = r
        runs.setdefault(c, []).append((start, prev))
    rects: list[list[int]] = []  # [c1, c2, r1, r2]
    for c in sorted(runs):
        for r1, r2 in runs[c]:
            for rect in rects:
                if rect[1] == c - 1 and (rect[2], rect[3]) == (r1, r2):
                    rect[1] = c
                    break
            else:
                rects.append([c, c, r1, r2])
    rects.sort(key=lambda x: (x[2], x[0]))
    return " ".join(
        f"{get_column_letter(a)}{r1}" + ("" if (a, r1) == (b, r2) else f":{get_column_letter(b)}{r2}")
        for a, b, r1, r2 in rects
    )


# -- conditional formats ------------------------------------------------------------------------------------
@dataclass
class _CfRule:
    cells: set[tuple[int, int]]
    rule: Rule


def _read_rules(ws: Worksheet) -> list[_CfRule]:
    found = [(_sqref_cells(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    found.sort(key=lambda x: x[1].priority or 0)
    return [_CfRule(cells, rule) for cells, rule in found]


def _flush_rules(sheet: MemorySheet) -> None:
    state = sheet.state
    state.rules = [r for r in state.rules if r.cells]
    out = ConditionalFormattingList()
    for priority, entry in enumerate(state.rules, start=1):
        entry.rule.priority = priority
        out.add(_cells_sqref(entry.cells), entry.rule)
    sheet.ws.conditional_formatting = out


_CF_OPERATORS = {
    "between": "between",
    "not_between": "notBetween",
    "equal_to": "equal",
    "not_equal_to": "notEqual",
    "greater_than": "greaterThan",
    "less_than": "lessThan",
    "greater_than_or_equal": "greaterThanOrEqual",
    "less_than_or_equal": "lessThanOrEqual",
}


def _hex(rgb: tuple[int, int, int]) -> str:
    return "FF" + "".join(f"{channel:02X}" for channel in rgb)


def _rgb(colour: Any) -> tuple[int, int, int] | None:
    value = getattr(colour, "rgb", None)
    if not isinstance(value, str) or len(value) < 6:
        return None
    h = value[-6:]
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


class MemoryConditionalFormats:
    def __init__(self, rng: MemoryRange):
        self.rng = rng

    api = None

    def _applying(self) -> list[_CfRule]:
        cells = set(self.rng.cells())
        return [r for r in self.rng.sheet_impl.state.rules if r.cells & cells]

    def __call__(self, key: int) -> MemoryConditionalFormat:
        return MemoryConditionalFormat(self.rng.sheet_impl, self._applying()[key - 1])

    def __len__(self) -> int:
        return len(self._applying())

    def __iter__(self) -> Iterator[MemoryConditionalFormat]:
        return iter([MemoryConditionalFormat(self.rng.sheet_impl, r) for r in self._applying()])

    def _add(self, rule: Rule, spec: dict[str, Any]) -> MemoryConditionalFormat:
        fill = spec.get("fill_color")
        font = {
            k: v
            for k, v in (
                ("color", spec.get("font_color") and _hex(spec["font_color"])),
                ("bold", spec.get("font_bold")),
                ("italic", spec.get("font_italic")),
            )
            if v is not None
        }
        rule.dxf = DifferentialStyle(
            fill=PatternFill(fill_type="solid", start_color=_hex(fill), end_color=_hex(fill), bgColor=_hex(fill))
            if fill
            else None,
            font=Font(**font) if font else None,
        )
        rule.stopIfTrue = spec.get("stop_if_true") or None
        entry = _CfRule(set(self.rng.cells()), rule)
        self.rng.sheet_impl.state.rules.insert(0, entry)  # a new rule has the first priority, as in Excel
        _flush_rules(self.rng.sheet_impl)
        return MemoryConditionalFormat(self.rng.sheet_impl, entry)

    def add_cell_value(self, spec: dict[str, Any]) -> MemoryConditionalFormat:
        formulas = [f[1:] if f.startswith("=") else f for f in (spec["formula1"], spec.get("formula2")) if f]
        return self._add(Rule(type="cellIs", operator=_CF_OPERATORS[spec["operator"]], formula=formulas), spec)

    def add_custom(self, spec: dict[str, Any]) -> MemoryConditionalFormat:
        return self._add(Rule(type="expression", formula=[spec["formula"][1:]]), spec)

    def clear(self) -> None:
        cells = set(self.rng.cells())
        for entry in self.rng.sheet_impl.state.rules:
            entry.cells -= cells
        _flush_rules(self.rng.sheet_impl)


class MemoryConditionalFormat:
    def __init__(self, sheet: MemorySheet, entry: _CfRule):
        self.sheet, self.entry = sheet, entry

    api = None

    @property
    def type(self) -> str:
        return {
            "cellIs": "cell_value",
            "expression": "custom",
            "colorScale": "color_scale",
            "dataBar": "data_bar",
            "iconSet": "icon_set",
        }.get(self.entry.rule.type, "unknown")

    @property
    def operator(self) -> str | None:
        back = {v: k for k, v in _CF_OPERATORS.items()}
        return back.get(self.entry.rule.operator) if self.type == "cell_value" else None

    @property
    def formula1(self) -> str | None:
        f = self.entry.rule.formula
        return "=" + f[0] if self.type == "cell_value" and f else None

    @property
    def formula2(self) -> str | None:
        f = self.entry.rule.formula
        return "=" + f[1] if self.type == "cell_value" and len(f) > 1 else None

    @property
    def formula(self) -> str | None:
        f = self.entry.rule.formula
        return "=" + f[0] if self.type == "custom" and f else None

    @property
    def fill_color(self) -> tuple[int, int, int] | None:
        dxf = self.entry.rule.dxf
        return _rgb(dxf.fill.bgColor) if dxf is not None and dxf.fill is not None else None

    @property
    def font_color(self) -> tuple[int, int, int] | None:
        dxf = self.entry.rule.dxf
        return _rgb(dxf.font.color) if dxf is not None and dxf.font is not None else None

    @property
    def font_bold(self) -> bool | None:
        dxf = self.entry.rule.dxf
        return dxf.font.b if dxf is not None and dxf.font is not None else None

    @property
    def font_italic(self) -> bool | None:
        dxf = self.entry.rule.dxf
        return dxf.font.i if dxf is not None and dxf.font is not None else None

    @property
    def stop_if_true(self) -> bool | None:
        return bool(self.entry.rule.stopIfTrue)

    def delete(self) -> None:
        self.entry.cells = set()
        _flush_rules(self.sheet)


# -- charts -------------------------------------------------------------------------------------------------
@dataclass
class LabelsModel:
    show_series_name: bool = False
    show_value: bool = True
    position: int | None = None


@dataclass
class SeriesModel:
    name: str | None = None  # a literal name
    name_ref: str | None = None  # or the cell holding it
    x_ref: str | None = None  # x values (scatter) or categories
    y_ref: str | None = None
    chart_type: str | None = None  # None: the chart's
    marker_style: str = "automatic"
    marker_size: int = 5
    marker_foreground_color: tuple[int, int, int] | None = None
    marker_background_color: tuple[int, int, int] | None = None
    line_color: tuple[int, int, int] | None = None
    fill_color: tuple[int, int, int] | None = None
    axis_group: str = "primary"
    dashed: bool = False
    labels: LabelsModel | None = None


@dataclass
class AxisModel:
    title: str | None = None
    minimum_scale: float | None = None
    maximum_scale: float | None = None
    major_unit: float | None = None
    number_format: str = "General"
    visible: bool = True
    reverse_order: bool = False
    crosses: str = "automatic"


@dataclass
class ChartModel:
    """One chart object on a sheet, as the engine records it (what a test can assert on)."""

    name: str
    left: float
    top: float
    width: float
    height: float
    chart_type: str = "column_clustered"  # what Excel's ChartObjects.Add makes
    title: str | None = None
    legend_visible: bool = True
    legend_position: str = "right"
    hidden_legend_entries: set[int] = field(default_factory=set)
    category_axis: AxisModel = field(default_factory=AxisModel)
    value_axis: AxisModel = field(default_factory=AxisModel)
    series: list[SeriesModel] = field(default_factory=list)
    plot_by: str | None = None
    style: int | None = None
    alt_text: str = ""
    loaded: Any = None  # the openpyxl chart read from the file (kept as it was)


class MemoryCharts:
    def __init__(self, sheet: MemorySheet):
        self.sheet = sheet

    api = None

    @property
    def parent(self) -> MemorySheet:
        return self.sheet

    def __call__(self, key: int | str) -> MemoryChart:
        charts = self.sheet.state.charts
        if isinstance(key, numbers.Integral):
            return MemoryChart(self.sheet, charts[int(key) - 1])
        for model in charts:
            if model.name.lower() == str(key).lower():
                return MemoryChart(self.sheet, model)
        raise KeyError(key)

    def __len__(self) -> int:
        return len(self.sheet.state.charts)

    def __iter__(self) -> Iterator[MemoryChart]:
        return iter([MemoryChart(self.sheet, m) for m in self.sheet.state.charts])

    def __contains__(self, key: str) -> bool:
        return any(m.name.lower() == str(key).lower() for m in self.sheet.state.charts)

    def add(
        self,
        left: float,
        top: float,
        width: float,
        height: float,
        chart_type: str | None = None,
        source: MemoryRange | None = None,
        plot_by: str | None = None,
        name: str | None = None,
        anchor: Any = None,
        style: int | None = None,
    ) -> MemoryChart:
        if anchor is not None:
            left, top = anchor.left, anchor.top
        state = self.sheet.state
        model = ChartModel(
            name=f"Chart {next(state.chart_ids)}",
            left=float(left),
            top=float(top),
            width=float(width),
            height=float(height),
        )
        state.charts.append(model)
        chart = MemoryChart(self.sheet, model)
        if source is not None:
            chart.set_source_data(source, plot_by)
        if chart_type is not None:
            chart.chart_type = chart_type
        if style is not None:
            chart.style = style
        if name is not None:
            chart.name = name
        return chart


class MemoryChart:
    def __init__(self, sheet: MemorySheet, model: ChartModel):
        self.sheet, self.model = sheet, model

    @property
    def api(self) -> tuple[_NativeChartObject, _NativeChart]:
        return _NativeChartObject(self.model), _NativeChart(self.sheet, self.model)

    def _editable(self) -> ChartModel:
        if self.model.loaded is not None:
            raise NotImplementedError("a chart read from the file is kept as it was by the in-memory engine")
        return self.model

    name = _Delegated("model", "name")

    @property
    def parent(self) -> MemorySheet:
        return self.sheet

    def set_source_data(self, rng: MemoryRange, plot_by: str | None = None) -> None:
        """Series from a block, as Excel makes them: by columns when the block is at least as tall as it is
        wide; names from the first row when it holds text; categories from the first column when it holds
        text below the header."""
        model = self._editable()
        sheet = rng.sheet_impl
        values = [
            [sheet.read(r, c) for c in range(rng.column, rng.column + rng.ncols)]
            for r in range(rng.row, rng.row + rng.nrows)
        ]
        by = plot_by or ("columns" if rng.nrows >= rng.ncols else "rows")
        grid = values if by == "columns" else [list(col) for col in zip(*values, strict=True)]
        n_rows, n_cols = len(grid), len(grid[0])

        def at(i: int, j: int) -> tuple[int, int]:  # grid position -> sheet (row, col)
            return (rng.row + i, rng.column + j) if by == "columns" else (rng.row + j, rng.column + i)

        names = n_rows > 1 and any(isinstance(v, str) for v in grid[0][1 if n_cols > 1 else 0 :])
        top = 1 if names else 0
        cats = n_cols > 1 and any(isinstance(grid[i][0], str) for i in range(top, n_rows))
        first = 1 if cats else 0

        def ref(i1: int, j1: int, i2: int, j2: int) -> str:
            (r1, c1), (r2, c2) = at(i1, j1), at(i2, j2)
            return _ref(sheet.name, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))

        model.series = [
            SeriesModel(
                name_ref=ref(0, j, 0, j) if names else None,
                name=None if names else f"Series{k}",
                x_ref=ref(top, 0, n_rows - 1, 0) if cats and n_rows > top else None,
                y_ref=ref(top, j, n_rows - 1, j) if n_rows > top else None,
            )
            for k, j in enumerate(range(first, n_cols), start=1)
        ]
        model.plot_by = by

    def set_x_axis_values(self, rng: MemoryRange) -> None:
        for s in self._editable().series:
            s.x_ref = _ref(
                rng.sheet_impl.name, rng.row, rng.column, rng.row + rng.nrows - 1, rng.column + rng.ncols - 1
            )

    @property
    def chart_type(self) -> str:
        return self._editable().chart_type

    @chart_type.setter
    def chart_type(self, value: str) -> None:
        self._editable().chart_type = value

    @property
    def title(self) -> str | None:
        return self._editable().title

    @title.setter
    def title(self, value: str | None) -> None:
        self._editable().title = value

    @property
    def legend(self) -> MemoryLegend:
        return MemoryLegend(self._editable())

    @property
    def category_axis(self) -> MemoryAxis:
        return MemoryAxis(self._editable().category_axis)

    @property
    def value_axis(self) -> MemoryAxis:
        return MemoryAxis(self._editable().value_axis)

    @property
    def series(self) -> MemorySeriesCollection:
        return MemorySeriesCollection(self.sheet, self._editable())

    @property
    def plot_by(self) -> str | None:
        return self.model.plot_by

    @plot_by.setter
    def plot_by(self, value: str) -> None:
        self._editable().plot_by = value

    @property
    def style(self) -> int | None:
        return self.model.style

    @style.setter
    def style(self, value: int) -> None:
        self._editable().style = value

    left = _Delegated("model", "left", float)

    top = _Delegated("model", "top", float)

    width = _Delegated("model", "width", float)

    height = _Delegated("model", "height", float)

    def delete(self) -> None:
        self.sheet.state.charts.remove(self.model)

    def to_png(self, path: str) -> None:
        raise NotImplementedError("the in-memory engine renders no pictures")


class MemoryLegend:
    def __init__(self, model: ChartModel):
        self.model = model

    api = None

    visible = _Delegated("model", "legend_visible", bool)

    @property
    def position(self) -> str | None:
        return self.model.legend_position if self.model.legend_visible else None

    @position.setter
    def position(self, value: str) -> None:
        self.model.legend_visible = True
        self.model.legend_position = value


class MemoryAxis:
    def __init__(self, model: AxisModel):
        self.model = model

    api = None

    def __getattr__(self, name: str) -> Any:
        if name in AxisModel.__dataclass_fields__:
            return getattr(self.model, name)
        raise AttributeError(name)

    def set(self, **changes: Any) -> None:
        for key, value in changes.items():
            if value is not _UNSET:
                if key not in AxisModel.__dataclass_fields__:
                    raise AttributeError(key)
                setattr(self.model, key, value)


class MemorySeriesCollection:
    def __init__(self, sheet: MemorySheet, model: ChartModel):
        self.sheet, self.model = sheet, model

    @property
    def api(self) -> _NativeSeriesCollection:
        return _NativeSeriesCollection(self.model)

    def __call__(self, key: int) -> MemorySeries:
        if not isinstance(key, numbers.Integral) or isinstance(key, bool):
            raise KeyError(key)
        return MemorySeries(self.sheet, self.model.series[int(key) - 1])

    def __len__(self) -> int:
        return len(self.model.series)

    def __iter__(self) -> Iterator[MemorySeries]:
        return iter([MemorySeries(self.sheet, s) for s in self.model.series])


class MemorySeries:
    def __init__(self, sheet: MemorySheet, model: SeriesModel):
        self.sheet, self.model = sheet, model

    @property
    def api(self) -> _NativeSeries:
        return _NativeSeries(self.model)

    @property
    def name(self) -> str:
        if self.model.name_ref:
            sheet, c1, r1, _c2, _r2 = _parse_ref(self.model.name_ref)
            value = self.sheet.book.sheets(sheet).read(r1, c1)
            return "" if value is None else str(value)
        return self.model.name or ""

    def __getattr__(self, name: str) -> Any:
        if name in SeriesModel.__dataclass_fields__:
            return getattr(self.model, name)
        raise AttributeError(name)

    def set(self, **changes: Any) -> None:
        for key, value in changes.items():
            if value is _UNSET:
                continue
            if key == "name":
                self.model.name, self.model.name_ref = value, None
            elif key in SeriesModel.__dataclass_fields__:
                setattr(self.model, key, value)
            else:
                raise AttributeError(key)


# -- the native (COM) members XlwingsBook calls where xlwings has no wrapper --------------------------------
class _Native:
    """Base of the native-like objects: only the members declared in ``__slots__`` / as properties exist."""

    __slots__: tuple[str, ...] = ()


class _NativeRange(_Native):
    __slots__ = ("_rng",)

    def __init__(self, rng: MemoryRange):
        self._rng = rng

    @property
    def Validation(self) -> _NativeValidation:
        return _NativeValidation(self._rng)


_ALERT_STYLES = {1: "stop", 2: "warning", 3: "information"}
XL_VALIDATE_LIST = 3


class _NativeValidation(_Native):
    __slots__ = ("_rng",)

    def __init__(self, rng: MemoryRange):
        self._rng = rng

    def _dvs(self) -> list[DataValidation]:
        return self._rng.sheet_impl.ws.data_validations.dataValidation

    def Delete(self) -> None:
        cells = set(self._rng.cells())
        kept = []
        for dv in self._dvs():
            left = _sqref_cells(dv.sqref) - cells
            if left:
                dv.sqref = _cells_sqref(left)  # type: ignore[assignment]
                kept.append(dv)
        self._rng.sheet_impl.ws.data_validations.dataValidation = kept

    def Add(
        self,
        Type: int,
        AlertStyle: int = 1,
        Operator: int = 1,
        Formula1: str | None = None,
        Formula2: str | None = None,
    ) -> None:
        if Type != XL_VALIDATE_LIST:
            raise NotImplementedError("the in-memory engine adds list validations only")
        cells = set(self._rng.cells())
        if any(_sqref_cells(dv.sqref) & cells for dv in self._dvs()):
            raise RuntimeError("Application-defined or object-defined error")  # Excel: Delete first
        source = str(Formula1 or "")
        dv = DataValidation(
            type="list",
            formula1=source[1:] if source.startswith("=") else f'"{source}"',
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorStyle=_ALERT_STYLES[AlertStyle],
        )
        dv.sqref = _cells_sqref(cells)  # type: ignore[assignment]
        self._rng.sheet_impl.ws.add_data_validation(dv)

    def _dv(self) -> DataValidation:
        first = (self._rng.row, self._rng.column)
        for dv in self._dvs():
            if first in _sqref_cells(dv.sqref):
                return dv
        raise RuntimeError("no validation on these cells")

    @property
    def ErrorMessage(self) -> str:
        return self._dv().error or ""

    @ErrorMessage.setter
    def ErrorMessage(self, value: str) -> None:
        self._dv().error = value


class _NativeBook(_Native):
    """``Workbook.Saved``: read, and set as VBA may set it."""

    __slots__ = ("_book",)

    def __init__(self, book: MemoryBook):
        self._book = book

    @property
    def Saved(self) -> bool:
        return self._book.saved

    @Saved.setter
    def Saved(self, value: bool) -> None:
        self._book.saved = bool(value)


class _NativeSheet(_Native):
    __slots__ = ("_sheet",)

    def __init__(self, sheet: MemorySheet):
        self._sheet = sheet

    def Shapes(self, name: str) -> _NativeShape:
        for model in self._sheet.state.charts:
            if model.name.lower() == name.lower():
                return _NativeShape(model)
        raise KeyError(f"no shape named {name!r}")


class _NativeShape(_Native):
    __slots__ = ("_model",)

    def __init__(self, model: ChartModel):
        self._model = model

    @property
    def AlternativeText(self) -> str:
        return self._model.alt_text

    @AlternativeText.setter
    def AlternativeText(self, value: str) -> None:
        self._model.alt_text = value


class _NativeChartObject(_Native):
    __slots__ = ("_model",)

    def __init__(self, model: ChartModel):
        self._model = model

    @property
    def Name(self) -> str:
        return self._model.name


class _NativeChart(_Native):
    __slots__ = ("_model", "_sheet")

    def __init__(self, sheet: MemorySheet, model: ChartModel):
        self._sheet, self._model = sheet, model

    def SeriesCollection(self) -> _NativeSeriesCollection:
        return _NativeSeriesCollection(self._model)

    @property
    def Legend(self) -> _NativeLegend:
        if not self._model.legend_visible:
            raise RuntimeError("the chart has no legend")
        return _NativeLegend(self._model)


class _NativeSeriesCollection(_Native):
    __slots__ = ("_model",)

    def __init__(self, model: ChartModel):
        self._model = model

    def NewSeries(self) -> _NativeSeries:
        series = SeriesModel(name=f"Series{len(self._model.series) + 1}")
        self._model.series.append(series)
        return _NativeSeries(series)

    @property
    def Count(self) -> int:
        return len(self._model.series)


def _reference(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.startswith("="):
        raise NotImplementedError(f"the in-memory engine takes {what} as a reference such as ='Sheet'!$A$1")
    _parse_ref(value)
    return value[1:]


class _NativeSeries(_Native):
    __slots__ = ("_s",)

    def __init__(self, series: SeriesModel):
        self._s = series

    @property
    def Name(self) -> str:
        return self._s.name or ""

    @Name.setter
    def Name(self, value: str) -> None:
        if value.startswith("="):
            self._s.name_ref, self._s.name = _reference(value, "Name"), None
        else:
            self._s.name, self._s.name_ref = value, None

    @property
    def XValues(self) -> str | None:
        return self._s.x_ref

    @XValues.setter
    def XValues(self, value: str) -> None:
        self._s.x_ref = _reference(value, "XValues")

    @property
    def Values(self) -> str | None:
        return self._s.y_ref

    @Values.setter
    def Values(self, value: str) -> None:
        self._s.y_ref = _reference(value, "Values")

    def ApplyDataLabels(self) -> None:
        self._s.labels = LabelsModel()

    def DataLabels(self) -> _NativeDataLabels:
        if self._s.labels is None:
            raise RuntimeError("the series has no data labels")  # Excel: apply them first
        return _NativeDataLabels(self._s.labels)

    @property
    def Format(self) -> _NativeFormat:
        return _NativeFormat(self._s)


class _NativeDataLabels(_Native):
    __slots__ = ("_labels",)

    def __init__(self, labels: LabelsModel):
        self._labels = labels

    ShowSeriesName = _Delegated("_labels", "show_series_name", bool)

    ShowValue = _Delegated("_labels", "show_value", bool)

    Position = _Delegated("_labels", "position")


class _NativeFormat(_Native):
    __slots__ = ("_s",)

    def __init__(self, series: SeriesModel):
        self._s = series

    @property
    def Line(self) -> _NativeLine:
        return _NativeLine(self._s)


MSO_LINE_SOLID, MSO_LINE_DASH = 1, 4


class _NativeLine(_Native):
    __slots__ = ("_s",)

    def __init__(self, series: SeriesModel):
        self._s = series

    @property
    def DashStyle(self) -> int:
        return MSO_LINE_DASH if self._s.dashed else MSO_LINE_SOLID

    @DashStyle.setter
    def DashStyle(self, value: int) -> None:
        if value not in (MSO_LINE_SOLID, MSO_LINE_DASH):
            raise NotImplementedError("the in-memory engine knows solid and dashed lines only")
        self._s.dashed = value == MSO_LINE_DASH


class _NativeLegend(_Native):
    __slots__ = ("_model",)

    def __init__(self, model: ChartModel):
        self._model = model

    def LegendEntries(self, index: int) -> _NativeLegendEntry:
        shown = [k for k in range(len(self._model.series)) if k not in self._model.hidden_legend_entries]
        if not 1 <= index <= len(shown):
            raise IndexError(index)
        return _NativeLegendEntry(self._model, shown[index - 1])


class _NativeLegendEntry(_Native):
    __slots__ = ("_model", "_series")

    def __init__(self, model: ChartModel, series: int):
        self._model, self._series = model, series

    def Delete(self) -> None:
        self._model.hidden_legend_entries.add(self._series)


# -- writing charts on save ---------------------------------------------------------------------------------
_MARKERS = {
    "automatic": None,
    "none": "none",
    "square": "square",
    "diamond": "diamond",
    "triangle": "triangle",
    "x": "x",
    "star": "star",
    "dot": "dot",
    "dash": "dash",
    "circle": "circle",
    "plus": "plus",
}
_LEGEND = {"bottom": "b", "top": "t", "left": "l", "right": "r", "corner": "tr"}
_LABEL_POSITIONS = {-4152: "r", -4131: "l", 0: "t", 1: "b", -4108: "ctr"}  # xlLabelPosition...


def _reference_to(wb: openpyxl.Workbook, ref: str) -> Reference:
    sheet, c1, r1, c2, r2 = _parse_ref(ref)
    return Reference(wb[sheet], min_col=c1, min_row=r1, max_col=c2, max_row=r2)


def _texty(wb: openpyxl.Workbook, ref: str) -> bool:
    sheet, c1, r1, c2, r2 = _parse_ref(ref)
    ws = wb[sheet]
    return any(isinstance(ws.cell(r, c).value, str) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))


def _render(model: ChartModel, wb: openpyxl.Workbook) -> Any:
    """The openpyxl chart Excel would write for ``model``."""
    kind = model.chart_type
    scatter = kind.startswith("xy_scatter")
    chart: Any
    if scatter:
        chart = ScatterChart()
        chart.scatterStyle = "lineMarker"
    elif kind.startswith(("bar_", "column_")):
        chart = BarChart()
        chart.type = "bar" if kind.startswith("bar") else "col"
        chart.grouping = (
            ("percentStacked" if kind.endswith("_100") else "stacked") if "stacked" in kind else "clustered"
        )
        if "stacked" in kind:
            chart.overlap = 100
    elif kind.startswith("line"):
        chart = LineChart()
    else:
        raise NotImplementedError(f"the in-memory engine cannot write a {kind} chart")
    chart.title = model.title
    chart.width, chart.height = model.width / PT_PER_CM, model.height / PT_PER_CM
    if model.style and 1 <= model.style <= 48:
        chart.style = model.style
    for axis, spec in ((chart.x_axis, model.category_axis), (chart.y_axis, model.value_axis)):
        axis.title = spec.title
        axis.scaling.min, axis.scaling.max = spec.minimum_scale, spec.maximum_scale
        axis.majorUnit = spec.major_unit
        axis.number_format = spec.number_format
        axis.delete = not spec.visible
    for s in model.series:
        if s.y_ref is None:
            continue
        values = _reference_to(wb, s.y_ref)
        if scatter:
            ser = Series(values, _reference_to(wb, s.x_ref) if s.x_ref else None)
        else:
            ser = Series(values)
            if s.x_ref:
                ref = s.x_ref
                ser.cat = AxDataSource(strRef=StrRef(f=ref)) if _texty(wb, ref) else AxDataSource(numRef=NumRef(f=ref))
        if s.name_ref:
            ser.tx = SeriesLabel(strRef=StrRef(f=s.name_ref))
        elif s.name:
            ser.tx = SeriesLabel(v=s.name)
        stype = s.chart_type or kind
        if scatter:
            if "no_markers" in stype or s.marker_style == "none":
                ser.marker = Marker(symbol="none")
            else:
                ser.marker = Marker(symbol=_MARKERS[s.marker_style], size=s.marker_size)
                if s.marker_background_color:
                    ser.marker.graphicalProperties = ser.marker.graphicalProperties or _shape_properties()
                    ser.marker.graphicalProperties.solidFill = _hex(s.marker_background_color)[2:]
                if s.marker_foreground_color:
                    ser.marker.graphicalProperties = ser.marker.graphicalProperties or _shape_properties()
                    ser.marker.graphicalProperties.line.solidFill = _hex(s.marker_foreground_color)[2:]
            if stype == "xy_scatter":
                ser.graphicalProperties.line.noFill = True
            else:
                if s.line_color:
                    ser.graphicalProperties.line.solidFill = _hex(s.line_color)[2:]
                if s.dashed:
                    ser.graphicalProperties.line.prstDash = "dash"
            ser.smooth = False
        else:
            if s.fill_color:
                ser.graphicalProperties.solidFill = _hex(s.fill_color)[2:]
            if s.line_color:
                ser.graphicalProperties.line.solidFill = _hex(s.line_color)[2:]
        if s.labels is not None:
            ser.dLbls = DataLabelList()
            ser.dLbls.showSerName = s.labels.show_series_name
            ser.dLbls.showVal = s.labels.show_value
            ser.dLbls.showCatName = ser.dLbls.showLegendKey = ser.dLbls.showPercent = False
            if s.labels.position in _LABEL_POSITIONS:
                ser.dLbls.position = _LABEL_POSITIONS[s.labels.position]
        chart.series.append(ser)
    if model.legend_visible:
        chart.legend = Legend(legendPos=_LEGEND.get(model.legend_position, "r"))
        chart.legend.legendEntry = [LegendEntry(idx=k, delete=True) for k in sorted(model.hidden_legend_entries)]
        chart.legend.overlay = False
    else:
        chart.legend = None
    return chart


def _shape_properties() -> Any:
    from openpyxl.chart.shapes import GraphicalProperties

    return GraphicalProperties()


def _anchor_from(chart: Any) -> tuple[int, int]:
    """(1-based column, row) of a chart read from a file."""
    anchor = chart.anchor
    if isinstance(anchor, str):
        c1, r1, _c2, _r2 = range_boundaries(anchor)
        return c1, r1
    try:
        return anchor._from.col + 1, anchor._from.row + 1
    except AttributeError:
        return 1, 1


# -- reading what a saved package holds (for the tests of either backend) -----------------------------------
