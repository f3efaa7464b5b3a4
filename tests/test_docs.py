"""The README stays true: every problem code is documented, and the two set-up commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from boardbook.section11.validate import CODES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_problem_code_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", README, flags=re.MULTILINE))
    assert set(CODES) <= documented, f"undocumented codes: {sorted(set(CODES) - documented)}"


def test_two_setup_commands_exist() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "make demo" in README and "make test" in README
    assert re.search(r"^demo:", makefile, re.MULTILINE) and re.search(r"^test:", makefile, re.MULTILINE)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_budget_worked_example_is_true() -> None:
    """The README's worked example is the demo's 2024/25 budget, computed by the real rules."""
    from decimal import Decimal

    from boardbook.budget.compute import budget_result
    from boardbook.budget.reader import read_budget

    r = budget_result(read_budget(ROOT / "python/boardbook/data/demo-budget-2024-25.toml"))
    assert [int(a) for a in r.amounts[:3]] == [148800, 123999, 99201]
    t = r.totals
    assert (t.total_income, t.total_expenditure, t.surplus, t.reserves_carried_forward) == (
        Decimal("405420.00"),
        Decimal("398272.95"),
        Decimal("7147.05"),
        Decimal("65347.05"),
    )
    for figure in ("£148,800", "£123,999", "£99,201", "£405,420", "£398,272.95", "£7,147.05", "£65,347.05"):
        assert figure in README
