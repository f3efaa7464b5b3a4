"""Errors boardbook raises, each carrying where the problem is.

Hierarchy::

    BoardbookError            anything boardbook reports to a person (a line per problem, no traceback)
    ├── ConfigError           boardbook.toml or an agency list is wrong (names the key or row)
    ├── WorkbookError         a workbook cannot be read or lacks what the contract needs
    │   │                      (names file, sheet and cell where known)
    │   ├── UnsupportedOperation  the workbook backend in use cannot do what was asked
    │   └── problems.ProblemError  an input's problems, all at once (``lines``: one per error), each a
    │       │                      ``problems.Problem`` with a stable code
    │       ├── budget.model.BudgetInputError
    │       └── performance.model.InputError
    └── UsageError            the command line asks for something impossible

Backend exceptions (zipfile, openpyxl, calamine, COM) are translated into these at the edge, so
callers never need to know which library was underneath.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where something is: file, then sheet and cell (workbooks) or row and column (CSV and TOML rows).

    Any part may be unknown. ``cell`` may also hold a plain description (``key budget.requirement``).
    """

    file: str = ""
    sheet: str = ""
    cell: str = ""
    row: int | None = None
    column: str = ""

    @property
    def place(self) -> str:
        """Where inside the file, without the sheet: ``C5``, ``row 5, column Amount``, ``column Share``."""
        if self.cell:
            return self.cell
        return ", ".join(
            p for p in (f"row {self.row}" if self.row else "", f"column {self.column}" * bool(self.column)) if p
        )

    def __str__(self) -> str:
        """``budget.xlsx sheet 'Budget' cell B4``; ``c.csv row 5, column Amount``; a described cell as written."""
        cell = self.cell
        parts = [
            Path(self.file).name if self.file else "",
            f"sheet '{self.sheet}'" if self.sheet else "",
            (f"cell {cell}" if " " not in cell and "." not in cell else cell) if cell else "",
            f"row {self.row}" if self.row and not cell else "",
        ]
        where = " ".join(p for p in parts if p)
        if self.column:
            where += (", " if cell or self.row else " " if where else "") + f"column {self.column}"
        return where


class BoardbookError(Exception):
    """Base class: an expected problem, reported to the user as one line."""

    exit_code = 2

    @property
    def lines(self) -> list[str]:
        """What to tell the user, one problem per line (an error that lists several problems overrides it)."""
        return [str(self)]


class ConfigError(BoardbookError):
    """A configuration value is missing or wrong; the message names the key."""


class UsageError(BoardbookError):
    """The command line asks for something that cannot be done."""


class WorkbookError(BoardbookError):
    """A workbook cannot be read, or lacks a table or defined name the contract requires."""

    def __init__(self, message: str, location: Location | None = None):
        self.location = location or Location()
        self.problem = message
        where = str(self.location)
        super().__init__(f"{where}: {message}" if where else message)


class UnsupportedOperation(WorkbookError):
    """The workbook backend in use (e.g. Excel through xlwings on a Mac) cannot do what was asked.

    The message names the operation and what would do it, so a caller can report it and carry on.
    """
