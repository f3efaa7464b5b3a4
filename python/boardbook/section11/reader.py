"""Read a section 11 return into a raw form, from a file (python-calamine) or any Book (the port).

Both give a ``RawReturn``: the defined names with where they point, and the Assessment table with
its position. ``validate.validate_return`` then checks it against the configuration, so the CLI and
the Excel "validate this return" button share every rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from boardbook.book.base import Book, TableData
from boardbook.book.fast import NamedCell, read_workbook
from boardbook.book.layout_reader import read_by_layout
from boardbook.book.snapshot import read_book
from boardbook.errors import Location, WorkbookError
from boardbook.package import LegacyWorkbook
from boardbook.section11 import contract as c
from boardbook.section11.feedback import SummaryRows
from boardbook.textsafe import cell_text


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
    legacy: str = ""  # "xls" or "ods" when read by layout rather than by tables and defined names
    # formula cells with no calculated result, (sheet, cell): worked out only when asked
    uncalculated: Callable[[], dict[tuple[str, str], str]] = field(default=dict)


# The labels the template writes beside each defined name (templates/section11_return.py).
COVER_LABELS = {
    "Agency": "Agency",
    "Sector": "Sector",
    "Partnership(s)": "Partnership",
    "Partnership": "Partnership",
    "Audit round": "Round",
    "Completed by": "CompletedBy",
    "Completed on": "CompletedOn",
    "Template version": "TemplateVersion",
}


def load_return(path: str | Path) -> RawReturn:
    """Read a return file once. WorkbookError (naming the file) when it is not a readable workbook.

    A legacy .xls or an .ods saved from the template is read by its layout instead.
    """
    try:
        raw = read_workbook(
            path,
            tables=(c.ASSESSMENT,),
            names=c.RETURN_NAMES,
            advice="ask the agency to open it in Excel, save it as .xlsx and send it again",
        )
        legacy = ""
    except LegacyWorkbook as exc:
        try:
            raw = read_by_layout(
                exc.data, str(path), table=c.ASSESSMENT, required=("Ref", "Rating"), labels=COVER_LABELS
            )
        except WorkbookError:
            raise exc from None  # not even readable by layout: say what the file is and what to do
        if c.ASSESSMENT not in raw.tables:
            raise exc from None  # not laid out like the template either
        raw.sha256 = hashlib.sha256(exc.data).hexdigest()
        raw.modified = Path(path).stat().st_mtime
        legacy = exc.kind
    return RawReturn(
        raw.file,
        raw.names,
        raw.tables.get(c.ASSESSMENT),
        raw.table_names,
        raw.sheets,
        raw.has_macros,
        raw.hidden_sheets,
        raw.sha256,
        raw.modified,
        legacy,
        raw.uncalculated,
    )


def raw_from_book(book: Book) -> RawReturn:
    """The same raw form from an open Book (e.g. the live workbook in Excel)."""
    raw = read_book(book, tables=(c.ASSESSMENT,), names=c.RETURN_NAMES)
    return RawReturn(raw.file, raw.names, raw.tables.get(c.ASSESSMENT), raw.table_names, raw.sheets)


def read_summary(source: str | Path | Book) -> SummaryRows:
    """A collated summary's Returns, Problems, Challenge and Missing rows, round and partnership (a file or an
    open Book).

    WorkbookError naming the file when it has no ``Returns`` table (not a section 11 summary).
    """
    tables, names = (c.RETURNS, c.PROBLEMS, c.CHALLENGE, c.MISSING), ("Partnership", "Round")
    if isinstance(source, Book):
        raw = read_book(source, tables=tables, names=names)
    else:
        raw = read_workbook(source, tables=tables, names=names)
    if c.RETURNS not in raw.tables:
        raise WorkbookError(
            "no table 'Returns': is this a section 11 summary made by 'boardbook s11 collate'?",
            Location(raw.file or str(getattr(source, "path", "") or "the workbook")),
        )

    def name(n: str) -> str:
        found = raw.names.get(n)
        return cell_text(found.value) if found else ""

    def rows(t: str) -> list[dict[str, object]]:
        table = raw.tables.get(t)
        return [dict(r) for r in table.records()] if table else []

    return SummaryRows(
        name("Partnership"), name("Round"), rows(c.RETURNS), rows(c.PROBLEMS), rows(c.CHALLENGE), rows(c.MISSING)
    )
