"""Plain records of the performance workbook's inputs, each remembering where it was read from.

Problems found while reading are ``Problem`` records; ``InputError`` reports them all at once, each
naming the file, the row (CSV) or sheet and cell (.xlsx), and the column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from boardbook.errors import Location, WorkbookError
from boardbook.folding import fold

MAX_LISTED = 10


@dataclass(frozen=True)
class Where:
    """A row of an input: the file, and the sheet (.xlsx only), row number and column letters of its cells."""

    file: str
    row: int  # as a spreadsheet numbers it: the header is row 1 (or wherever the table starts)
    sheet: str = ""
    columns: tuple[tuple[str, str], ...] = ()  # header -> column letter, for .xlsx cell addresses

    def cell(self, column: str) -> str:
        """ "sheet 'Indicators' cell F5, column Denominator" or "row 5, column Denominator"."""
        letter = dict(self.columns).get(column)
        if self.sheet and letter:
            return f"sheet '{self.sheet}' cell {letter}{self.row}, column {column}"
        if self.sheet:
            return f"sheet '{self.sheet}' row {self.row}, column {column}"
        return f"row {self.row}, column {column}"

    def location(self, column: str) -> Location:
        letter = dict(self.columns).get(column)
        return Location(self.file, self.sheet, f"{letter}{self.row}" if letter else "")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input, and exactly where."""

    where: Where
    column: str
    message: str

    def __str__(self) -> str:
        return f"{Path(self.where.file).name} {self.where.cell(self.column)}: {self.message}"


class InputError(WorkbookError):
    """An input file has problems: the message lists them (file, row or cell, column, what is wrong)."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        first = self.problems[0]
        text = "; ".join(str(p) for p in self.problems[:MAX_LISTED])
        if len(self.problems) > MAX_LISTED:
            text += f"; and {len(self.problems) - MAX_LISTED} more"
        if len(self.problems) > 1:
            text = f"{len(self.problems)} problems: {text}"
        super().__init__(text)
        self.location = first.where.location(first.column)

    @property
    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


@dataclass
class Indicator:
    """One indicator for one period, as read (numbers already numbers) and then decided by the rules."""

    priority: str
    indicator: str
    where: Where
    definition: str = ""
    period: str = ""
    numerator: float | None = None
    denominator: float | None = None
    per: float | None = None
    value: float | None = None
    previous: float | None = None
    target: float | None = None
    polarity: str | None = None
    tolerance: float | None = None
    neighbours: float | None = None
    england: float | None = None
    source: str = ""
    notes: list[str] = field(default_factory=list)
    # decided by the rules
    computed: bool = False  # Value = ROUND(Numerator ÷ Denominator × Per, 1)
    rag: str | None = None
    trend: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """Priority + Indicator, compared case-folded with spaces collapsed."""
        return fold(self.priority), fold(self.indicator)

    @property
    def note(self) -> str:
        return "; ".join(dict.fromkeys(n for n in self.notes if n))


@dataclass
class Finding:
    """A finding from one of the four lenses (Evidence table)."""

    priority: str
    lens: str
    finding: str
    where: Where
    rag: str | None = None
    source: str = ""
    date: date | None = None


@dataclass
class RiskFactor:
    """A factor identified at the end of assessment: how many assessments found it, how many led to a plan."""

    factor: str
    assessments: int
    plans: int
    where: Where


__all__ = ["fold"]  # the one text normaliser (boardbook.folding), re-exported for the performance modules
