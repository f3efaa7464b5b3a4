"""Plain records of the section 11 audit: problems found, rated standards, one agency's return."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from boardbook.problems import ERROR, INFO, WARNING, Problem

__all__ = ["ERROR", "INFO", "WARNING", "Problem", "Rating", "Return"]  # Problem: the one shape (boardbook.problems)


@dataclass(frozen=True)
class Rating:
    """One agency's rating of one standard, as it will land in the summary."""

    ref: str
    label: str  # the scale's own label
    score: float | None  # None for Not applicable
    evidence: str = ""
    action: str = ""
    owner: str = ""
    due: date | str | None = None  # a date, or the text typed when it was not one
    cell: str = ""  # where the rating was, for messages


@dataclass
class Return:
    """One agency's return, read and validated. ``accepted`` when it has no errors."""

    file: str
    agency: str = ""
    sector: str = ""
    partnerships: tuple[str, ...] = ()
    round: str = ""
    completed_by: str = ""
    completed_on: date | None = None
    ratings: list[Rating] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""
    modified: float = 0.0
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # defined name -> (sheet, cell), for messages

    @property
    def accepted(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]
