"""The report pack's rules, pure (no workbook): the budget appendix's signs and reconciliation, recommendations
counted by status, each priority's four lenses in a row, and how every kind of value is written as text.

The council convention shows income negative, as ``budget fill --council-convention`` does (and council finance
reports do): every line of the Funding streams, Income and Contributions sections and the TOTAL INCOME line.
Expenditure, TOTAL and the reserves lines keep their published sign::

    >>> money_text(Decimal("-1234.5")), percent_text(0.4444), mean_text(3.0)
    ('-£1,234.50', '44.4%', '3.00')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from boardbook.folding import fold
from boardbook.learning import contract as lc
from boardbook.performance import contract as pc
from boardbook.report import contract as c

PENNY = Decimal("0.01")


# -- the budget appendix ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BudgetLine:
    section: str
    line: str
    amount: Decimal


def is_income(line: BudgetLine) -> bool:
    """A line the council convention shows negative: the income sections and TOTAL INCOME."""
    return line.section in c.INCOME_SECTIONS or line.line == c.TOTAL_INCOME


def stored_sign(lines: Sequence[BudgetLine], total_income: Decimal) -> int:
    """-1 when the budget workbook was filled with ``--council-convention`` (its TOTAL INCOME line is the negative
    of ``TotalIncome``), else 1; income of nothing reads the same both ways."""
    total = next((x.amount for x in lines if x.line == c.TOTAL_INCOME), None)
    return -1 if total is not None and total_income != 0 and total == -total_income else 1


def published(lines: Sequence[BudgetLine], total_income: Decimal, *, council_convention: bool) -> list[BudgetLine]:
    """The lines as the appendix shows them: income positive, or negative under the council convention, whichever
    convention the budget workbook itself was filled with; amounts to the penny."""
    undo = stored_sign(lines, total_income)
    show = -1 if council_convention else 1
    return [  # + 0: a negated nothing is 0.00, never -0.00
        BudgetLine(x.section, x.line, (x.amount * (undo * show if is_income(x) else 1)).quantize(PENNY) + 0)
        for x in lines
    ]


def reconcile(
    lines: Sequence[BudgetLine], names: Mapping[str, Decimal]
) -> list[tuple[str, str | None, Decimal, str, Decimal]]:
    """What does not add up: (what the lines give, the one line it is if it is one, its amount, the defined name,
    the name's value), on lines with income positive (``published(..., council_convention=False)``)."""

    def total(pred: Callable[[BudgetLine], bool]) -> Decimal:
        return sum((x.amount for x in lines if pred(x)), Decimal(0))

    def line(name: str) -> Decimal | None:
        return next((x.amount for x in lines if x.line == name), None)

    checks: list[tuple[str, str | None, Decimal | None, str]] = [
        ("the Contributions lines", None, total(lambda x: x.section == "Contributions"), "TotalContributions"),
        ("the income lines", None, total(lambda x: x.section in c.INCOME_SECTIONS), "TotalIncome"),
        ("the Expenditure lines", None, total(lambda x: x.section == "Expenditure"), "TotalExpenditure"),
    ]
    for label, name in (
        (c.TOTAL_INCOME, "TotalIncome"),
        (c.TOTAL_EXPENDITURE, "TotalExpenditure"),
        ("Available reserves", "ReservesBroughtForward"),
        ("Drawdown", "Drawdown"),
        ("Add to reserves", "AddToReserves"),
        (c.RESERVES_BALANCE, "ReservesCarriedForward"),
    ):
        checks.append((f"the {label} line", label, line(label), name))

    # Each line equal to its name is not enough: a balance or drawdown typed over its formula still leaves a
    # table a reader adds up and finds wrong. The reserves must add up, and to what the year left.
    def named(key: str) -> Decimal:
        return names[key].quantize(PENNY)

    balance = c.RESERVES_BALANCE
    if {"ReservesBroughtForward", "Drawdown", "AddToReserves"} <= names.keys():
        what = "the lines Available reserves - Drawdown + Add to reserves"
        moved = named("ReservesBroughtForward") - named("Drawdown") + named("AddToReserves")
        checks.append((what, balance, moved, "ReservesCarriedForward"))
    if {"ReservesBroughtForward", "TotalIncome", "TotalExpenditure"} <= names.keys():
        what = f"the lines Available reserves + {c.TOTAL_INCOME} - {c.TOTAL_EXPENDITURE}"
        left = named("ReservesBroughtForward") + named("TotalIncome") - named("TotalExpenditure")
        checks.append((what, balance, left, "ReservesCarriedForward"))
    return [
        (what, one, amount, name, names[name])
        for what, one, amount, name in checks
        if amount is not None and name in names and amount.quantize(PENNY) != names[name].quantize(PENNY)
    ]


# -- recommendations by status -----------------------------------------------------------------------------------
def status_of(text: str) -> str | None:
    """The tracker's status ``text`` names (in any case and spacing), or None."""
    return next((s for s in lc.STATUSES if fold(s) == fold(text)), None)


def status_rows(recs: Sequence[tuple[str, str, bool]]) -> list[list[object]]:
    """Rows of RecommendationStatus from (review type, status, overdue): one per review type (the tracker's order,
    then others as first seen), then all review types together."""
    order = {fold(t): t for t in lc.REVIEW_TYPES}
    seen: dict[str, str] = {}
    for kind, _s, _o in recs:
        seen.setdefault(fold(kind), order.get(fold(kind), kind))
    keys = [k for k in order if k in seen] + [k for k in seen if k not in order]

    def row(label: str, chosen: Sequence[tuple[str, str, bool]]) -> list[object]:
        counts = [sum(1 for _k, s, _o in chosen if s == status) for status in lc.STATUSES]
        return [label, *counts, len(chosen), sum(1 for _k, _s, o in chosen if o)]

    rows = [row(seen[k], [r for r in recs if fold(r[0]) == k]) for k in keys]
    return [*rows, row(c.ALL_REVIEWS, recs)]


# -- priorities -------------------------------------------------------------------------------------------------
def lens_text(items: Sequence[tuple[str, str]]) -> str:
    """A lens's findings, one per line, each with its RAG in words: "Audit of 20 files (31/03/2026) - Amber"."""
    return "\n".join(f"{text} - {rag}" if rag else text for text, rag in items)


def priority_rows(quadrant: Sequence[Sequence[str]], reflections: Sequence[tuple[str, str, str]]) -> list[list[str]]:
    """Rows of Priorities from the Quadrant table's rows (``performance.contract.QUADRANT_HEADERS``) and the
    Reflections (priority, kind, text); a reflection's priority the quadrant lacks gets a row of its own."""
    order: dict[str, str] = {}
    summary: dict[str, str] = {}
    lenses: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for priority, lens_l, text_l, rag_l, lens_r, text_r, rag_r in ((list(r) + [""] * 7)[:7] for r in quadrant):
        if not priority:
            continue
        key = fold(priority)
        order.setdefault(key, priority)
        found = lenses.setdefault(key, {lens: [] for lens in pc.LENSES})
        if lens_l == pc.SUMMARY:
            summary[key] = text_l
            continue
        for lens, text, rag in ((lens_l, text_l, rag_l), (lens_r, text_r, rag_r)):
            if lens in found and text:
                found[lens].append((text, rag))
    said: dict[str, dict[str, list[str]]] = {}
    for priority, kind, text in reflections:
        key = fold(priority)
        order.setdefault(key, priority)
        said.setdefault(key, {k: [] for k in pc.REFLECTION_KINDS})[kind].append(text)
    rows = []
    for key, priority in order.items():
        found = lenses.get(key, {})
        words = said.get(key, {})
        rows.append(
            [
                priority,
                summary.get(key, ""),
                *(lens_text(found.get(lens, [])) for lens in pc.LENSES),
                *("\n".join(words.get(kind, [])) for kind in pc.REFLECTION_KINDS),
            ]
        )
    return rows


# -- values as text ----------------------------------------------------------------------------------------------
def money_text(amount: Decimal) -> str:
    """As the budget's money format shows it: £1,234.56, and -£1,234.56 for a negative amount."""
    q = Decimal(amount).quantize(PENNY)
    return f"{'-' if q < 0 else ''}£{abs(q):,.2f}"


def percent_text(fraction: float) -> str:
    """44.4%: a fraction, to one decimal place."""
    return f"{fraction:.1%}"


def mean_text(value: float) -> str:
    return f"{value:.2f}"


def count_text(value: float) -> str:
    return f"{value:,.0f}"
