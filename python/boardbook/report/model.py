"""Plain records of the annual report pack: each appendix as a titled table of plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from boardbook.problems import Problem, ProblemError

# How a column's values are shown: text, money (Decimal, £ to the penny), a percentage (a fraction), a count,
# or a mean (two decimals). Numbers are right-aligned in the document.
TEXT, MONEY, PERCENT, COUNT, MEAN = "text", "money", "percent", "count", "mean"
Cell = str | int | float | Decimal | None


@dataclass
class Appendix:
    """One table of the pack: its name (the Excel table), heading, caption, columns and rows."""

    name: str
    heading: str
    caption: str
    headers: tuple[str, ...]
    rows: list[list[Cell]]
    kinds: dict[str, str] = field(default_factory=dict)  # header -> TEXT | MONEY | ...; TEXT if absent
    source: str = ""  # the workbook it came from
    note: str = ""  # one sentence under the caption (e.g. the sign convention)
    partnership: str = ""  # the workbook's Partnership defined name, when it has one
    partnership_at: tuple[str, str] = ("", "")  # its sheet and cell

    def kind(self, header: str) -> str:
        return self.kinds.get(header, TEXT)


@dataclass
class ReportResult:
    appendices: list[Appendix]
    data: Path
    document: Path
    problems: list[Problem] = field(default_factory=list)  # warnings found on the way


class ReportInputError(ProblemError):
    """Everything wrong with the workbooks given to ``boardbook report``, each problem naming file and table."""


# Every problem the report pack can meet, by its stable code (README lists them; tests/test_report.py proves
# each is produced by a real file).
CODES = {
    "report-unreadable": "an input cannot be read (missing, or not a workbook)",
    "report-table-missing": "the workbook given to an option lacks the table the report takes from it",
    "report-column-missing": "a table the report reads lacks a column",
    "report-not-filled": "the table is there but empty: the workbook is a template that was never filled",
    "report-name-missing": "the budget workbook lacks a defined name the appendix is reconciled with",
    "report-value-missing": "a cell the report needs is blank or not a number (a formula no spreadsheet calculated)",
    "report-budget-mismatch": "the budget's annual-report lines do not add up to its totals",
    "report-status-unknown": "a recommendation's Status is none of the tracker's statuses",
    "report-reflection-kind-unknown": "a Reflections row's Kind is neither What went well nor Even better if",
    "report-s11-nothing-rated": "the section 11 summary counts no agency's rating (every return was rejected)",
    "report-partnership-differs": "the workbooks given name different partnerships",
    "report-reflection-priority-blank": "a Reflections row has text but no Priority",
    "report-reflection-below-table": "a reflection typed under the Reflections table, outside it (it is in the pack)",
    "report-reflection-priority-unknown": "a Reflections row names a priority the Quadrant does not show",
}
