"""Plain records of the matrix of concerns, each remembering where it was typed."""

from __future__ import annotations

from dataclasses import dataclass, field

from boardbook.errors import Location
from boardbook.problems import ProblemError


@dataclass
class Concern:
    group: str
    concern: str
    marks: dict[str, bool]  # evidence column -> marked
    where: dict[str, Location] = field(default_factory=dict)


@dataclass
class ConcernsInput:
    source: str
    concerns: list[Concern]


class ConcernsInputError(ProblemError):
    """Everything wrong with a matrix of concerns, each problem naming its file and cell (or row and column)."""


# Every problem a matrix can have, by its stable code (README lists them; tests/test_concerns.py proves each is
# produced by a real file and that nothing else is).
CODES = {
    "concerns-unreadable": "the matrix cannot be read (missing, not a workbook or CSV, no Concerns table)",
    "concerns-column-missing": "the Concerns table or CSV file has no column the matrix needs",
    "concerns-group-blank": "a concern has no Group",
    "concerns-concern-blank": "a row has marks but no Concern",
    "concerns-duplicate": "the same concern is listed twice in one group",
    "concerns-mark-unknown": "an evidence cell holds something that is neither a mark (Yes, Y, x, ✓, ●) nor No/blank",
}
