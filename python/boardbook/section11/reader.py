"""Read a section 11 return into a raw form, from a file (python-calamine) or any Book (the port).

Both give a ``RawReturn``: the defined names with where they point, and the Assessment table with
its position. ``validate.validate_return`` then checks it against the configuration, so the CLI and
the Excel "validate this return" button share every rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as pc

from boardbook.book.base import Book, TableData, Value
from boardbook.errors import BoardbookError, WorkbookError
from boardbook.ooxml import defined_names
from boardbook.package import Package, open_package
from boardbook.section11 import contract as c


@dataclass(frozen=True)
class NamedCell:
    sheet: str
    cell: str
    value: Value


@dataclass
class RawReturn:
    """What a return file holds, before any rule is applied."""

    file: str
    names: dict[str, NamedCell | None]  # None: the name exists but does not point at one cell
    table: TableData | None
    tables: list[str]
    sheets: list[str]
    has_macros: bool = False
    hidden_sheets: list[str] = field(default_factory=list)
    sha256: str = ""
    modified: float = 0.0


def load_return(path: str | Path) -> RawReturn:
    """Read a return file once. WorkbookError (naming the file) when it is not a readable workbook."""
    pkg = open_package(path)
    try:
        return _from_package(pkg)
    except BoardbookError:
        raise
    except (pc.CalamineError, pc.ZipError, pc.XmlError, pc.PasswordError, KeyError, ValueError) as exc:
        raise WorkbookError(f"the workbook cannot be read ({type(exc).__name__}: {exc}); it may be damaged: "
                            "ask the agency to open it in Excel, save it as .xlsx and send it again",
                            _loc(pkg.path)) from None


def _loc(path: Path):
    from boardbook.errors import Location

    return Location(str(path))


def _from_package(pkg: Package) -> RawReturn:
    wb = pc.CalamineWorkbook.from_filelike(pkg.stream(), load_tables=True)
    sheet_names = list(wb.sheet_names)
    hidden = [m.name for m in wb.sheets_metadata if m.visible != pc.SheetVisibleEnum.Visible]
    table_names = list(wb.table_names or [])
    sheets: dict[str, list[list[Value]]] = {}

    def cell_value(sheet: str, cell: str) -> Value:
        if sheet not in sheets:
            sheets[sheet] = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        row, col = _rowcol(cell)
        data = sheets[sheet]
        if row < len(data) and col < len(data[row]):
            return data[row][col]
        return None

    names: dict[str, NamedCell | None] = {}
    for name, ref in defined_names(pkg.zip).items():
        if name not in c.RETURN_NAMES:
            continue
        if ref is None or ref[0] not in sheet_names:
            names[name] = None
        else:
            names[name] = NamedCell(ref[0], ref[1], cell_value(*ref))

    table = None
    found = next((t for t in table_names if t.casefold() == c.ASSESSMENT.casefold()), None)
    if found is not None:
        t = wb.get_table_by_name(found)
        start = t.start or (1, 0)
        rows = t.to_python() if t.height or t.start else []
        table = TableData(found, t.sheet, [str(h) for h in t.columns], rows, start[0], start[1] + 1)
    stat = pkg.path.stat()
    return RawReturn(str(pkg.path), names, table, table_names, sheet_names, pkg.has_macros, hidden,
                     pkg.sha256, stat.st_mtime)


def _rowcol(cell: str) -> tuple[int, int]:
    letters = "".join(ch for ch in cell if ch.isalpha())
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(cell[len(letters):]) - 1, col - 1


def raw_from_book(book: Book, file: str = "") -> RawReturn:
    """The same raw form from an open Book (e.g. the live workbook in Excel)."""
    names: dict[str, NamedCell | None] = {}
    for name in c.RETURN_NAMES:
        try:
            names[name] = NamedCell("", "", book.get_name(name))
        except WorkbookError:
            continue
    tables = book.table_names()
    found = next((t for t in tables if t.casefold() == c.ASSESSMENT.casefold()), None)
    table = book.read_table(found) if found else None
    return RawReturn(file or str(book.path or ""), names, table, tables, [])
