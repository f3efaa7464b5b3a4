"""Plain records of a budget, each value remembering where it was typed (for messages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from boardbook.errors import Location
from boardbook.problems import ProblemError


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


class BudgetInputError(ProblemError):
    """Everything wrong with a budget input, each problem naming its sheet and cell (or row and column)."""


# Every problem a budget can have, by its stable code (the README's table lists them; a registry test proves
# each is produced by a real file and that nothing else is).
CODES = {
    "budget-unreadable": "the budget file cannot be read at all (missing, not a workbook, not valid TOML)",
    "budget-name-missing": "a defined name of the budget workbook is missing or points at more than one cell",
    "budget-table-missing": "a table of the budget workbook (Contributions, OtherIncome, Expenditure) is missing",
    "budget-column-missing": "a table, CSV file or TOML list has no column the budget needs",
    "budget-key-missing": "a required key (partnership, financial_year) is missing from the TOML file",
    "budget-key-invalid": "a TOML table key is neither a CSV file name nor a list of [[...]] entries",
    "budget-detail-blank": "the Partnership or FinancialYear is blank",
    "budget-not-an-amount": "a money cell holds something that is not an amount in £",
    "budget-not-a-share": "a Share cell holds something that is not a share (25%, 0.25) or is above 100 %",
    "budget-share-total": "the shares of share-based partners do not add up to 100 %",
    "budget-share-missing": "a share-based partner has no Share",
    "budget-share-negative": "a Share is negative",
    "budget-requirement-blank": "partners are share-based but the Requirement is blank",
    "budget-requirement-negative": "the Requirement is negative",
    "budget-requirement-pence": "the Requirement has pence (contributions are apportioned in whole pounds)",
    "budget-requirement-unused": "a Requirement is given but no partner is share-based",
    "budget-partner-blank": "a contribution row has no Partner",
    "budget-partner-duplicate": "a partner is listed twice",
    "budget-basis-unknown": "a Basis is neither share nor fixed",
    "budget-amount-missing": "a fixed contribution has no Amount",
    "budget-amount-negative": "a contribution is negative",
    "budget-kind-unknown": "an OtherIncome Kind is neither Funding stream nor Income",
    "budget-item-blank": "an income or expenditure line has amounts but no Item",
    "budget-reserves-negative": "the reserves carried forward would be negative",
    "budget-drawdown": "a deficit is drawn down from reserves",
}
