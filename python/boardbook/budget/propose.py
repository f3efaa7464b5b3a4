"""Next year's contribution schedule: each partner's share of next year's requirement, and the change.

The shares come from a CSV (``Partner, Sector, Share`` and optionally ``This year``) or from this year's
budget (workbook or TOML), whose share-based partners keep their shares and fixed partners their amounts.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from boardbook.budget import contract as c
from boardbook.budget import rules
from boardbook.budget.model import BudgetInputError
from boardbook.budget.reader import Problems, _csv_records
from boardbook.budget.values import parse_money, parse_share
from boardbook.config import Config, load_config
from boardbook.errors import Location
from boardbook.textsafe import csv_cell


@dataclass(frozen=True)
class Proposal:
    partner: str
    sector: str
    basis: str
    share: Fraction | None
    this_year: Decimal | None
    next_year: Decimal
    change: Decimal | None
    change_pct: float | str | None


@dataclass(frozen=True)
class Partner:
    name: str
    sector: str
    basis: str
    share: Fraction | None
    this_year: Decimal | None


def partners_from_file(path: Path) -> list[Partner]:
    if path.suffix.lower() == ".csv":
        problems = Problems()
        records = _csv_records(
            path, ("Partner", "Sector", "Share", "This year"), problems, optional=("Sector", "This year")
        )
        partners = []
        for r in records:
            share = problems.parse("budget-not-a-share", r.where["Share"], parse_share, r.values.get("Share"))
            this_year = problems.parse(
                "budget-not-an-amount", r.where["This year"], parse_money, r.values.get("This year")
            )
            if share is None and not r.text("Share"):
                problems.add("budget-share-missing", r.where["Share"], f"{r.text('Partner')} has no Share (e.g. 25%)")
            elif share is not None and share < 0:
                problems.add(
                    "budget-share-negative", r.where["Share"], f"{r.text('Partner')}'s Share must not be negative"
                )
            partners.append(Partner(r.text("Partner"), r.text("Sector"), c.SHARE, share, this_year))
        shares = [p.share for p in partners if p.share is not None]
        if shares and len(shares) == len(partners) and not rules.shares_add_up(shares):
            problems.add(
                "budget-share-total",
                Location(str(path), column="Share"),
                f"the shares add up to {float(sum(shares, Fraction(0)) * 100):.4g} %, not 100 %",
            )
        if problems.items:
            raise BudgetInputError(problems.items)
        return partners
    from boardbook.budget.compute import contribution_amounts
    from boardbook.budget.reader import read_budget

    budget = read_budget(path)
    return [
        Partner(x.partner, x.sector, x.basis, x.share, amount)
        for x, amount in zip(budget.contributions, contribution_amounts(budget), strict=True)
    ]


def _share(p: Partner) -> Fraction:
    assert p.share is not None, f"{p.name} is share-based without a Share (partners_from_file rejects that)"
    return p.share


def propose(requirement: Decimal, partners: list[Partner]) -> list[Proposal]:
    """Share-based partners split ``requirement`` (whole pounds, reconciled); fixed partners stay as they are."""
    share_based = [p for p in partners if p.basis == c.SHARE]
    amounts = iter(rules.apportion(int(requirement), [_share(p) for p in share_based]))
    out = []
    for p in partners:
        nxt = Decimal(next(amounts)) if p.basis == c.SHARE else (p.this_year or Decimal(0))
        out.append(Proposal(p.name, p.sector, p.basis, p.share, p.this_year, nxt, *rules.change(p.this_year, nxt)))
    return out


def write_proposal(
    proposals: list[Proposal], out: Path, financial_year: str = "", config: Config | None = None
) -> Path:
    """A CSV (if ``out`` ends .csv) or a one-table workbook ready to send to partners."""
    rows = [
        [
            p.partner,
            p.sector,
            p.basis,
            float(p.share) if p.share is not None else None,
            p.this_year,
            p.next_year,
            p.change,
            p.change_pct,
        ]
        for p in proposals
    ]
    if out.suffix.lower() == ".csv":
        from boardbook.atomic import atomic_path

        with atomic_path(out) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(c.PROPOSAL_HEADERS)
            for row in rows:
                w.writerow(["" if v is None else f"{v:.6f}" if isinstance(v, float) else csv_cell(v) for v in row])
        return out
    from boardbook.templates.budget import build_proposal

    book = build_proposal(config or load_config(), financial_year)
    from boardbook.book.base import ColumnFormat

    money, pct = ColumnFormat(c.MONEY_FORMAT), ColumnFormat(c.PERCENT_FORMAT)
    book.write_table(
        c.PROPOSAL,
        rows,
        formats={"Share": pct, "This year": money, "Next year": money, "Change": money, "Change %": pct},
    )
    return book.save(out, backup=True)
