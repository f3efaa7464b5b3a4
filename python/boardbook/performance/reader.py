"""Read the performance inputs — indicators, evidence, risk factors — from CSV or .xlsx, and validate them.

An .xlsx input is read from its table of the contract's name (``Indicators``, ``Evidence``, ``RiskFactors``:
a filled performance workbook is a valid input) or else from the first sheet, header in its first row.
A CSV may be saved by Excel as "CSV UTF-8" (with a byte-order mark) or plain "CSV" (Windows-1252).
Headers are matched ignoring case and spacing; extra columns are ignored. Every problem names the file,
the row (CSV) or sheet and cell (.xlsx), and the column; all problems of a file are reported together::

    >>> read_indicators("indicators.csv")      # doctest: +SKIP
    InputError: indicators.csv row 4, column Denominator: 0: a rate needs a denominator above 0
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import python_calamine as pc
from openpyxl.utils.cell import get_column_letter

from boardbook.book.base import Book
from boardbook.book.fast import reading
from boardbook.book.numfmt import GENERAL, PackageFormats, typed
from boardbook.csvfile import read_csv
from boardbook.dates import parse_date
from boardbook.errors import Location, WorkbookError
from boardbook.numbers import AmbiguousNumber, read_number
from boardbook.package import OLE_MAGIC, ZIP_MAGIC, Package, open_package
from boardbook.performance import contract as c
from boardbook.performance import rules
from boardbook.performance.model import Finding, Indicator, InputError, Problem, RiskFactor, Where, fold
from boardbook.problems import INFO
from boardbook.suggest import close_matches

Record = dict[str, object]
COLUMN_MISSING = {
    c.INDICATORS: "indicator-column-missing",
    c.EVIDENCE: "evidence-column-missing",
    c.RISK_FACTORS: "risk-factor-column-missing",
}
Source = str | Path | Book  # a CSV or .xlsx file, or an open workbook (the ribbon's own tables)
Row = tuple[Where, Record]

# DfE's symbols, accepted in numeric cells of an indicator list as in an EES file: the value is empty.
EES_CODES = {
    "c": "suppressed to protect confidentiality (c)",
    "z": "not applicable (z)",
    "x": "not available (x)",
    ":": "not available (:)",
    "u": "low reliability (u): no figure published",
}
RAG_ALIASES = {"g": c.GREEN, "a": c.AMBER, "r": c.RED, **{lb.casefold(): lb for lb in c.RAG_LABELS}}
INDICATOR_NUMBERS = (
    "Numerator",
    "Denominator",
    "Per",
    "Value",
    "Previous",
    "Target",
    "Tolerance",
    "Statistical neighbours",
    "England",
)


# -- reading a table from a file ------------------------------------------------------------------------
@dataclass
class Rows:
    """The non-blank rows of an input as {contract header: value}, where its header row is, and which
    contract columns it has."""

    header: Where
    columns: set[str]
    rows: list[Row]


def read_rows(source: Source, table: str, headers: Sequence[str], required: Sequence[str]) -> Rows:
    """Read the source's table (a file's table, first sheet or CSV; or an open Book's table), checking the
    ``required`` columns are there."""
    found: Sequence[object]
    body: Sequence[Sequence[object]]
    how = ""  # how a CSV or a sheet without a table was read, said when its columns do not match
    formats: Mapping[tuple[int, int], str] = {}  # a workbook's non-General number formats, by (row, column) of body
    if isinstance(source, Book):
        file = str(source.path or "the workbook")
        if table not in source.table_names():
            raise WorkbookError(
                f"table '{table}' not found (tables: {', '.join(source.table_names()) or 'none'})", Location(file)
            )
        t = source.read_table(table)
        sheet, header_row, first_col, found, body = t.sheet, t.header_row, t.first_col, list(t.headers), t.rows
        formats = t.formats()
    else:
        p = Path(source)
        file = str(p)
        if not p.is_file():
            raise WorkbookError("file not found" if not p.exists() else "not a file", Location(str(p)))
        head = p.open("rb").read(8)
        # By content, not name: a CSV saved as "indicators.xlsx" is still read as the CSV it is.
        if head.startswith((ZIP_MAGIC, OLE_MAGIC)) or (p.suffix.lower() in (".xlsx", ".xlsm") and not head.strip()):
            sheet, header_row, first_col, found, body, formats, how = _xlsx_table(p, table, headers, required)
        else:
            sheet, header_row, first_col, found, body, how = "", *_csv_table(p)
    mapping = _map_headers(found, headers)
    letters = tuple((h, get_column_letter(first_col + j)) for j, h in mapping.items()) if sheet else ()
    header_where = Where(file, header_row, sheet, letters)
    missing = [h for h in required if h not in mapping.values()]
    if missing:
        unknown = [str(f) for j, f in enumerate(found) if j not in mapping and str(f).strip()]
        problems = []
        for h in missing:
            hint = close_matches(h, unknown)
            message = f"the column '{h}' is missing (found: {', '.join(str(f) for f in found if str(f).strip())})" + (
                f"; rename '{hint[0]}' to '{h}'" if hint else f"; {how}" if how else ""
            )
            problems.append(header_where.problem(COLUMN_MISSING[table], h, message))
        raise InputError(problems)
    if formats:  # a number shown as a percentage is read as its percentage, exactly as typing "24.4%" is
        body = [[typed(v, formats.get((i, j), GENERAL)) for j, v in enumerate(r)] for i, r in enumerate(body)]
    rows = []
    for i, values in enumerate(body, start=header_row + 1):
        if all(_blank(v) for v in values):
            continue
        record = {h: (values[j] if j < len(values) else None) for j, h in mapping.items()}
        rows.append((Where(file, i, sheet, letters), record))
    return Rows(header_where, set(mapping.values()), rows)


def _csv_table(p: Path) -> tuple[int, int, list[str], list[list[str]], str]:
    opened = read_csv(p)
    records = opened.rows
    start = next((i for i, r in enumerate(records) if any(v.strip() for v in r)), None)
    if start is None:
        raise WorkbookError("the file is empty: it needs a header row and data rows", Location(str(p)))
    return start + 1, 1, [v.strip() for v in records[start]], [list(r) for r in records[start + 1 :]], opened.how


def _xlsx_table(
    p: Path, table: str, headers: Sequence[str], required: Sequence[str]
) -> tuple[str, int, int, Sequence[object], Sequence[Sequence[object]], Mapping[tuple[int, int], str], str]:
    """The file's table ``table``; else the first visible sheet whose header row (the first row with data, or a
    row below a title, within ``HEADER_SEARCH`` rows) holds the ``required`` columns; else the first sheet's
    first row with data, with a note (the last item) saying which sheet was read and where the data must be.
    The body's non-General number formats come with it (so a % cell is read as the percentage it shows)."""
    pkg = open_package(p)
    with reading(p):
        wb = pc.CalamineWorkbook.from_filelike(pkg.stream(), load_tables=True)
        if table in (wb.table_names or []):
            info = pkg.check_table(table)  # before calamine builds it: a stray keystroke must not abort the run
            if not info.data_rows:  # header only (calamine cannot cut it out)
                return info.sheet, info.first_row + info.header_rows - 1, info.first_col, info.columns, [], {}, ""
            t = wb.get_table_by_name(table)
            assert t.start is not None, "a table always has a data row"
            rows = t.to_python()
            width = len(t.columns)
            formats = PackageFormats(pkg.zip).block(t.sheet, t.start[0] + 1, t.start[1] + 1, len(rows), width)
            return t.sheet, t.start[0], t.start[1] + 1, list(t.columns), rows, formats, ""
        visible = [
            m.name
            for m in wb.sheets_metadata
            if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")
        ] or wb.sheet_names
        first: tuple[str, int, Sequence[Sequence[object]]] | None = None
        for name in visible:
            pkg.check_sheet(name)  # what the sheet claims, before calamine builds it
            cells = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            candidates = [i for i, r in enumerate(cells) if any(not _blank(v) for v in r)][:HEADER_SEARCH]
            if first is None and candidates:
                first = (name, candidates[0], cells)
            for i in candidates:
                if set(required) <= set(_map_headers(cells[i], headers).values()):
                    return (name, *_from_row(cells, i), _sheet_formats(pkg, name, cells, i), "")
    if first is None:
        raise WorkbookError(
            f"{'the sheets are' if len(visible) > 1 else f'sheet {visible[0]!r} is'} empty: it needs a header row "
            "and data rows",
            Location(str(p), visible[0]),
        )
    name, start, grid = first
    how = (
        f"read sheet '{name}' (no table named '{table}', and no sheet has a row with these headers): put the "
        f"headers in the first row of the first sheet, or make the data an Excel table named '{table}'"
    )
    with reading(p):
        return (name, *_from_row(grid, start), _sheet_formats(pkg, name, grid, start), how)


def _sheet_formats(
    pkg: Package, sheet: str, cells: Sequence[Sequence[object]], start: int
) -> Mapping[tuple[int, int], str]:
    """The number formats of the body below header row ``start`` (0-based), from its first non-blank cell."""
    first = next(j for j, v in enumerate(cells[start]) if not _blank(v))
    return PackageFormats(pkg.zip).block(sheet, start + 2, first + 1, len(cells) - start - 1, 16_384)


HEADER_SEARCH = 10  # rows a header may sit below titles and notes on a sheet without a table


def _from_row(
    cells: Sequence[Sequence[object]], start: int
) -> tuple[int, int, Sequence[object], Sequence[Sequence[object]]]:
    """Header row ``start`` (0-based) and the rows below it, from its first non-blank cell rightwards."""
    first = next(j for j, v in enumerate(cells[start]) if not _blank(v))
    return start + 1, first + 1, list(cells[start][first:]), [list(r[first:]) for r in cells[start + 1 :]]


def _map_headers(found: Sequence[object], headers: Sequence[str]) -> dict[int, str]:
    wanted = {fold(h): h for h in headers}
    out: dict[int, str] = {}
    for j, f in enumerate(found):
        h = wanted.get(fold(str(f if f is not None else "")))
        if h is not None and h not in out.values():
            out[j] = h
    return out


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- cell values -------------------------------------------------------------------------------------------
def text(value: object) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def number(value: object) -> float | None:
    """A number from a cell: numbers as they are; text with thousands commas, spaces or a trailing %.

    Raises:
        ValueError: text that is not a number.
    """
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        return float(value)
    raw = str(value).strip()
    try:
        result = float(read_number(raw).value)
    except AmbiguousNumber:
        raise
    except ValueError:
        raise ValueError(f"'{raw}' is not a number") from None
    if not math.isfinite(result):
        raise ValueError(f"'{raw}' is too large to be a figure")
    return result


class _Checker:
    """Collects the problems of one file (codes: ``model.CODES``); notes (Info) go to ``info``."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.info: list[Problem] = []

    def add(self, code: str, where: Where, column: str, message: str) -> None:
        self.problems.append(where.problem(code, column, message))

    def number(
        self, code: str, where: Where, record: Record, column: str, notes: list[str] | None = None
    ) -> float | None:
        value = record.get(column)
        if notes is not None and isinstance(value, str) and value.strip().casefold() in EES_CODES:
            meaning = EES_CODES[value.strip().casefold()]
            notes.append(f"{column}: {meaning}")
            self.info.append(where.problem("ees-suppressed", column, f"{meaning}: left blank", INFO))
            return None
        try:
            return number(value)
        except ValueError as exc:
            self.add(code, where, column, str(exc))
            return None

    def done(self) -> None:
        if self.problems:
            raise InputError(self.problems)


# -- indicators ---------------------------------------------------------------------------------------
def read_indicators(path: Source) -> list[Indicator]:
    """Indicator rows from a CSV or .xlsx in the ``Indicators`` columns. Needs Priority, Indicator, Period and
    a Value or Numerator and Denominator."""
    table = read_rows(path, c.INDICATORS, c.INDICATORS_HEADERS, ("Priority", "Indicator", "Period"))
    if "Value" not in table.columns and not {"Numerator", "Denominator"} <= table.columns:
        raise InputError(
            [
                table.header.problem(
                    "indicator-column-missing",
                    "Value",
                    "the column 'Value' is missing (or give 'Numerator' and 'Denominator' to compute it)",
                )
            ]
        )
    return indicators_from_records(table.rows)


def indicators_from_records(rows: Sequence[Row]) -> list[Indicator]:
    """Validate indicator records (from a file, or from the EES import) into ``Indicator`` records."""
    check = _Checker()
    out: list[Indicator] = []
    seen: dict[tuple[str, str, str], Where] = {}
    for where, r in rows:
        notes: list[str] = []
        noted = len(check.info)
        ind = Indicator(
            priority=text(r.get("Priority")),
            indicator=text(r.get("Indicator")),
            where=where,
            definition=text(r.get("Definition")),
            period=text(r.get("Period")),
            source=text(r.get("Source")),
        )
        existing_note = text(r.get("Note"))
        for column in ("Priority", "Indicator"):
            if not text(r.get(column)):
                check.add("indicator-blank", where, column, "is blank")
        nums = {
            h: check.number(
                "indicator-not-a-number",
                where,
                r,
                h,
                notes if h in ("Value", "Previous", "Statistical neighbours", "England") else None,
            )
            for h in INDICATOR_NUMBERS
        }
        ind.numerator, ind.denominator, ind.per = nums["Numerator"], nums["Denominator"], nums["Per"]
        ind.value, ind.previous, ind.target = nums["Value"], nums["Previous"], nums["Target"]
        ind.tolerance, ind.neighbours, ind.england = nums["Tolerance"], nums["Statistical neighbours"], nums["England"]
        try:
            ind.polarity = rules.polarity(r.get("Polarity"))
        except ValueError as exc:
            check.add("indicator-polarity-unknown", where, "Polarity", str(exc))
        if ind.denominator is not None and ind.denominator <= 0:
            check.add(
                "indicator-denominator-not-positive",
                where,
                "Denominator",
                f"{text(r.get('Denominator'))}: a rate needs a denominator above 0",
            )
        if ind.per is not None and ind.per <= 0:
            check.add(
                "indicator-per-not-positive",
                where,
                "Per",
                f"{text(r.get('Per'))}: 'Per' must be above 0 (e.g. 100 or 10000)",
            )
        if ind.tolerance is not None and ind.tolerance < 0:
            check.add(
                "indicator-tolerance-negative",
                where,
                "Tolerance",
                f"{text(r.get('Tolerance'))}: the tolerance must be 0 or more",
            )
        no_num, no_den = _blank(r.get("Numerator")), _blank(r.get("Denominator"))
        if no_num != no_den and _blank(r.get("Value")):
            blank = "Denominator" if no_den else "Numerator"
            other = "Numerator" if blank == "Denominator" else "Denominator"
            check.add(
                "indicator-rate-incomplete", where, blank, f"is blank but {other} is given: give both, or a Value"
            )
        # A Note is "; "-separated: split it, so re-filling a filled workbook does not repeat its own notes.
        ind.notes = [*(n.strip() for n in existing_note.split("; ")), *notes]
        k = (*ind.key, fold(ind.period))
        if ind.priority and ind.indicator:
            if k in seen:
                first = seen[k]
                also = f"row {first.row}" if first.file == where.file else f"{Path(first.file).name} row {first.row}"
                check.add(
                    "indicator-duplicate",
                    where,
                    "Indicator",
                    f"'{ind.indicator}' for period '{ind.period}' under priority "
                    f"'{ind.priority}' is listed twice (also {also})",
                )
            else:
                seen[k] = where
        ind.problems = check.info[noted:]
        out.append(ind)
    check.done()
    return out


def is_standing(ind: Indicator) -> bool:
    """A row with no Period and no figures: settings (priority, target...) for an indicator imported from EES."""
    return not ind.period and all(v is None for v in (ind.value, ind.numerator, ind.denominator))


# -- evidence ---------------------------------------------------------------------------------------------
def read_evidence(path: Source) -> list[Finding]:
    """Findings from a CSV or .xlsx in the ``Evidence`` columns; Priority, Lens and Finding are required."""
    rows = read_rows(path, c.EVIDENCE, c.EVIDENCE_HEADERS, ("Priority", "Lens", "Finding")).rows
    check = _Checker()
    lenses = {fold(lens): lens for lens in c.LENSES}
    out = []
    for where, r in rows:
        for column in ("Priority", "Finding"):
            if not text(r.get(column)):
                check.add("evidence-blank", where, column, "is blank")
        raw_lens = text(r.get("Lens"))
        lens = lenses.get(fold(raw_lens))
        if lens is None:
            hint = close_matches(raw_lens, c.LENSES)
            check.add(
                "evidence-lens-unknown",
                where,
                "Lens",
                (f"'{raw_lens}' is not a lens" if raw_lens else "is blank")
                + f": use one of {', '.join(c.LENSES)}"
                + (f" (did you mean '{hint[0]}'?)" if hint else ""),
            )
        rag = _rag(check, where, r)
        when = r.get("Date")
        day: date | None = None
        if not _blank(when):
            day = parse_date(when)
            if day is None:
                check.add("evidence-date-invalid", where, "Date", f"'{text(when)}' is not a date (use dd/mm/yyyy)")
        out.append(
            Finding(
                text(r.get("Priority")),
                lens or raw_lens,
                text(r.get("Finding")),
                where,
                rag,
                text(r.get("Source")),
                day,
            )
        )
    check.done()
    return out


def _rag(check: _Checker, where: Where, r: Record) -> str | None:
    raw = text(r.get("RAG"))
    if not raw:
        return None
    found = RAG_ALIASES.get(raw.casefold())
    if found is None:
        check.add(
            "evidence-rag-unknown",
            where,
            "RAG",
            f"'{raw}' is not a RAG rating: use Green, Amber or Red (or leave it blank)",
        )
    return found


# -- risk factors ----------------------------------------------------------------------------------------
def read_risk_factors(path: Source) -> list[RiskFactor]:
    """Risk factors from a CSV or .xlsx: Factor, Assessments (identifying it), Plans (children who went on to
    a child protection plan)."""
    rows = read_rows(path, c.RISK_FACTORS, c.RISK_FACTORS_HEADERS, ("Factor", "Assessments", "Plans")).rows
    check = _Checker()
    out = []
    seen: dict[str, Where] = {}
    for where, r in rows:
        name = text(r.get("Factor"))
        if not name:
            check.add("risk-factor-blank", where, "Factor", "is blank")
        counts = {h: _count(check, where, r, h) for h in ("Assessments", "Plans")}
        a, p = counts["Assessments"], counts["Plans"]
        if a == 0:
            check.add(
                "risk-factor-no-assessments",
                where,
                "Assessments",
                "0: the conversion to a plan needs assessments above 0 (leave out factors no assessment identified)",
            )
        if a is not None and p is not None and p > a:
            check.add(
                "risk-factor-plans-exceed",
                where,
                "Plans",
                f"{p} is more than Assessments ({a}): plans count children whose assessment identified the factor",
            )
        if name:
            if fold(name) in seen:
                check.add(
                    "risk-factor-duplicate",
                    where,
                    "Factor",
                    f"'{name}' is listed twice (also row {seen[fold(name)].row})",
                )
            seen.setdefault(fold(name), where)
        if name and a is not None and p is not None:
            out.append(RiskFactor(name, a, p, where))
    check.done()
    if not out:
        file = str(path.path or "the workbook") if isinstance(path, Book) else str(path)
        raise InputError([Problem("risk-factor-none", "no risk factors found: the table has no rows", file=file)])
    return out


def _count(check: _Checker, where: Where, r: Record, column: str) -> int | None:
    raw = r.get(column)
    if _blank(raw):
        check.add("risk-factor-blank", where, column, "is blank")
        return None
    value = check.number("risk-factor-not-a-count", where, r, column)
    if value is None:
        return None
    if value < 0 or not value.is_integer():
        check.add("risk-factor-not-a-count", where, column, f"{text(raw)} is not a count (a whole number, 0 or more)")
        return None
    return int(value)
