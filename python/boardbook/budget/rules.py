"""Budget rules: pure functions on Decimals, no workbook in sight.

- ``apportion``: share-based contributions in whole pounds, by the largest-remainder method, adding up
  to the requirement exactly (however awkward the shares: thirds, sevenths…).
- ``totals``: income, expenditure, surplus, drawdown / add to reserves, reserves carried forward.
- ``changes``: each partner's change against last year, in £ and %.
- ``annual_report``: the lines of the published table, each one traceable to the totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from boardbook.folding import fold

PENNY = Decimal("0.01")
SHARE_TOLERANCE = Fraction(1, 10**6)  # shares must add to 100 % within 0.0001 percentage points


def apportion(requirement: int, shares: Sequence[Fraction]) -> list[int]:
    """Whole-pound amounts in proportion to ``shares`` that add up to ``requirement`` exactly.

    Each partner first gets the floor of its exact entitlement; the pounds left over go one each to the
    largest remainders (ties: larger share first, then list order). Shares are normalised by their sum,
    so float noise in shares that "add to 100 %" never costs a pound.
    """
    if requirement < 0:
        raise ValueError("requirement must not be negative")
    if not shares:
        return []
    if any(s < 0 for s in shares):
        raise ValueError("shares must not be negative")
    total = sum(shares, Fraction(0))
    if total <= 0:
        raise ValueError("shares must add up to more than zero")
    exact = [Fraction(requirement) * s / total for s in shares]
    floors = [int(e) for e in exact]  # exact >= 0, so int() is the floor
    left = requirement - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - floors[i]), -shares[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def shares_add_up(shares: Sequence[Fraction]) -> bool:
    return abs(sum(shares, Fraction(0)) - 1) <= SHARE_TOLERANCE


@dataclass(frozen=True)
class Totals:
    """The budget's outputs, each published as a defined name of the same name."""

    total_contributions: Decimal
    total_other_income: Decimal
    total_income: Decimal
    total_expenditure: Decimal
    surplus: Decimal
    drawdown: Decimal
    add_to_reserves: Decimal
    reserves_brought_forward: Decimal
    reserves_carried_forward: Decimal

    def as_names(self) -> dict[str, Decimal]:
        return {
            "TotalContributions": self.total_contributions,
            "TotalIncome": self.total_income,
            "TotalExpenditure": self.total_expenditure,
            "Surplus": self.surplus,
            "Drawdown": self.drawdown,
            "AddToReserves": self.add_to_reserves,
            "ReservesCarriedForward": self.reserves_carried_forward,
        }


def spent(budget: Decimal | None, actual: Decimal | None) -> Decimal:
    """What an expenditure line counts for: the actual where given, else the budget."""
    return actual if actual is not None else (budget or Decimal(0))


def totals(
    contributions: Sequence[Decimal],
    other_income: Sequence[Decimal],
    expenditure: Sequence[tuple[Decimal | None, Decimal | None]],
    reserves_brought_forward: Decimal,
) -> Totals:
    tc = sum(contributions, Decimal(0))
    oi = sum(other_income, Decimal(0))
    te = sum((spent(b, a) for b, a in expenditure), Decimal(0))
    income = tc + oi
    surplus = income - te
    return Totals(
        tc,
        oi,
        income,
        te,
        surplus,
        max(-surplus, Decimal(0)),
        max(surplus, Decimal(0)),
        reserves_brought_forward,
        reserves_brought_forward + surplus,
    )


def change(previous: Decimal | None, current: Decimal) -> tuple[Decimal | None, float | str | None]:
    """(change in £, change as a fraction) against last year; "n/a" for a change from £0."""
    if previous is None:
        return None, None
    diff = current - previous
    if previous == 0:
        return diff, 0.0 if diff == 0 else "n/a"
    return diff, float(diff / previous)


def changes(
    previous: Mapping[str, Decimal], current: Sequence[tuple[str, Decimal]]
) -> list[tuple[str, Decimal | None, Decimal, Decimal | None, float | str | None]]:
    """(partner, previous, current, change £, change %) for every current partner (matched ignoring case)."""
    before = {fold(k): v for k, v in previous.items()}
    out = []
    for partner, amount in current:
        prev = before.get(fold(partner))
        out.append((partner, prev, amount, *change(prev, amount)))
    return out


@dataclass(frozen=True)
class ReportLine:
    section: str  # Funding streams | Income | Contributions | Total | Expenditure | Reserves
    line: str
    amount: Decimal
    sign: int = 1  # -1 for income lines under the council finance convention
    role: str = "item"  # item | total-income | total-expenditure | brought-forward | drawdown | add | balance


def annual_report(
    funding: Sequence[tuple[str, Decimal]],
    income: Sequence[tuple[str, Decimal]],
    contributions: Sequence[tuple[str, Decimal]],
    expenditure: Sequence[tuple[str, Decimal]],
    t: Totals,
    *,
    council_convention: bool = False,
) -> list[ReportLine]:
    """The published table, top to bottom. Under the council convention income is shown negative."""
    s = -1 if council_convention else 1
    lines = [ReportLine("Funding streams", n, a * s, s) for n, a in funding]
    lines += [ReportLine("Income", n, a * s, s) for n, a in income]
    lines += [ReportLine("Contributions", n, a * s, s) for n, a in contributions]
    lines.append(ReportLine("Total", "TOTAL INCOME", t.total_income * s, s, "total-income"))
    lines += [ReportLine("Expenditure", n, a) for n, a in expenditure]
    lines.append(ReportLine("Total", "TOTAL", t.total_expenditure, 1, "total-expenditure"))
    lines.append(ReportLine("Reserves", "Available reserves", t.reserves_brought_forward, 1, "brought-forward"))
    lines.append(ReportLine("Reserves", "Drawdown", t.drawdown, 1, "drawdown"))
    lines.append(ReportLine("Reserves", "Add to reserves", t.add_to_reserves, 1, "add"))
    lines.append(ReportLine("Reserves", "Reserves balance", t.reserves_carried_forward, 1, "balance"))
    return lines
