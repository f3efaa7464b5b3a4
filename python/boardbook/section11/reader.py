"""Read a section 11 return into a raw form, from a file (python-calamine) or any Book (the port).

Both give a ``RawReturn``: the defined names with where they point, and the Assessment table with
its position. ``validate.validate_return`` then checks it against the configuration, so the CLI and
the Excel "validate this return" button share every rule.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from boardbook.book.base import Book, TableData
from boardbook.book.fast import NamedCell, RawWorkbook, read_workbook
from boardbook.book.layout_reader import read_by_layout, read_xlsx_by_layout
from boardbook.book.snapshot import read_book
from boardbook.errors import Location, WorkbookError
from boardbook.folding import fold
from boardbook.package import LegacyWorkbook, open_package
from boardbook.recorded import CONFIG_TABLE
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
    # why a blank cell is not blank, by (sheet, cell): "" a formula never calculated, else its Excel error value;
    # worked out only when asked
    uncalculated: Callable[[], dict[tuple[str, str], str]] = field(default=dict)
    # of an .xlsx: the table (c.ASSESSMENT) and/or the names that were lost and found by the layout instead
    by_layout: list[str] = field(default_factory=list)
    # names that need a word: "deleted" (it refers to #REF!), or the sheet a sheet-scoped name was taken from
    name_notes: dict[str, str] = field(default_factory=dict)
    # other tables with the Assessment's headers (a copied sheet): (table, sheet, range)
    copies: list[tuple[str, str, str]] = field(default_factory=list)


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

    A legacy .xls or an .ods saved from the template is read by its layout instead; so is whatever an .xlsx
    lost (its Assessment table, its defined names), when its layout still shows it.
    """
    try:
        raw = read_workbook(
            path,
            tables=(c.ASSESSMENT,),
            names=c.RETURN_NAMES,
            advice="ask the agency to open it in Excel, save it as .xlsx and send it again",
        )
    except LegacyWorkbook as exc:
        return _legacy(exc, path)
    ret = _raw_return(raw)
    _find_lost(ret, path)
    _find_copies(ret, path)
    return ret


def _legacy(exc: LegacyWorkbook, path: str | Path) -> RawReturn:
    """A legacy .xls or .ods, read by its layout; ``exc`` (what the file is, what to do) when it cannot be."""
    try:
        raw = read_by_layout(exc.data, str(path), table=c.ASSESSMENT, required=("Ref", "Rating"), labels=COVER_LABELS)
    except WorkbookError as inner:
        if inner.location.sheet:  # a sheet too big to read: say which, and what the file is
            raise WorkbookError(f"{inner.problem}; {exc.problem}", inner.location) from None
        raise exc from None  # not even readable by layout: say what the file is and what to do
    if c.ASSESSMENT not in raw.tables:
        raise exc from None  # not laid out like the template either
    raw.sha256, raw.modified = hashlib.sha256(exc.data).hexdigest(), Path(path).stat().st_mtime
    return _raw_return(raw, legacy=exc.kind)


def _raw_return(raw: RawWorkbook, legacy: str = "") -> RawReturn:
    """A return's view of what a reader found: a file's tables and names, its layout, or an open Book's."""
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
        name_notes=raw.name_notes,
    )


def _find_lost(ret: RawReturn, path: str | Path) -> None:
    """An .xlsx without its Assessment table or some defined names (or names whose cell was deleted): take them
    from the layout (the header row; the labels on the cover) when it still shows them. Read again, so only then.
    """
    lost = [n for n in c.RETURN_NAMES if n not in ret.names or ret.name_notes.get(n) == "deleted"]
    if (ret.table is not None and not lost) or {c.RETURNS, c.LOG} <= set(ret.tables):
        return  # nothing lost; or a section 11 summary (its Returns table has a Ref and a Rating): not a return
    try:
        found = read_xlsx_by_layout(path, table=c.ASSESSMENT, required=("Ref", "Rating"), labels=COVER_LABELS)
    except WorkbookError:
        return  # what was lost stays lost, and is reported so
    if ret.table is None and c.ASSESSMENT in found.tables:
        ret.table = found.tables[c.ASSESSMENT]
        ret.by_layout.append(c.ASSESSMENT)
    for name in lost:
        if found.names.get(name) is not None:
            ret.names[name] = found.names[name]
            ret.by_layout.append(name)
    if ret.by_layout:
        first, second = ret.uncalculated, found.uncalculated
        ret.uncalculated = functools.cache(lambda: {**second(), **first()})


def _find_copies(ret: RawReturn, path: str | Path) -> None:
    """Other tables with the Assessment's Ref and Rating headers (a copied sheet gets 'Assessment3')."""
    others = [t for t in ret.tables if t != CONFIG_TABLE and (ret.table is None or t != ret.table.name)]
    if not others:
        return
    try:
        pkg = open_package(path)
        infos = [pkg.table(t) for t in others]
    except WorkbookError:
        return
    need = {fold(h) for h in ("Ref", "Rating")}
    for info in infos:
        if info is not None and need <= {fold(col) for col in info.columns}:
            ret.copies.append((info.name, info.sheet, info.ref))


def raw_from_book(book: Book) -> RawReturn:
    """The same raw form from an open Book (e.g. the live workbook in Excel)."""
    return _raw_return(read_book(book, tables=(c.ASSESSMENT,), names=c.RETURN_NAMES))


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
