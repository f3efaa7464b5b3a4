"""One table of input, wherever it was typed: a CSV file, an Excel table of a workbook file, or an open Book.

Used by the domains whose input is one table (the learning tracker, the matrix of concerns): the rows come
back as {contract header: value} with where each value was typed, so every problem names the file and the
sheet and cell (workbook) or the row and column (CSV). Headers match after folding (case, spaces, dashes);
extra columns are ignored; blank rows are skipped. A file is recognised by its bytes, never its name::

    >>> t = read_input_table("recs.csv", "Recommendations", ("Ref", "Status"))   # doctest: +SKIP
    >>> t.rows[0].where["Status"]
    Location(file='recs.csv', row=2, column='Status')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils.cell import get_column_letter

from boardbook.book.base import Book, TableData
from boardbook.book.fast import NamedCell, read_workbook
from boardbook.book.snapshot import read_book
from boardbook.csvfile import read_csv
from boardbook.errors import Location, WorkbookError
from boardbook.folding import fold
from boardbook.package import OLE_MAGIC, ZIP_MAGIC

Source = str | Path | Book


@dataclass
class InputRow:
    """One non-blank row: values by contract header (None where the column is absent), and where each is."""

    values: dict[str, object]
    where: dict[str, Location]


@dataclass
class InputTable:
    """The rows of one input table, the columns it lacks, and the defined names asked for (workbooks only)."""

    file: str
    header: Location  # the header row: a cell of it in a workbook, row 1 of a CSV
    rows: list[InputRow]
    missing: list[str]  # contract headers not found
    found: list[str]  # the headers as typed
    names: dict[str, NamedCell | None] = field(default_factory=dict)
    workbook: bool = False
    how: str = ""  # how a CSV was read, for a message when its columns do not match


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_workbook(path: Path) -> bool:
    """True for a workbook file (zip or old binary), whatever its name."""
    with path.open("rb") as f:
        return f.read(8).startswith((ZIP_MAGIC, OLE_MAGIC))


def read_input_table(
    source: Source, table: str, headers: Sequence[str], *, names: Sequence[str] = (), advice: str = ""
) -> InputTable:
    """Read ``table`` (by name from a workbook or Book; the whole file from a CSV). WorkbookError when the file
    cannot be read or a workbook has no such table (``advice`` says where to start from)."""
    if isinstance(source, Book):
        raw = read_book(source, tables=(table,), names=names)
        return _from_table(raw.file or "the workbook", raw.tables.get(table), table, headers, raw.names, advice)
    p = Path(source)
    if not p.is_file():
        raise WorkbookError("file not found" if not p.exists() else "not a file", Location(str(p)))
    if is_workbook(p):
        raw = read_workbook(p, tables=(table,), names=names)
        return _from_table(str(p), raw.tables.get(table), table, headers, raw.names, advice, raw.table_names)
    opened = read_csv(p)
    start = next((i for i, r in enumerate(opened.rows) if any(v.strip() for v in r)), None)
    if start is None:
        raise WorkbookError("the file is empty: it needs a header row and data rows", Location(str(p)))
    found = [v.strip() for v in opened.rows[start]]
    mapping = _map(found, headers)
    rows = []
    for line, values in zip(opened.lines[start + 1 :], opened.rows[start + 1 :], strict=True):
        if all(_blank(v) for v in values):
            continue
        rows.append(
            InputRow(
                {h: values[j] if j is not None and j < len(values) else None for h, j in mapping.items()},
                {h: Location(str(p), row=line, column=h) for h in headers},
            )
        )
    header = Location(str(p), row=opened.lines[start])
    missing = [h for h, j in mapping.items() if j is None]
    return InputTable(str(p), header, rows, missing, found, how=opened.how)


def _map(found: Sequence[object], headers: Sequence[str]) -> dict[str, int | None]:
    by_fold: dict[str, int] = {}
    for j, h in enumerate(found):
        by_fold.setdefault(fold(h), j)
    return {h: by_fold.get(fold(h)) for h in headers}


def _from_table(
    file: str,
    data: TableData | None,
    table: str,
    headers: Sequence[str],
    names: dict[str, NamedCell | None],
    advice: str,
    table_names: Sequence[str] = (),
) -> InputTable:
    if data is None:
        listed = ", ".join(table_names) or "none"
        hint = f": {advice}" if advice else ""
        raise WorkbookError(f"table '{table}' not found (tables: {listed}){hint}", Location(file))
    mapping = _map(data.headers, headers)
    rows = []
    for i, values in enumerate(data.rows):
        if all(_blank(v) for v in values):
            continue
        row = data.header_row + 1 + i
        rows.append(
            InputRow(
                {h: values[j] if j is not None and j < len(values) else None for h, j in mapping.items()},
                {
                    h: Location(
                        file,
                        data.sheet,
                        f"{get_column_letter(data.first_col + j)}{row}" if j is not None else "",
                        column=h,
                    )
                    for h, j in mapping.items()
                },
            )
        )
    header = Location(file, data.sheet, f"{get_column_letter(data.first_col)}{data.header_row}")
    missing = [h for h, j in mapping.items() if j is None]
    return InputTable(file, header, rows, missing, list(data.headers), names, workbook=True)
