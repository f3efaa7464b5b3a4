"""Fast read-only access to tables in a file, with python-calamine (no openpyxl load)."""

from __future__ import annotations

from pathlib import Path

import python_calamine as pc

from boardbook.book.base import TableData
from boardbook.errors import Location, WorkbookError
from boardbook.package import open_package


def read_tables(path: str | Path, names: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, TableData]:
    """The named tables that exist in ``path``; WorkbookError if a ``required`` one is missing."""
    pkg = open_package(path)
    try:
        wb = pc.CalamineWorkbook.from_filelike(pkg.stream(), load_tables=True)
        present = set(wb.table_names or [])
        out = {}
        for name in names:
            if name in present:
                t = wb.get_table_by_name(name)
                start = t.start or (1, 0)
                out[name] = TableData(name, t.sheet, [str(h) for h in t.columns], t.to_python(), start[0],
                                      start[1] + 1)
    except (pc.CalamineError, pc.ZipError, pc.XmlError, pc.PasswordError) as exc:
        raise WorkbookError(f"the workbook cannot be read ({exc})", Location(str(path))) from None
    for name in required:
        if name not in out:
            raise WorkbookError(f"table '{name}' not found: is this a boardbook workbook?", Location(str(path)))
    return out
