"""Plain records of the performance workbook's inputs, each remembering where it was read from.

Problems found while reading are ``Problem`` records (``boardbook.problems``, codes in ``CODES``);
``InputError`` reports them all at once, each naming the file, the row (CSV) or sheet and cell (.xlsx),
and the column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from boardbook.errors import Location
from boardbook.folding import fold
from boardbook.problems import ERROR, Problem, ProblemError


@dataclass(frozen=True)
class Where:
    """A row of an input: the file, and the sheet (.xlsx only), row number and column letters of its cells."""

    file: str
    row: int  # as a spreadsheet numbers it: the header is row 1 (or wherever the table starts)
    sheet: str = ""
    columns: tuple[tuple[str, str], ...] = ()  # header -> column letter, for .xlsx cell addresses

    def location(self, column: str) -> Location:
        """Where ``column`` of this row is: ``sheet 'Indicators' cell F5, column Denominator`` (an .xlsx), or
        ``row 5, column Denominator`` (a CSV)."""
        letter = dict(self.columns).get(column)
        cell = f"{letter}{self.row}" if self.sheet and letter else ""
        return Location(self.file, self.sheet, cell, self.row, column)

    def problem(self, code: str, column: str, message: str, severity: str = ERROR) -> Problem:
        """A problem in ``column`` of this row (``code`` from ``CODES``)."""
        return Problem.at(code, self.location(column), message, severity)


class InputError(ProblemError):
    """An input file has problems: each names the file, row or cell, and column, and what is wrong."""


# Every problem the performance inputs can have, by its stable code (the README's table lists them; a registry
# test proves each is produced by a real file and that nothing else is).
CODES = {
    "performance-unreadable": "an input cannot be read at all (missing, empty, not a workbook, table absent)",
    "indicator-column-missing": "the indicator list lacks a column it needs (Priority, Indicator, Period, Value)",
    "indicator-blank": "an indicator row has no Priority or no Indicator",
    "indicator-not-a-number": "a figure (Value, Numerator, Target …) is not a number",
    "indicator-polarity-unknown": "a Polarity is neither higher nor lower (is better)",
    "indicator-denominator-not-positive": "a rate's Denominator is 0 or negative",
    "indicator-per-not-positive": "a Per (rate base) is 0 or negative",
    "indicator-tolerance-negative": "a Tolerance is negative",
    "indicator-rate-incomplete": "a Numerator without a Denominator (or the reverse) and no Value",
    "indicator-duplicate": "the same priority, indicator and period is listed twice",
    "evidence-column-missing": "the evidence lacks a column it needs (Priority, Lens, Finding)",
    "evidence-blank": "a finding has no Priority or no Finding",
    "evidence-lens-unknown": "a Lens is not one of the four lenses",
    "evidence-rag-unknown": "a RAG is not Green, Amber or Red",
    "evidence-date-invalid": "a Date is not a date",
    "risk-factor-column-missing": "the risk factors lack a column they need (Factor, Assessments, Plans)",
    "risk-factor-blank": "a risk factor row has no Factor, Assessments or Plans",
    "risk-factor-not-a-count": "Assessments or Plans is not a whole number, 0 or more",
    "risk-factor-no-assessments": "a factor identified in no assessment (its conversion cannot be worked out)",
    "risk-factor-plans-exceed": "a factor's Plans are more than its Assessments",
    "risk-factor-duplicate": "a risk factor is listed twice",
    "risk-factor-none": "the risk factors table has no rows",
    "previous-column-missing": "the previous workbook's Indicators table lacks Priority, Indicator or Value",
    "ees-columns-missing": "a file given as DfE open data (EES) lacks the columns every EES file has",
    "ees-measure-missing": "a measure asked for is not a column of the EES file",
    "ees-value-invalid": "an EES figure is neither a number nor a DfE code (c, z, x, :, u)",
    "ees-la-unknown": "the local authority asked for is not in the EES file",
    "ees-breakdown": "the EES file has several rows per local authority and period (choose one with --where)",
    "ees-neighbours-invalid": "the statistical neighbour file lacks its columns",
    "ees-neighbours-la-missing": "the statistical neighbour file has no row for the local authority",
    "ees-suppressed": "DfE published no figure (c suppressed, z, x or : not available, or blank)",
    "ees-low-reliability": "DfE flags the figure as of low reliability (u)",
    "ees-england-missing": "the EES file has no England figure for the period",
    "ees-neighbours-partial": "the statistical neighbours' mean is of fewer than all ten",
}


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
    problems: list[Problem] = field(default_factory=list)  # notes worth a row in the Problems table
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


# the one text normaliser (boardbook.folding) and the one Problem (boardbook.problems), for the performance modules
__all__ = ["Problem", "fold"]
