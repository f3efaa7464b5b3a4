"""Fill a quadrant performance workbook — the business process, top to bottom:

1. read the board's indicator lists (CSV or .xlsx) and import any DfE EES files among them, with the same
   import as ``performance ees``;
2. give each imported figure the priority, target, polarity and tolerance of the list's row for that
   indicator (a row with no Period and no figures is such a standing setting);
3. decide values, previous values, RAG and trend with the rules (``assess``);
4. read the evidence (four lenses) and the risk factors, and place the factors in the quadrant;
5. lay out the Quadrant sheet, fill the workbook through the Book port and save it atomically.

Inputs are read once and never written.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from boardbook.atomic import refuse_input_as_output
from boardbook.book import open_book
from boardbook.book.base import Book
from boardbook.book.fast import read_tables
from boardbook.config import Config
from boardbook.errors import UsageError, WorkbookError
from boardbook.performance import contract as c
from boardbook.performance import ees, quadrant, reader, rules
from boardbook.performance.assess import PreviousValue, assess
from boardbook.performance.fill import WRAP, PerformanceContent, fill_performance
from boardbook.performance.model import Finding, Indicator, InputError, Problem, Where, fold
from boardbook.problems import by_severity, problem_from, write_problems
from boardbook.recorded import record_config
from boardbook.templates.performance import build_performance

IMPORTED_PRIORITY = "DfE indicators"  # for imported indicators the lists give no priority


@dataclass(frozen=True)
class EesOptions:
    """How to import the EES files given as indicator inputs."""

    la: str | None = None
    measures: Sequence[str] = ()
    neighbours: Path | None = None
    periods: int | None = None
    where: Sequence[str] = ()


@dataclass
class FillResult:
    out: Path
    indicators: list[Indicator]
    findings: list[Finding]
    risk: rules.RiskQuadrant | None
    inputs: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # notes written to the Problems table

    @property
    def rag_counts(self) -> Counter[str]:
        return Counter(i.rag or "not rated" for i in self.indicators)


def fill_workbook(
    out: str | Path | None,
    config: Config,
    *,
    indicators: Sequence[reader.Source],
    evidence: reader.Source | None = None,
    risk_factors: reader.Source | None = None,
    previous: str | Path | None = None,
    ees_options: EesOptions | None = None,
    prevalence_threshold: float | None = None,
    impact_threshold: float | None = None,
    prevalence_measure: str = c.ASSESSMENTS,
    now: datetime | None = None,
    book: Book | None = None,
) -> FillResult:
    """Read the inputs, apply the rules, fill ``out`` from the template and save it.

    With ``book`` (e.g. the live workbook in Excel), fill that book instead and leave saving to its owner.

    Raises:
        InputError: problems in an input (each naming file, row or cell, and column).
        UsageError: impossible options (an output that is an input, an EES file without --la ...).
    """
    out = Path(out) if out is not None else Path(str(book.path if book is not None else "") or "workbook.xlsx")
    if book is None and out.suffix.lower() != ".xlsx":
        raise UsageError(f"--out {out}: the performance workbook is an .xlsx file (give a name ending .xlsx)")
    if not indicators:
        raise UsageError("give at least one --indicators file (an indicator list or an EES CSV)")
    if prevalence_measure not in c.PREVALENCE_MEASURES:
        raise UsageError(f"--prevalence-measure must be one of: {', '.join(c.PREVALENCE_MEASURES)}")
    inputs = [
        Path(p)
        for p in (*indicators, evidence, risk_factors, previous, ees_options.neighbours if ees_options else None)
        if p is not None and not isinstance(p, Book)
    ]
    if book is None:
        refuse_input_as_output(out, *inputs)
        _check_output(out)

    try:
        listed: list[Indicator] = []
        imported: list[Indicator] = []
        for path in indicators:
            if not isinstance(path, Book) and ees.is_ees(path):
                imported += import_ees(path, ees_options or EesOptions())
            else:
                listed += reader.read_indicators(path)
        notes = [p for ind in (*listed, *imported) for p in ind.problems]
        rows = merge_imported(listed, imported) if imported else listed
        check_duplicates(rows)
        assess(rows, read_previous(previous) if previous else None)

        findings = reader.read_evidence(evidence) if evidence is not None else []
        risk = None
        if risk_factors is not None:
            factors = reader.read_risk_factors(risk_factors)
            risk = rules.classify_factors(
                [(f.factor, f.assessments, f.plans) for f in factors],
                prevalence_measure,
                prevalence_threshold,
                impact_threshold,
            )
    except WorkbookError as exc:  # an unreadable input too becomes a problem with its code
        error = exc if isinstance(exc, InputError) else InputError(problem_from(exc, "performance-unreadable"))
        if book is not None:  # filled in place: the open workbook shows what stopped it
            write_problems(book, by_severity(error.problems))
        if error is exc:
            raise
        raise error from None

    content = PerformanceContent(
        partnership=config.partnership,
        filled_at=now or datetime.now().replace(microsecond=0),
        indicators=rows,
        findings=findings,
        grid=quadrant.grid_rows(rows, findings),
        risk=risk,
        alt_text=quadrant.risk_alt_text(risk) if risk else "",
        problems=by_severity(notes),
    )
    if book is not None:
        fill_performance(book, content)
        record_config(book, config)
        return FillResult(out, rows, findings, risk, inputs, content.problems)
    kept = kept_reflections(out, inputs)
    fresh = build_performance(config)
    fill_performance(fresh, content)
    if kept:
        fresh.write_table(c.REFLECTIONS, kept, headers=c.REFLECTIONS_HEADERS, formats={"Text": WRAP})
    record_config(fresh, config)
    fresh.save(out, backup=True)
    return FillResult(out, rows, findings, risk, inputs, content.problems)


def refresh_book(book: Book, config: Config, *, now: datetime | None = None) -> FillResult:
    """Re-run the rules on an open workbook's own tables and fill it in place, unsaved ("Refresh quadrant")."""
    names = book.table_names()
    return fill_workbook(
        None,
        config,
        indicators=[book],
        evidence=book if c.EVIDENCE in names else None,
        risk_factors=book if c.RISK_FACTORS in names else None,
        now=now,
        book=book,
    )


def import_ees_csv(
    source: str | Path,
    la: str,
    measures: Sequence[str],
    out: str | Path,
    *,
    priority: str = "",
    options: EesOptions | None = None,
) -> list[ees.Imported]:
    """Import an EES file's measures for one local authority as indicator rows in a CSV (``performance ees``
    and the ribbon's "Import DfE data")."""
    options = options or EesOptions()
    target = Path(out)
    refuse_input_as_output(target, source, options.neighbours)
    if not measures:
        raise UsageError("give at least one measure column to import (e.g. CPP_subsequent_percent)")
    rows = ees.import_measures(
        source, la, measures, neighbours=options.neighbours, periods=options.periods, where=options.where
    )
    ees.write_indicator_csv(({**r.record, "Priority": priority} for r in rows), target)
    return rows


def kept_reflections(out: Path, inputs: Sequence[Path]) -> list[list[object]]:
    """The ``Reflections`` rows people typed, as typed: those of the workbook being replaced (``--out``) when it has
    the table (even emptied: what people deleted stays deleted), else those of the first input workbook that has
    some. A fresh fill starts from the template, so without this a re-run would lose them; the table is not
    boardbook's to check (the report pack reads it)."""
    for path in (out, *inputs):
        rows = _reflections(path)
        if rows is not None and (rows or path == out):
            return rows
    return []


def _reflections(path: Path) -> list[list[object]] | None:
    """The non-blank rows of a workbook's Reflections table; None when it is not a workbook with that table."""
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        return None
    try:
        table = read_tables(path, (c.REFLECTIONS,), below=(c.REFLECTIONS,)).get(c.REFLECTIONS)
    except WorkbookError:  # an unreadable input has been reported by its own reader
        return None
    if table is None or not all(h in table.headers for h in c.REFLECTIONS_HEADERS):
        return None
    cols = [table.headers.index(h) for h in c.REFLECTIONS_HEADERS]
    rows = [[row[j] for j in cols] for row in (*table.rows, *table.below)]  # typed under it too: taken in
    return [r for r in rows if any(v not in (None, "") for v in r)]


def _check_output(out: Path) -> None:
    """An existing --out must be a performance workbook (it is replaced); anything else is refused."""
    if not out.exists():
        return
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder: give a file name ending .xlsx")
    try:
        names = open_book(out).table_names() if out.suffix.lower() == ".xlsx" else []
    except WorkbookError:  # unreadable means "not ours": refused below
        names = []
    if c.INDICATORS not in names or c.RISK_FACTORS not in names:
        raise UsageError(f"{out} exists but is not a performance workbook: choose another --out")


def import_ees(path: str | Path, options: EesOptions) -> list[Indicator]:
    """Indicator records from an EES file (the same import as ``performance ees``)."""
    if not options.la or not options.measures:
        raise UsageError(
            f"{Path(path).name} is a DfE open-data (EES) file: give --la and at least one --measure to import it"
        )
    found = ees.import_measures(
        path, options.la, options.measures, neighbours=options.neighbours, periods=options.periods, where=options.where
    )
    records = [(Where(str(path), r.row), {**r.record, "Priority": IMPORTED_PRIORITY}) for r in found]
    indicators = reader.indicators_from_records(records)  # one per record
    for ind, r in zip(indicators, found, strict=True):
        ind.problems += r.problems
    return indicators


def merge_imported(listed: list[Indicator], imported: list[Indicator]) -> list[Indicator]:
    """The list's rows with imported figures added (see the module docstring, step 2)."""
    names = {fold(i.indicator) for i in imported}
    standing = {fold(i.indicator): i for i in listed if reader.is_standing(i) and fold(i.indicator) in names}
    rows = [i for i in listed if fold(i.indicator) not in standing or not reader.is_standing(i)]
    same_period: dict[tuple[str, str], list[Indicator]] = defaultdict(list)
    latest: dict[str, Indicator] = {}
    for ind in rows:
        same_period[(fold(ind.indicator), fold(ind.period))].append(ind)
        if fold(ind.indicator) not in latest or (
            rules.period_key(ind.period) >= rules.period_key(latest[fold(ind.indicator)].period)
        ):
            latest[fold(ind.indicator)] = ind
    for imp in imported:
        matches = same_period.get((fold(imp.indicator), fold(imp.period)))
        if matches:
            for ind in matches:
                _complete(ind, imp)
            continue
        settings = standing.get(fold(imp.indicator)) or latest.get(fold(imp.indicator))
        if settings is not None:
            imp.priority = settings.priority
            imp.definition = settings.definition or imp.definition
            imp.target, imp.tolerance = settings.target, settings.tolerance
            imp.polarity = settings.polarity or imp.polarity
        rows.append(imp)
    return rows


def _complete(ind: Indicator, imp: Indicator) -> None:
    """Fill the blanks of a list row from the imported figure for the same indicator and period."""
    if ind.value is None and ind.numerator is None:
        ind.value = imp.value
    ind.england = imp.england if ind.england is None else ind.england
    ind.neighbours = imp.neighbours if ind.neighbours is None else ind.neighbours
    ind.definition = ind.definition or imp.definition
    ind.polarity = ind.polarity or imp.polarity
    ind.source = ind.source or imp.source
    ind.notes += imp.notes


def check_duplicates(rows: Sequence[Indicator]) -> None:
    """The same priority, indicator and period twice (across files) is an error naming both rows."""
    seen: dict[tuple[str, str, str], Indicator] = {}
    problems = []
    for ind in rows:
        k = (*ind.key, fold(ind.period))
        if k in seen and seen[k].where.file != ind.where.file:
            other = seen[k].where
            problems.append(
                ind.where.problem(
                    "indicator-duplicate",
                    "Indicator",
                    f"'{ind.indicator}' for period '{ind.period}' under "
                    f"priority '{ind.priority}' is listed twice (also {Path(other.file).name} "
                    f"row {other.row})",
                )
            )
        seen.setdefault(k, ind)
    if problems:
        raise InputError(problems)


def read_previous(path: str | Path) -> dict[tuple[str, str], list[PreviousValue]]:
    """Values of a previous filled performance workbook, by priority + indicator."""
    table = read_tables(path, (c.INDICATORS,), required=(c.INDICATORS,))[c.INDICATORS]
    missing = [h for h in ("Priority", "Indicator", "Value") if h not in table.headers]
    if missing:
        raise InputError(
            [
                Where(str(path), table.header_row, table.sheet).problem(
                    "previous-column-missing",
                    missing[0],
                    "the previous workbook's Indicators table has no such column",
                )
            ]
        )
    out: dict[tuple[str, str], list[PreviousValue]] = defaultdict(list)
    name = Path(path).name
    for rec in table.records():
        try:
            value = reader.number(rec.get("Value"))
        except ValueError:
            continue
        if value is None:
            continue
        key = (fold(reader.text(rec.get("Priority"))), fold(reader.text(rec.get("Indicator"))))
        out[key].append(PreviousValue(reader.text(rec.get("Period")), value, name))
    return out
