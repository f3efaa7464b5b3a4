"""Read the filled workbooks the report pack takes its tables from — by table name and defined name, through
``book.fast.read_workbook`` — and turn each into an appendix. A workbook given to the wrong option, or a template
never filled, is a problem naming the file and the table it lacks, and the command that fills it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from boardbook.book.base import TableData
from boardbook.book.fast import RawWorkbook, read_workbook
from boardbook.concerns import contract as cc
from boardbook.concerns.rules import mark
from boardbook.errors import Location, WorkbookError
from boardbook.folding import fold
from boardbook.learning import contract as lc
from boardbook.performance import contract as pc
from boardbook.problems import ERROR, WARNING, Problem
from boardbook.report import contract as c
from boardbook.report import rules
from boardbook.report.model import COUNT, MEAN, MONEY, PERCENT, Appendix, Cell
from boardbook.textsafe import cell_text, quoted


@dataclass(frozen=True)
class Source:
    """What one option of ``boardbook report`` takes: which workbook, the table that proves it, how to fill it."""

    option: str
    what: str
    table: str
    fill: str


SOURCES = {
    "budget": Source("--budget", "budget workbook", "AnnualReport", "boardbook budget fill BUDGET --out budget.xlsx"),
    "performance": Source(
        "--performance",
        "quadrant performance workbook",
        pc.QUADRANT,
        "boardbook performance fill --indicators LIST --evidence EVIDENCE --out quadrant-performance.xlsx",
    ),
    "s11": Source(
        "--s11", "section 11 summary", "Standards", "boardbook s11 collate RETURNS --out section11-summary.xlsx"
    ),
    "learning": Source(
        "--learning",
        "learning and improvement tracker",
        lc.RECOMMENDATIONS,
        "boardbook learning fill TRACKER --out learning-improvement.xlsx",
    ),
    "training": Source(
        "--training",
        "training evaluation workbook",
        "LearningGain",
        "boardbook training fill EXPORTS --out training-evaluation.xlsx",
    ),
    "concerns": Source(
        "--concerns", "matrix of concerns", cc.CONCERNS, "boardbook concerns fill MATRIX --out concerns-matrix.xlsx"
    ),
}


class Problems(list[Problem]):
    """The problems found while reading the inputs (all of them: one run says everything); ``stop`` says whether
    any is an error."""

    def add(self, code: str, where: Location, message: str, severity: str = ERROR) -> None:
        self.append(Problem.at(code, where, message, severity))

    @property
    def stop(self) -> bool:
        return any(p.severity == ERROR for p in self)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def open_input(
    path: Path,
    source: Source,
    problems: Problems,
    tables: Sequence[str] = (),
    names: Sequence[str] = (),
    below: Sequence[str] = (),
) -> tuple[RawWorkbook, TableData] | None:
    """The workbook and its main table, or None with the problem said: unreadable, wrong workbook, never filled."""
    file = str(path)
    advice = f"give {source.option} the filled {source.what} ({source.fill})"
    try:
        raw = read_workbook(
            path, tables=(source.table, *tables), names=(*names, "Partnership"), advice=advice, below=below
        )
    except WorkbookError as exc:
        message = exc.problem if advice in exc.problem else f"{exc.problem}; {advice}"
        problems.add("report-unreadable", exc.location if exc.location.file else Location(file), message)
        return None
    table = raw.tables.get(source.table)
    if table is None:
        found = ", ".join(raw.table_names) or "none"
        problems.add(
            "report-table-missing",
            Location(file),
            f"no table '{source.table}' (tables found: {found}): this is not a filled {source.what}; {advice}",
        )
        return None
    return raw, table


def partnership(raw: RawWorkbook) -> str:
    """The workbook's ``Partnership`` defined name, or "" (the report's cover names the partnership)."""
    found = raw.names.get("Partnership")
    return cell_text(found.value) if found is not None else ""


def with_partnership(raw: RawWorkbook, appendix: Appendix) -> Appendix:
    appendix.partnership = partnership(raw)
    found = raw.names.get("Partnership")
    if found is not None:
        appendix.partnership_at = (found.sheet, found.cell)
    return appendix


def one_partnership(appendices: Sequence[Appendix], problems: Problems) -> None:
    """A warning on each workbook naming another partnership than the first that names one: a regional analyst's
    folders hold many partnerships' workbooks, and the pack's cover names only one."""
    first = next((a for a in appendices if a.partnership), None)
    for a in appendices:
        if first is None or not a.partnership or fold(a.partnership) == fold(first.partnership):
            continue
        problems.add(
            "report-partnership-differs",
            Location(a.source, *a.partnership_at),
            f"this workbook names the partnership {quoted(a.partnership)}, but {Path(first.source).name} names "
            f"{quoted(first.partnership)}, the one the pack's cover gives: check each workbook given is that "
            "partnership's",
            WARNING,
        )


def columns(table: TableData, file: str, wanted: Sequence[str], problems: Problems) -> dict[str, int] | None:
    """Column index of each wanted header, or None after saying which are missing (at the header row)."""
    missing = [h for h in wanted if h not in table.headers]
    for h in missing:
        problems.add(
            "report-column-missing",
            Location(file, table.sheet, f"{table.header_cell(table.headers[0])}"),
            f"table '{table.name}' has no column '{h}' (found: {', '.join(table.headers)}): fill the workbook again "
            "with boardbook so its tables have the columns it writes",
        )
    return None if missing else {h: table.headers.index(h) for h in wanted}


def filled_rows(table: TableData, key: int, file: str, source: Source, problems: Problems) -> list[int] | None:
    """Indexes of the rows whose ``key`` column is not blank; None (and a problem) when there is none."""
    rows = [i for i, row in enumerate(table.rows) if key < len(row) and not _blank(row[key])]
    if not rows:
        problems.add(
            "report-not-filled",
            Location(file, table.sheet),
            f"table '{table.name}' has no rows: the {source.what} was never filled; fill it first: {source.fill}",
        )
        return None
    return rows


def open_rows(
    path: Path,
    kind: str,
    headers: Sequence[str],
    key: str,
    problems: Problems,
    *,
    tables: Sequence[str] = (),
    names: Sequence[str] = (),
    below: Sequence[str] = (),
) -> tuple[RawWorkbook, TableData, dict[str, int], list[int]] | None:
    """A ``kind`` of workbook, its main table, that table's columns and the rows whose ``key`` is filled — or None
    with the problem said (unreadable, the wrong workbook, a column missing, never filled)."""
    source = SOURCES[kind]
    opened = open_input(path, source, problems, tables=tables, names=names, below=below)
    if opened is None:
        return None
    raw, table = opened
    cols = columns(table, str(path), headers, problems)
    rows = None if cols is None else filled_rows(table, cols[key], str(path), source, problems)
    return None if cols is None or rows is None else (raw, table, cols, rows)


def number(
    table: TableData,
    i: int,
    header: str,
    file: str,
    problems: Problems,
    *,
    blank_ok: bool = False,
    raw: RawWorkbook | None = None,
) -> float | None:
    """A numeric cell's value; a problem naming the cell when it is not a number. With ``blank_ok`` a blank
    is None, unless ``raw`` shows it is a formula no spreadsheet calculated (or an error value): that blank
    is not a nothing to count as 0."""
    value = table.rows[i][table.column(header)]
    if isinstance(value, bool) or not isinstance(value, int | float):
        cell = table.cell(i, header)
        why = raw.uncalculated().get((table.sheet, cell)) if raw is not None and _blank(value) else None
        if blank_ok and _blank(value) and why is None:
            return None
        if why is not None:
            held = f"the error {why}" if why else "a formula no spreadsheet has calculated"
        else:
            held = quoted(cell_text(value)) if not _blank(value) else "nothing"
        todo = (
            "correct the cells it is worked out from, or fill the workbook again with boardbook"
            if why
            else "open the workbook in Excel (or LibreOffice), let it calculate and save it, or fill it again with "
            "boardbook"
        )
        problems.add(
            "report-value-missing",
            Location(file, table.sheet, cell),
            f"{header} holds {held} where a number is expected: {todo}",
        )
        return None
    return float(value)


def count(value: float | None) -> int | float | None:
    """A count as a whole number (a workbook stores 3 as 3.0)."""
    return int(value) if value is not None and value.is_integer() else value


def money(value: float) -> Decimal:
    """An amount as the workbook holds it (a binary float) to the penny: 1234.56 stays 1234.56, and a half penny
    rounds up (7150.005 is 7150.01), as Excel and LibreOffice show it in the budget."""
    try:
        return Decimal(repr(value)).quantize(rules.PENNY, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # inf or nan: not an amount
        return Decimal(0)


# -- the budget appendix ---------------------------------------------------------------------------------------
def read_budget(path: Path, *, council_convention: bool, problems: Problems) -> Appendix | None:
    src, file = SOURCES["budget"], str(path)
    found_rows = open_rows(path, "budget", c.BUDGET_APPENDIX_HEADERS, "Line", problems, names=c.BUDGET_NAMES)
    if found_rows is None:
        return None
    raw, table, cols, rows = found_rows
    names: dict[str, Decimal] = {}
    for name in c.BUDGET_NAMES:
        found = raw.names.get(name)
        if found is None:
            problems.add(
                "report-name-missing",
                Location(file),
                f"the defined name '{name}' is missing: the appendix is checked against it; {src.fill}",
            )
        elif isinstance(found.value, int | float) and not isinstance(found.value, bool):
            names[name] = money(float(found.value))
        else:
            problems.add(
                "report-value-missing",
                Location(file, found.sheet, found.cell),
                f"{name} holds {quoted(cell_text(found.value)) if not _blank(found.value) else 'nothing'}: "
                f"the budget is not filled (or not calculated); {src.fill}",
            )
    lines = []
    cells: dict[str, str] = {}  # line -> its Amount cell, for messages
    for i in rows:
        amount = number(table, i, "Amount", file, problems, raw=raw)
        row = table.rows[i]
        section, line = cell_text(row[cols["Section"]]), cell_text(row[cols["Line"]])
        lines.append(rules.BudgetLine(section, line, money(amount or 0)))
        cells.setdefault(line, table.cell(i, "Amount"))
    if problems.stop:
        return None
    income_positive = rules.published(lines, names["TotalIncome"], council_convention=False)
    for what, line_name, total, name, value in rules.reconcile(income_positive, names):
        problems.add(
            "report-budget-mismatch",
            Location(file, table.sheet, cells.get(line_name or "", "")),
            f"{what} of table '{table.name}' {'is' if line_name and not what.startswith('the lines') else 'add up to'} "
            f"{rules.money_text(total)} but "
            f"{name} is "
            f"{rules.money_text(value)}: the published table must add up; fill the budget again ({src.fill})",
        )
    if problems.stop:
        return None
    shown = rules.published(lines, names["TotalIncome"], council_convention=council_convention)
    note = (
        "Council convention: income (funding streams, income, contributions and TOTAL INCOME) is shown as "
        "negative amounts; expenditure and reserves as positive."
        if council_convention
        else "Income and expenditure are both shown as positive amounts."
    )
    return with_partnership(
        raw,
        Appendix(
            c.BUDGET_APPENDIX,
            "Budget",
            "Income, expenditure and reserves",
            c.BUDGET_APPENDIX_HEADERS,
            [[x.section, x.line, x.amount] for x in shown],
            {"Amount": MONEY},
            file,
            note,
        ),
    )


# -- the matrix of concerns --------------------------------------------------------------------------------------
def read_matrix(path: Path, *, problems: Problems) -> Appendix | None:
    file = str(path)
    found_rows = open_rows(path, "concerns", cc.INPUT_HEADERS, "Concern", problems)
    if found_rows is None:
        return None
    raw, table, cols, rows = found_rows
    out: list[list[Cell]] = []
    for i in rows:
        row = table.rows[i]
        marks = [c.YES if mark(row[cols[h]]) else "" for h in cc.EVIDENCE]
        out.append([cell_text(row[cols["Group"]]), cell_text(row[cols["Concern"]]), *marks, marks.count(c.YES)])
    return with_partnership(
        raw,
        Appendix(
            c.MATRIX_OF_CONCERNS,
            "Matrix of safeguarding concerns",
            "Safeguarding concerns and the evidence behind each",
            c.MATRIX_OF_CONCERNS_HEADERS,
            out,
            {"Sources": COUNT},
            file,
            f"{c.YES} marks the kinds of evidence behind a concern; Sources counts them.",
        ),
    )


# -- section 11 standards -----------------------------------------------------------------------------------------
def read_standards(path: Path, *, problems: Problems) -> Appendix | None:
    file = str(path)
    found_rows = open_rows(path, "s11", c.SECTION11_STANDARDS_HEADERS, "Ref", problems)
    if found_rows is None:
        return None
    raw, table, cols, rows = found_rows
    out: list[list[Cell]] = []
    for i in rows:
        row = table.rows[i]
        rated = count(number(table, i, "Rated", file, problems, raw=raw))
        met = count(number(table, i, "Met", file, problems, raw=raw))
        # blank when nothing was rated; with ratings, a blank is a formula never calculated (or an error)
        pct = number(table, i, "Met %", file, problems, blank_ok=True, raw=raw if rated else None)
        out.append([cell_text(row[cols["Ref"]]), cell_text(row[cols["Standard"]]), rated, met, pct])
    if out and not problems.stop and all(r[2] == 0 for r in out):  # 0 of 0 everywhere reads as an audit failed
        problems.add(
            "report-s11-nothing-rated",
            Location(file, table.sheet),
            "no agency's rating is counted in this summary (Rated is 0 for every standard): the appendix shows "
            "none met; see the summary's Problems table for why the returns were rejected, and collate again",
            WARNING,
        )
    return with_partnership(
        raw,
        Appendix(
            c.SECTION11_STANDARDS,
            "Section 11 audit",
            "Standards met, by standard (agencies' self-assessments)",
            c.SECTION11_STANDARDS_HEADERS,
            out,
            {"Rated": COUNT, "Met": COUNT, "Met %": PERCENT},
            file,
            "Rated leaves out Not applicable; Met % is blank where no agency rated the standard.",
        ),
    )


# -- priorities ---------------------------------------------------------------------------------------------------
def read_priorities(path: Path, *, problems: Problems) -> Appendix | None:
    file = str(path)
    reflections_too = {"tables": (pc.REFLECTIONS,), "below": (pc.REFLECTIONS,)}
    found_rows = open_rows(path, "performance", pc.QUADRANT_HEADERS, "Priority", problems, **reflections_too)
    if found_rows is None:
        return None
    raw, table, cols, rows = found_rows
    quadrant = [[cell_text(table.rows[i][cols[h]]) for h in pc.QUADRANT_HEADERS] for i in rows]
    known = {fold(r[0]) for r in quadrant}
    reflections: list[tuple[str, str, str]] = []
    t = raw.tables.get(pc.REFLECTIONS)
    rcols = None if t is None else columns(t, file, pc.REFLECTIONS_HEADERS, problems)
    if t is not None and rcols is not None:
        kinds = {fold(k): k for k in pc.REFLECTION_KINDS} | {fold(a): k for a, k in pc.REFLECTION_KIND_ALIASES.items()}
        for i, row in enumerate([*t.rows, *t.below]):
            priority, kind, text = (cell_text(row[rcols[h]]) for h in pc.REFLECTIONS_HEADERS)
            if not (priority or kind or text):
                continue
            if i >= len(t.rows):  # LibreOffice and a paste do not grow the table as Excel does: read as meant
                problems.add(
                    "report-reflection-below-table",
                    Location(file, t.sheet, t.cell(i, "Priority")),
                    f"this row is typed under the {pc.REFLECTIONS} table, outside it: it is in the pack; make the "
                    "table hold it (in Excel: Table Design, Resize Table), or fill the performance workbook again, "
                    "which takes it in",
                    WARNING,
                )
            if fold(kind) not in kinds:
                problems.add(
                    "report-reflection-kind-unknown",
                    Location(file, t.sheet, t.cell(i, "Kind")),
                    f"Kind {quoted(kind)} is neither '{pc.WENT_WELL}' nor '{pc.EVEN_BETTER}': choose one from the "
                    "drop-down",
                )
                continue
            names = ", ".join(dict.fromkeys(r[0] for r in quadrant))
            if not priority and text:  # published, it would be a Priorities row with no name
                problems.add(
                    "report-reflection-priority-blank",
                    Location(file, t.sheet, t.cell(i, "Priority")),
                    f"a reflection has no Priority: type the priority it is about ({names})",
                )
                continue
            if fold(priority) not in known:
                problems.add(
                    "report-reflection-priority-unknown",
                    Location(file, t.sheet, t.cell(i, "Priority")),
                    f"priority {quoted(priority)} is not on the Quadrant sheet (priorities: {names}): its "
                    "reflections get a row of their own; check the spelling",
                    WARNING,
                )
            if text:
                reflections.append((priority, kinds[fold(kind)], text))
    return with_partnership(
        raw,
        Appendix(
            c.PRIORITIES,
            "Priorities",
            "Each priority through the four lenses, what went well and what would be even better",
            c.PRIORITIES_HEADERS,
            [list(r) for r in rules.priority_rows(quadrant, reflections)],
            {},
            file,
            "Each finding ends with its RAG rating in words (Green, Amber or Red).",
        ),
    )


# -- learning gain --------------------------------------------------------------------------------------------------
def read_learning_gain(path: Path, *, problems: Problems) -> Appendix | None:
    file = str(path)
    found_rows = open_rows(path, "training", c.LEARNING_GAIN_HEADERS, "Course", problems)
    if found_rows is None:
        return None
    raw, table, cols, rows = found_rows
    kinds = {"Responses": COUNT, "Mean before": MEAN, "Mean after": MEAN, "Mean gain": MEAN, "% improved": PERCENT}
    out: list[list[Cell]] = [
        [
            cell_text(table.rows[i][cols["Course"]]),
            *(
                count(number(table, i, h, file, problems, raw=raw))
                if k == COUNT
                else number(table, i, h, file, problems, raw=raw)
                for h, k in kinds.items()
            ),
        ]
        for i in rows
    ]
    return with_partnership(
        raw,
        Appendix(
            c.LEARNING_GAIN,
            "Training",
            "Learning gain by course (confidence before and after training)",
            c.LEARNING_GAIN_HEADERS,
            out,
            kinds,
            file,
            "Means of learners' confidence on the evaluation's scale; improved means more confident after than before.",
        ),
    )


# -- recommendations by status ----------------------------------------------------------------------------------------
def read_recommendations(path: Path, *, problems: Problems) -> Appendix | None:
    src = SOURCES["learning"]
    file = str(path)
    opened = open_input(path, src, problems)
    if opened is None:
        return None
    raw, table = opened
    wanted = ("Ref", "Recommendation", "Review type", "Status", "Days overdue")
    cols = columns(table, file, wanted, problems)
    if cols is None:
        return None
    rows = [i for i, row in enumerate(table.rows) if not all(_blank(row[cols[h]]) for h in wanted[:4])]
    if not rows:
        filled_rows(table, cols["Recommendation"], file, src, problems)  # says it
        return None
    recs: list[tuple[str, str, bool]] = []
    for i in rows:
        row = table.rows[i]
        status = rules.status_of(cell_text(row[cols["Status"]]))
        if status is None:
            problems.add(
                "report-status-unknown",
                Location(file, table.sheet, table.cell(i, "Status")),
                f"Status {quoted(cell_text(row[cols['Status']]))} is none of {', '.join(lc.STATUSES)}: choose one "
                f"and fill the tracker again ({src.fill})",
            )
            continue
        overdue = number(table, i, "Days overdue", file, problems, blank_ok=True, raw=raw) or 0
        recs.append((cell_text(row[cols["Review type"]]) or "Other", status, overdue > 0))
    return with_partnership(
        raw,
        Appendix(
            c.RECOMMENDATION_STATUS,
            "Learning and improvement",
            "Recommendations by status, per review type and overall",
            c.RECOMMENDATION_STATUS_HEADERS,
            rules.status_rows(recs),  # type: ignore[arg-type]
            {h: COUNT for h in c.RECOMMENDATION_STATUS_HEADERS[1:]},
            file,
            "Overdue: not completed and past its due date on the tracker's report date. "
            "The last row counts all review types together.",
        ),
    )


READERS: dict[str, Callable[..., Appendix | None]] = {
    "budget": read_budget,
    "concerns": read_matrix,
    "s11": read_standards,
    "performance": read_priorities,
    "training": read_learning_gain,
    "learning": read_recommendations,
}
