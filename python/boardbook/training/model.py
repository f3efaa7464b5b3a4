"""Plain records of training evaluations, each remembering where it was read (for messages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from boardbook.problems import Problem, ProblemError


@dataclass(frozen=True)
class Evaluation:
    """One learner's evaluation of one course: confidence before and after on the configured scale.

    Only the mapped columns are kept: names and e-mail addresses in an export are never read into it.
    """

    course: str
    when: date | None
    agency: str
    sector: str
    before: int
    after: int
    impact: str
    file: str
    row: int  # the row of the export (CSV line or sheet row)

    @property
    def gain(self) -> int:
        return self.after - self.before


@dataclass
class Evaluations:
    """What the exports held: the usable evaluations and the problems met on the way (rows left out)."""

    rows: list[Evaluation]
    problems: list[Problem]


class TrainingInputError(ProblemError):
    """Evaluation exports that cannot be used, each problem naming file and row and column (or sheet and cell)."""


# Every problem of a training evaluation, by its stable code (README lists them; tests/test_training.py proves
# each is produced by a real file and nothing else is).
CODES = {
    "training-unreadable": "an evaluation export cannot be read (missing, damaged, not a CSV or workbook)",
    "training-column-missing": "an export has no column for the course, or for confidence before or after",
    "training-no-evaluations": "the exports hold no usable evaluation at all",
    "training-out-of-scale": "a confidence answer is not on the scale (left out of the learning gain)",
    "training-answer-blank": "a learner left confidence before or after blank (left out of the learning gain)",
    "training-course-blank": "an evaluation names no course (left out of the learning gain)",
    "training-date-invalid": "a course date is not a date (the evaluation is kept, its date left blank)",
}
