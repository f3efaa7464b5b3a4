"""Ribbon handler for the budget (called through ``boardbook.excel.dispatch``): ``budget.pipeline``, live."""

from __future__ import annotations

from boardbook.budget.pipeline import fill_budget_file
from boardbook.budget.values import pounds
from boardbook.excel import Excel
from boardbook.problems import PROBLEMS, stops
from boardbook.recorded import recorded_config


def recalculate(xl: Excel) -> str:
    """Re-read the open budget's own tables and fill it again, live (it stays open, unsaved)."""
    book = xl.port()
    with stops("The budget was not recalculated"):  # the pipeline wrote them to the Problems table
        result = fill_budget_file(None, None, config=recorded_config(book), book=book)
    t = result.totals
    return (
        f"Budget recalculated: income {pounds(t.total_income)}, expenditure {pounds(t.total_expenditure)}, "
        f"reserves carried forward {pounds(t.reserves_carried_forward)}."
        + "".join(f"\nWarning: {w}" for w in result.warnings)
        + (f"\nSee the {PROBLEMS} sheet." if result.problems else "")
    )
