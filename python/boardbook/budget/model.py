"""Plain records of a budget, each value remembering where it was typed (for messages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from boardbook.errors import BoardbookError, Location


@dataclass
class Contribution:
    partner: str
    sector: str
    basis: str  # share | fixed
    share: Fraction | None
    amount: Decimal | None  # given (fixed) or apportioned (share)
    where: dict[str, Location] = field(default_factory=dict)


@dataclass
class OtherIncome:
    item: str
    kind: str  # Funding stream | Income
    amount: Decimal


@dataclass
class Expense:
    item: str
    budget: Decimal | None
    actual: Decimal | None


@dataclass
class BudgetInput:
    source: str
    partnership: str
    financial_year: str
    reserves_brought_forward: Decimal
    requirement: Decimal | None
    contributions: list[Contribution]
    other_income: list[OtherIncome]
    expenditure: list[Expense]
    requirement_at: Location = field(default_factory=Location)


class BudgetInputError(BoardbookError):
    """Everything wrong with a budget input, each problem naming its sheet and cell (or row and column)."""

    def __init__(self, problems: list[tuple[Location, str]]):
        self.problems = problems
        lines = [f"{where}: {message}" if str(where) else message for where, message in problems]
        super().__init__(lines[0] + (f" (and {len(lines) - 1} more problems)" if len(lines) > 1 else ""))
        self._lines = lines

    @property
    def lines(self) -> list[str]:
        return self._lines
