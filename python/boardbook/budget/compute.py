"""The budget computed: apportion, total, compare with last year, lay out the report.

``budget_result`` is pure (a BudgetInput in, a BudgetResult out); ``budget.pipeline`` adds the reading and
writing around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from boardbook.budget import contract as c
from boardbook.budget import rules
from boardbook.budget.model import BudgetInput, Contribution
from boardbook.budget.values import pounds
from boardbook.problems import WARNING, Problem


@dataclass
class BudgetResult:
    input: BudgetInput
    amounts: list[Decimal]  # one per contribution, in input order
    totals: rules.Totals
    report: list[rules.ReportLine]
    changes: list[tuple[str, Decimal | None, Decimal, Decimal | None, float | str | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what the command line prints after "warning:"
    problems: list[Problem] = field(default_factory=list)  # the same, for the workbook's Problems table

    def warn(self, code: str, message: str) -> None:
        self.warnings.append(message)
        self.problems.append(Problem(code, message, WARNING, self.input.source))


def contribution_amounts(inp: BudgetInput) -> list[Decimal]:
    """Fixed amounts as given; share-based ones apportioned from the Requirement in whole pounds."""
    share_rows = [i for i, x in enumerate(inp.contributions) if x.basis == c.SHARE]
    apportioned = (
        rules.apportion(int(inp.requirement or 0), [_share(inp.contributions[i]) for i in share_rows])
        if share_rows
        else []
    )
    amounts = [x.amount or Decimal(0) for x in inp.contributions]
    for i, amount in zip(share_rows, apportioned, strict=True):
        amounts[i] = Decimal(amount)
    return amounts


def _share(x: Contribution) -> Fraction:
    assert x.share is not None, f"{x.partner} is share-based without a Share (the reader rejects that)"
    return x.share


def budget_result(
    inp: BudgetInput, previous: BudgetInput | None = None, *, council_convention: bool = False
) -> BudgetResult:
    amounts = contribution_amounts(inp)
    t = rules.totals(
        amounts,
        [x.amount for x in inp.other_income],
        [(x.budget, x.actual) for x in inp.expenditure],
        inp.reserves_brought_forward,
    )
    report = rules.annual_report(
        [(x.item, x.amount) for x in inp.other_income if x.kind == c.FUNDING_STREAM],
        [(x.item, x.amount) for x in inp.other_income if x.kind == c.INCOME],
        [(x.partner, a) for x, a in zip(inp.contributions, amounts, strict=True)],
        [(x.item, rules.spent(x.budget, x.actual)) for x in inp.expenditure],
        t,
        council_convention=council_convention,
    )
    result = BudgetResult(inp, amounts, t, report)
    if previous is not None:
        before = dict(zip((x.partner for x in previous.contributions), contribution_amounts(previous), strict=True))
        result.changes = rules.changes(
            before, [(x.partner, a) for x, a in zip(inp.contributions, amounts, strict=True)]
        )
    if t.reserves_carried_forward < 0:
        result.warn(
            "budget-reserves-negative",
            f"reserves would go negative: {pounds(t.reserves_carried_forward)} carried forward "
            f"(brought forward {pounds(t.reserves_brought_forward)}, deficit {pounds(t.drawdown)})",
        )
    elif t.drawdown > 0:
        result.warn("budget-drawdown", f"a deficit of {pounds(t.drawdown)} is drawn down from reserves")
    return result
