"""Read evaluation exports (Microsoft Forms or similar, CSV or .xlsx) into ``Evaluation`` records.

Columns are found by the headers ``[training]`` maps (compared after ``folding.fold``); every other column —
names, e-mail addresses, "Start time", "ID" — is never read. An .xlsx export is read from its table
``Evaluations`` (so a filled training workbook is a valid input), else its first table, else its first visible
sheet with the header in the first row that has anything in it. A CSV may be "CSV UTF-8" (with a byte-order
mark, as Forms writes it), plain "CSV" or UTF-16 text (``csvfile.read_csv``)::

    >>> read_evaluations(["forms-export.csv"], load_config())   # doctest: +SKIP
    Evaluations(rows=[Evaluation(course='Neglect', ...)], problems=[...])

A row with an answer off the scale, a blank answer or no course is left out with a warning naming its row and
column; a file without the course, before or after column is an error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import python_calamine as pc
from openpyxl.utils.cell import get_column_letter

from boardbook.book.fast import reading
from boardbook.config import TRAINING_FIELDS, Config, Training
from boardbook.csvfile import read_csv
from boardbook.dates import parse_date
from boardbook.errors import Location, WorkbookError
from boardbook.folding import clean_name, fold
from boardbook.numbers import read_number
from boardbook.package import OLE_MAGIC, ZIP_MAGIC, open_package
from boardbook.problems import ERROR, WARNING, Problem
from boardbook.suggest import close_matches
from boardbook.training import contract as c
from boardbook.training.model import Evaluation, Evaluations, TrainingInputError

REQUIRED = ("course", "before", "after")
_LEADING_NUMBER = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)(?:\s*[-–:.)(]|\s|$)")  # "4 - Confident", "4. Confident"


@dataclass
class Grid:
    """An export's cells: the header row, the rows below it, and how to name a cell for messages."""

    file: str
    sheet: str  # "" for a CSV
    header_row: int  # 1-based
    first_col: int  # 1-based
    headers: list[str]
    rows: Sequence[tuple[int, Sequence[object]]]  # (1-based row or CSV line, values)
    how: str = ""

    def where(self, row: int, col: int, header: str) -> Location:
        if self.sheet:
            return Location(self.file, self.sheet, f"{get_column_letter(self.first_col + col)}{row}", None, header)
        return Location(self.file, row=row, column=header)


def read_evaluations(paths: Sequence[str | Path], config: Config) -> Evaluations:
    """Every usable evaluation in ``paths``, in file then row order, and the warnings met on the way.

    Raises:
        TrainingInputError: a file cannot be read or lacks a required column, or nothing usable was found.
    """
    rows: list[Evaluation] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            grid = _grid(Path(path))
        except WorkbookError as exc:
            problems.append(Problem.at("training-unreadable", exc.location, exc.problem))
            continue
        found, notes = _evaluations(grid, config)
        rows += found
        problems += notes
    if any(p.severity == ERROR for p in problems):
        raise TrainingInputError(problems)
    if not rows:
        files = ", ".join(Path(p).name for p in paths)
        problems.insert(
            0,
            Problem(
                "training-no-evaluations",
                "no evaluation with a course and confidence before and after was found: check the export "
                f"holds responses ({files})",
                ERROR,
                str(paths[0]) if paths else "",
            ),
        )
        raise TrainingInputError(problems)
    return Evaluations(rows, problems)


def _evaluations(grid: Grid, config: Config) -> tuple[list[Evaluation], list[Problem]]:
    tr = config.training
    folded = [fold(h) for h in grid.headers]
    col = {f: folded.index(fold(tr.header(f))) for f in TRAINING_FIELDS if fold(tr.header(f)) in folded}
    missing = [f for f in REQUIRED if f not in col]
    if missing:
        absent: list[Problem] = []
        shown = [h for h in grid.headers if h.strip()]
        for f in missing:
            header = tr.header(f)
            # a header holding the missing one ("Confidence after" for After) before one spelt alike ("Date")
            hint = [h for h in shown if fold(header) in fold(h)] or close_matches(header, shown)
            advice = (
                f"rename '{hint[0]}' to '{header}', or set training.{f} = \"{hint[0]}\" in boardbook.toml"
                if hint
                else f"set training.{f} in boardbook.toml to the export's header for it"
                + (f"; {grid.how}" * bool(grid.how))
            )
            where = (
                Location(grid.file, grid.sheet, f"{get_column_letter(grid.first_col)}{grid.header_row}", None, header)
                if grid.sheet
                else Location(grid.file, row=grid.header_row, column=header)
            )
            message = f"the column '{header}' is missing (found: {', '.join(shown) or 'nothing'}): {advice}"
            absent.append(Problem.at("training-column-missing", where, message))
        return [], absent

    agencies = {fold(a.name): a.sector for a in config.agencies}
    found: list[Evaluation] = []
    problems: list[Problem] = []

    def value(values: Sequence[object], f: str) -> object:
        j = col.get(f)
        return values[j] if j is not None and j < len(values) else None

    for row, values in grid.rows:
        course = clean_name(_text(value(values, "course")))
        if not course:
            where = grid.where(row, col["course"], tr.course)
            problems.append(
                Problem.at(
                    "training-course-blank",
                    where,
                    "no course is named, so this evaluation is left out: type the course's name",
                    WARNING,
                )
            )
            continue
        scores = []
        for f in ("before", "after"):
            raw = value(values, f)
            where = grid.where(row, col[f], tr.header(f))
            score, message = _score(raw, tr)
            if message:
                code = "training-answer-blank" if score is None and _blank(raw) else "training-out-of-scale"
                problems.append(Problem.at(code, where, message + ", so this evaluation is left out", WARNING))
            scores.append(score)
        before, after = scores
        if before is None or after is None:
            continue
        when: date | None = None
        raw_date = value(values, "date")
        if not _blank(raw_date):
            when = parse_date(raw_date.strip() if isinstance(raw_date, str) else raw_date)
            if when is None:
                problems.append(
                    Problem.at(
                        "training-date-invalid",
                        grid.where(row, col["date"], tr.date),
                        f"'{_text(raw_date)}' is not a date (type it as 14/03/2026): the evaluation is kept "
                        "without its date",
                        WARNING,
                    )
                )
        agency = clean_name(_text(value(values, "agency")))
        sector = clean_name(_text(value(values, "sector"))) or agencies.get(fold(agency), "") or c.NO_SECTOR
        impact = _text(value(values, "impact")).strip()
        found.append(Evaluation(course, when, agency, sector, before, after, impact, grid.file, row))
    return found, problems


def _score(raw: object, tr: Training) -> tuple[int | None, str]:
    """The point on the scale an answer gives, or None and why not ("" when it is simply blank)."""
    scale = f"{tr.scale_min} to {tr.scale_max}"
    if _blank(raw):
        return None, "left blank"
    if isinstance(raw, bool):
        return None, f"'{raw}' is not on the scale {scale}"
    number: Decimal | None = None
    if isinstance(raw, int | float):
        number = Decimal(str(raw))
    else:
        text = str(raw).strip()
        by_label = {fold(label): tr.scale_min + i for i, label in enumerate(tr.labels)}
        if fold(text) in by_label:
            return by_label[fold(text)], ""
        lead = _LEADING_NUMBER.match(text)
        try:
            number = read_number(lead.group(1) if lead else text).value
        except ValueError:
            number = None
    if number is None or number != number.to_integral_value() or not tr.scale_min <= number <= tr.scale_max:
        labels = f" or one of: {', '.join(tr.labels)}" if tr.labels else ""
        return None, f"'{_text(raw)}' is not on the scale {scale} (a whole number{labels})"
    return int(number), ""


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime | date):
        return v.strftime("%d/%m/%Y")
    return str(v)


# -- the cells of an export -----------------------------------------------------------------------------------
def _grid(p: Path) -> Grid:
    """The export's header and rows, by content (a CSV named .xlsx is still read as the CSV it is)."""
    if not p.is_file():
        raise WorkbookError("file not found" if not p.exists() else "not a file: give an export file", Location(str(p)))
    with p.open("rb") as fh:
        head = fh.read(8)
    if head.startswith((ZIP_MAGIC, OLE_MAGIC)) or (p.suffix.lower() in (".xlsx", ".xlsm") and not head.strip()):
        return _xlsx_grid(p)
    opened = read_csv(p)
    start = next((i for i, r in enumerate(opened.rows) if any(v.strip() for v in r)), None)
    if start is None:
        raise WorkbookError("the file is empty: export the responses again", Location(str(p)))
    body = [(opened.lines[i], r) for i, r in enumerate(opened.rows) if i > start and any(v.strip() for v in r)]
    return Grid(str(p), "", opened.lines[start], 1, [h.strip() for h in opened.rows[start]], body, opened.how)


def _xlsx_grid(p: Path) -> Grid:
    pkg = open_package(p)
    with reading(p, "open it in Excel, save it as .xlsx (or export the responses again) and try again"):
        wb = pc.CalamineWorkbook.from_filelike(pkg.stream(), load_tables=True)
        names = list(wb.table_names or [])
        chosen = next((t for t in names if t.casefold() == c.EVALUATIONS.casefold()), names[0] if names else None)
        if chosen is not None:
            info = pkg.check_table(chosen)
            if not info.data_rows:
                return Grid(
                    str(p),
                    info.sheet,
                    info.first_row + info.header_rows - 1,
                    info.first_col,
                    [str(h) for h in info.columns],
                    [],
                )
            t = wb.get_table_by_name(chosen)
            assert t.start is not None, "a table with data rows has a start"
            first = t.start[0]  # calamine's 0-based first data row: the header's 1-based row
            rows = [(first + 1 + i, r) for i, r in enumerate(t.to_python()) if any(not _blank(v) for v in r)]
            return Grid(str(p), t.sheet, first, t.start[1] + 1, [_text(h) for h in t.columns], rows)
        visible = [m.name for m in wb.sheets_metadata if m.visible == pc.SheetVisibleEnum.Visible] or wb.sheet_names
        sheet = visible[0]
        pkg.check_sheet(sheet)
        cells = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    start = next((i for i, r in enumerate(cells) if any(not _blank(v) for v in r)), None)
    if start is None:
        raise WorkbookError(f"sheet '{sheet}' is empty: export the responses again", Location(str(p), sheet))
    body = [(i + 1, r) for i, r in enumerate(cells) if i > start and any(not _blank(v) for v in r)]
    how = f"read sheet '{sheet}', headers in row {start + 1}"
    return Grid(str(p), sheet, start + 1, 1, [_text(h).strip() for h in cells[start]], body, how)
