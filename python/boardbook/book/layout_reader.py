"""Read a workbook that has no Excel tables or readable defined names (a legacy .xls, an .ods, an .xlsx whose
table or names were lost) by its layout: a table is found by its header row, a "defined name" by its label in the
cell to the left.

Agencies still on Excel 97-2003, or on LibreOffice, save the template that way; others paste its values into a new
workbook or export it from Google Sheets or Numbers. Their answers are where the template put them, so the same
validation runs on them (with a note asking for the template, or .xlsx, next time).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import python_calamine as pc

from boardbook.book.base import TableData, Value
from boardbook.book.fast import NamedCell, RawWorkbook, reading, uncalculated_cells
from boardbook.errors import Location, WorkbookError
from boardbook.package import MAX_CELLS, check_legacy, open_package
from boardbook.textsafe import cell_text


def _key(value: Value) -> str:
    return " ".join(cell_text(value).split()).casefold().rstrip(":")


def _address(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def read_by_layout(
    data: bytes, file: str, *, table: str, required: Sequence[str], labels: Mapping[str, str]
) -> RawWorkbook:
    """Find table ``table`` by a header row holding every ``required`` header, and each name by its label.

    Args:
        labels: label text (as the template writes it, any case) -> the defined name it stands for.
    """
    with reading(file, "save it as .xlsx"):
        check_legacy(data, file)  # what the sheets claim, before calamine builds them
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids = {}
        left = MAX_CELLS
        for sheet_name in wb.sheet_names:
            built = wb.get_sheet_by_name(sheet_name)
            end = built.end
            left -= (end[0] + 1) * (end[1] + 1) if end else 0  # the grid below starts at A1
            if left < 0:
                raise WorkbookError(
                    f"the sheet '{sheet_name}' reaches {_address(*end) if end else 'A1'}: more than the "
                    f"{MAX_CELLS:,} cells boardbook reads from one file, so it was not read",
                    Location(file, sheet_name),
                )
            grids[sheet_name] = built.to_python(skip_empty_area=False)
        hidden = [m.name for m in wb.sheets_metadata if m.visible != pc.SheetVisibleEnum.Visible]
    names, tables = find_by_layout(grids, table=table, required=required, labels=labels)
    return RawWorkbook(file, names, tables, [], list(grids), hidden, False)


def read_xlsx_by_layout(
    path: str | Path, *, table: str, required: Sequence[str], labels: Mapping[str, str]
) -> RawWorkbook:
    """The same for an .xlsx that lost its table or defined names (its values pasted into a new workbook, an
    export from Google Sheets or Numbers): every sheet read as a grid, each checked for size before it is built.

    Its ``uncalculated`` explains blanks on every sheet (formulas never calculated, Excel error values).
    """
    pkg = open_package(path)
    with reading(pkg.path):
        wb = pc.CalamineWorkbook.from_filelike(pkg.stream())
        grids: dict[str, Sequence[Sequence[Value]]] = {}
        for sheet_name in wb.sheet_names:
            pkg.check_sheet(sheet_name)
            grids[sheet_name] = wb.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        hidden = [m.name for m in wb.sheets_metadata if m.visible != pc.SheetVisibleEnum.Visible]
    names, tables = find_by_layout(grids, table=table, required=required, labels=labels)
    sheets = frozenset(grids)
    raw = RawWorkbook(str(pkg.path), names, tables, [], list(grids), hidden, pkg.has_macros)
    raw.uncalculated = functools.cache(lambda: uncalculated_cells(pkg, sheets))
    return raw


def find_by_layout(
    grids: Mapping[str, Sequence[Sequence[Value]]], *, table: str, required: Sequence[str], labels: Mapping[str, str]
) -> tuple[dict[str, NamedCell | None], dict[str, TableData]]:
    """The names (by their labels, the value in the cell to the right) and the table (by its header row, down to
    the end of its sheet) found in ``grids``, sheets in order; the first of each wins."""
    wanted = {k.casefold(): v for k, v in labels.items()}
    need = {h.casefold() for h in required}
    names: dict[str, NamedCell | None] = {}
    tables: dict[str, TableData] = {}
    for sheet, grid in grids.items():
        for r, row in enumerate(grid):
            keys = [_key(v) for v in row]
            if table not in tables and need <= set(keys):
                first = min(keys.index(h) for h in need)
                last = max(i for i, k in enumerate(keys) if k) + 1
                headers = [cell_text(v) for v in row[first:last]]
                body: list[list[Value]] = [list(grid[i][first:last]) for i in range(r + 1, len(grid))]
                tables[table] = TableData(table, sheet, headers, body, r + 1, first + 1)
                continue
            for c, k in enumerate(keys):
                name = wanted.get(k)
                if name and name not in names and c + 1 <= len(row):
                    value = row[c + 1] if c + 1 < len(row) else None
                    names[name] = NamedCell(sheet, _address(r, c + 1), value)
    return names, tables
