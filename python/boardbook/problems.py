"""The one shape every domain reports problems in, and the ``Problems`` table they are written to.

A ``Problem`` has a stable kebab-case ``code`` (each domain lists its codes with a plain meaning:
``section11.validate.CODES``, ``budget.model.CODES``, ``performance.model.CODES``), a severity, where it is
(file, then sheet and cell in a workbook or row and column in a CSV or TOML file) and a message a person can
act on. Its line (``str``) is what the command line prints after ``boardbook:``; its ``table_row`` is what the
``Problems`` table of a summary, budget or performance workbook shows::

    >>> p = Problem("budget-not-an-amount", "expected an amount in £, found 'lots'", file="c.csv", row=5,
    ...             column="Amount")
    >>> str(p)
    "c.csv row 5, column Amount: expected an amount in £, found 'lots'"
    >>> p.table_row()
    ['c.csv', '', 'row 5, column Amount', "expected an amount in £, found 'lots'", 'Error']

``ProblemError`` carries every error found in an input at once (``lines``: one per problem).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from boardbook.book.base import Book, ColumnFormat
from boardbook.errors import BoardbookError, Location, WorkbookError

ERROR, WARNING, INFO = "Error", "Warning", "Info"
SEVERITIES = (ERROR, WARNING, INFO)

MAX_LISTED = 10  # problems spelt out in an error's one-line message (``lines`` has them all)
PROBLEMS = "Problems"  # the table (and the sheet it sits on) in the summary, budget and performance workbooks
PROBLEMS_HEADERS = ("File", "Sheet", "Cell", "Problem", "Severity")
PROBLEM_WIDTHS = {"File": 32, "Sheet": 16, "Cell": 22, "Problem": 70, "Severity": 10}
PROBLEMS_ABOUT = "Everything found wrong (or worth knowing) in the inputs: file, sheet, cell, what, and how serious."


@dataclass(frozen=True)
class Problem:
    """Something wrong (or worth knowing) about an input; ``code`` is stable, ``message`` is for people.

    ``cell`` for a workbook (``C5``); ``row`` and ``column`` for a row of a CSV or TOML file, or beside a cell
    to name the column's header.
    """

    code: str
    message: str
    severity: str = ERROR
    file: str = ""
    sheet: str = ""
    cell: str = ""
    row: int | None = None
    column: str = ""

    @classmethod
    def at(cls, code: str, where: Location, message: str, severity: str = ERROR) -> Problem:
        return cls(code, message, severity, where.file, where.sheet, where.cell, where.row, where.column)

    @property
    def where(self) -> Location:
        return Location(self.file, self.sheet, self.cell, self.row, self.column)

    def __str__(self) -> str:
        where = str(self.where)
        return f"{where}: {self.message}" if where else self.message

    def table_row(self) -> list[str]:
        """``File``, ``Sheet``, ``Cell``, ``Problem``, ``Severity``; a CSV row's Cell reads ``row 5, column Amount``."""
        return [Path(self.file).name if self.file else "", self.sheet, self.where.place, self.message, self.severity]


class ProblemError(WorkbookError):
    """An input has errors: every problem found, each naming file, sheet and cell (or row and column).

    Raised only when at least one problem is an Error; warnings found on the way travel with it.
    """

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == ERROR] or self.problems
        super().__init__(errors[0].message, errors[0].where)
        if len(errors) > 1:  # one message for callers that show only one: the first few, and how many
            text = "; ".join(str(p) for p in errors[:MAX_LISTED])
            more = f"; and {len(errors) - MAX_LISTED} more" if len(errors) > MAX_LISTED else ""
            self.args = (f"{len(errors)} problems: {text}{more}",)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def lines(self) -> list[str]:
        """One line per error (what the command line prints, each after ``boardbook: error:``)."""
        return [str(p) for p in self.errors]


def problem_from(exc: WorkbookError, code: str) -> list[Problem]:
    """The problems an error carries, or the error itself as one problem with ``code``."""
    if isinstance(exc, ProblemError):
        return exc.problems
    return [Problem.at(code, exc.location, exc.problem)]


def stopped(what: str, exc: ProblemError) -> str:
    """A ribbon button's message when errors stopped it: how many, the first, and where the rest are."""
    n = len(exc.errors)
    first = exc.lines[0] if exc.lines else str(exc)
    return (
        f"{what}: {n} problem{'s' if n != 1 else ''} to put right, listed on the {PROBLEMS} sheet. The first: {first}"
    )


@contextmanager
def shown_in(book: Book | None) -> Iterator[None]:
    """Reading for a fill in place (``book``, the workbook open in Excel): the errors that stop it are written to
    that workbook's Problems table too, where its owner will look, before they go up."""
    try:
        yield
    except ProblemError as exc:
        if book is not None:
            write_problems(book, by_severity(exc.problems))
        raise


@contextmanager
def stops(what: str) -> Iterator[None]:
    """A ribbon button's errors (already on the Problems sheet: ``shown_in``) become its one message."""
    try:
        yield
    except ProblemError as exc:
        raise BoardbookError(stopped(what, exc)) from None


WRAP = ColumnFormat(wrap=True)


def write_problems(book: Book, problems: Iterable[Problem]) -> None:
    """Replace the book's ``Problems`` table rows (empty when there are none), in the order given.

    A workbook made before the table existed gets it, on a sheet of its own, when there is something to say.
    """
    rows = [p.table_row() for p in problems]
    if PROBLEMS not in book.table_names():
        if not rows or PROBLEMS in book.sheet_names():
            return
        book.add_table(PROBLEMS, PROBLEMS, PROBLEMS_HEADERS)
    book.write_table(PROBLEMS, rows, headers=PROBLEMS_HEADERS, formats={"Problem": WRAP})


def by_severity(problems: Iterable[Problem]) -> list[Problem]:
    """Errors, then warnings, then notes; found order kept within each."""
    return sorted(problems, key=lambda p: SEVERITIES.index(p.severity) if p.severity in SEVERITIES else len(SEVERITIES))
