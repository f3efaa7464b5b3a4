"""The budget rules on their own: pure functions on Decimals and Fractions, no workbook in sight.

Apportionment by the largest-remainder method always reconciles to the requirement (property-tested with
hypothesis, awkward shares included); money and shares are read as finance officers type them; totals,
reserves, year-on-year changes and the annual-report lines add up to the penny.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boardbook.budget import contract as c
from boardbook.budget.compute import budget_result, contribution_amounts
from boardbook.budget.model import BudgetInput, Contribution, Expense, OtherIncome
from boardbook.budget.rules import (
    annual_report,
    apportion,
    change,
    changes,
    shares_add_up,
    spent,
    totals,
)
from boardbook.budget.values import parse_money, parse_share

D = Decimal
F = Fraction
THIRD = F(1, 3)


# -- apportion: examples ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requirement", "shares", "expected"),
    [
        (100, [THIRD] * 3, [34, 33, 33]),
        (200, [THIRD] * 3, [67, 67, 66]),
        (300_000, [THIRD] * 3, [100_000] * 3),
        (1, [THIRD] * 3, [1, 0, 0]),
        (0, [THIRD] * 3, [0, 0, 0]),
        (100, [F(1, 7)] * 7, [15, 15, 14, 14, 14, 14, 14]),
        (10, [F(1, 2), F(1, 2)], [5, 5]),
        # 250,001 x 40 % / 33.33 % / 26.67 %: exact 100,000.4 / 83,333.67 / 66,666.93; the two pounds left over
        # go to the largest remainders (.93, then .67), not to the largest share.
        (250_001, [F(2, 5), F(1, 3), F(4, 15)], [100_000, 83_334, 66_667]),
        # The demo's 40 / 33.333 / 26.667 %.
        (372_000, [F(40, 100), F(33_333, 100_000), F(26_667, 100_000)], [148_800, 123_999, 99_201]),
    ],
)
def test_apportion_examples(requirement: int, shares: list[Fraction], expected: list[int]) -> None:
    assert apportion(requirement, shares) == expected
    assert sum(expected) == requirement


def test_apportion_ties_go_to_the_larger_share_then_to_list_order() -> None:
    # 1/6, 1/2, 1/3 of 3: exact 0.5 / 1.5 / 1; the pound left over ties on remainder .5: the larger share wins.
    assert apportion(3, [F(1, 6), F(1, 2), F(1, 3)]) == [0, 2, 1]
    assert apportion(3, [F(1, 2), F(1, 6), F(1, 3)]) == [2, 0, 1]
    # Equal shares, equal remainders: list order.
    assert apportion(1, [THIRD] * 3) == [1, 0, 0]
    assert apportion(2, [THIRD] * 3) == [1, 1, 0]


def test_apportion_normalises_float_shares_that_nearly_add_up() -> None:
    """Three thirds typed as 33.3333333333333 % (Excel's 15 digits) cost nobody a pound."""
    typed = [F(0.333333333333333)] * 3
    assert sum(typed) != 1 and shares_add_up(typed)
    assert apportion(100_000, typed) == [33_334, 33_333, 33_333]


def test_apportion_edge_cases() -> None:
    assert apportion(1000, []) == []
    assert apportion(1000, [F(1)]) == [1000]
    assert apportion(1000, [F(0), F(1)]) == [0, 1000]
    with pytest.raises(ValueError, match="negative"):
        apportion(-1, [F(1)])
    with pytest.raises(ValueError, match="more than zero"):
        apportion(100, [F(0), F(0)])


# -- apportion: properties -------------------------------------------------------------------------

REQUIREMENTS = st.integers(min_value=0, max_value=10**10)
WEIGHTS = st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=30)


def as_shares(weights: list[int]) -> list[Fraction]:
    total = sum(weights)
    return [F(w, total) for w in weights]


@settings(max_examples=300, deadline=None)
@given(requirement=REQUIREMENTS, weights=WEIGHTS)
def test_apportion_always_reconciles(requirement: int, weights: list[int]) -> None:
    shares = as_shares(weights)
    assert sum(shares) == 1
    amounts = apportion(requirement, shares)
    assert len(amounts) == len(shares)
    assert sum(amounts) == requirement
    assert all(isinstance(a, int) and a >= 0 for a in amounts)
    for amount, share in zip(amounts, shares, strict=True):
        entitlement = requirement * share
        assert abs(amount - entitlement) < 1, (amount, entitlement)
        assert amount in (
            entitlement.numerator // entitlement.denominator,
            -(-entitlement.numerator // entitlement.denominator),
        )  # floor or ceiling
    assert apportion(requirement, list(shares)) == amounts  # deterministic


@settings(max_examples=200, deadline=None)
@given(requirement=REQUIREMENTS, weights=WEIGHTS, scale=st.integers(min_value=1, max_value=1000))
def test_apportion_depends_only_on_proportions(requirement: int, weights: list[int], scale: int) -> None:
    """Shares as fractions of 1, as percentages, or as raw weights: the same pounds for everyone."""
    shares = as_shares(weights)
    assert apportion(requirement, [F(w) for w in weights]) == apportion(requirement, shares)
    assert apportion(requirement, [s * scale for s in shares]) == apportion(requirement, shares)


@settings(max_examples=200, deadline=None)
@given(requirement=REQUIREMENTS, n=st.integers(min_value=1, max_value=40))
def test_apportion_equal_awkward_shares(requirement: int, n: int) -> None:
    """1/n each (thirds, sevenths, …): amounts differ by at most £1 and the first partners get the extra."""
    amounts = apportion(requirement, [F(1, n)] * n)
    assert sum(amounts) == requirement
    assert max(amounts) - min(amounts) <= 1
    assert amounts == sorted(amounts, reverse=True)


@settings(max_examples=200, deadline=None)
@given(
    requirement=REQUIREMENTS,
    percents=st.lists(st.floats(min_value=0.01, max_value=100, allow_nan=False), min_size=1, max_size=12),
)
def test_apportion_reconciles_with_float_percentages(requirement: int, percents: list[float]) -> None:
    """Shares as a spreadsheet stores them (floats), whatever they add up to: still exactly the requirement."""
    shares = [F(p) / 100 for p in percents]
    amounts = apportion(requirement, shares)
    assert sum(amounts) == requirement
    total = sum(shares)
    for amount, share in zip(amounts, shares, strict=True):
        assert abs(amount - requirement * share / total) < 1


# -- shares add up ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shares", "ok"),
    [
        ([THIRD] * 3, True),
        ([F(0.333333333333333)] * 3, True),  # Excel's 15 significant digits
        ([F(40, 100), F(33_333, 100_000), F(26_667, 100_000)], True),
        ([F(1)], True),
        ([F(40, 100), F(30, 100), F(20, 100)], False),  # 90 %
        ([F(60, 100), F(50, 100)], False),  # 110 %
        ([F(33_333, 100_000)] * 3, False),  # 99.999 %: a thousandth of a point short is not rounding noise
    ],
)
def test_shares_add_up(shares: list[Fraction], ok: bool) -> None:
    assert shares_add_up(shares) is ok


# -- money and shares as typed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (12500, D("12500.00")),
        (12500.5, D("12500.50")),
        (0.1 + 0.2, D("0.30")),  # float noise never survives as a fraction of a penny
        ("12500", D("12500.00")),
        ("£12,500", D("12500.00")),
        ("£12,500.00", D("12500.00")),
        ("£1,234,567.89", D("1234567.89")),
        (" £ 12,500 ", D("12500.00")),
        ("£\u00a012,500", D("12500.00")),
        ("-£1,200.50", D("-1200.50")),
        ("£-1,200.50", D("-1200.50")),
        ("(1,200.50)", D("-1200.50")),
        ("(£1,200.50)", D("-1200.50")),
        ("GBP 300", D("300.00")),
        (".5", D("0.50")),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_money(typed: object, expected: Decimal | None) -> None:
    assert parse_money(typed) == expected


@pytest.mark.parametrize(
    "typed", ["twelve thousand", "£12,50", "12,5000", "£", "1.2.3", "£12k", "n/a", True, float("nan"), float("inf")]
)
def test_parse_money_refuses_words_and_garbled_numbers(typed: object) -> None:
    with pytest.raises(ValueError, match="expected an amount in £"):
        parse_money(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (0.25, F(1, 4)),
        (25, F(1, 4)),  # above 1: a percentage
        ("25%", F(1, 4)),
        ("25 %", F(1, 4)),
        ("0.25", F(1, 4)),
        ("1/3", THIRD),
        ("33.3333%", F(333_333, 1_000_000)),
        (1, F(1)),  # 1 means 100 %
        ("100%", F(1)),
        ("0%", F(0)),
        (None, None),
        ("", None),
    ],
)
def test_parse_share(typed: object, expected: Fraction | None) -> None:
    assert parse_share(typed) == expected


@pytest.mark.parametrize("typed", ["a quarter", "25 percent", "%", True, float("nan")])
def test_parse_share_refuses_words(typed: object) -> None:
    with pytest.raises(ValueError, match="expected a share"):
        parse_share(typed)


# -- totals ----------------------------------------------------------------------------------------


def test_spent_uses_the_actual_where_given_else_the_budget() -> None:
    assert spent(D(100), D(90)) == D(90)
    assert spent(D(100), None) == D(100)
    assert spent(D(100), D(0)) == D(0)  # an actual of £0 is an actual
    assert spent(None, None) == D(0)
    assert spent(None, D(5)) == D(5)


def test_totals_surplus_adds_to_reserves() -> None:
    t = totals([D("1000"), D("500.50")], [D("200")], [(D("900"), D("850.25")), (D("300"), None)], D("58200"))
    assert t.total_contributions == D("1500.50")
    assert t.total_other_income == D("200")
    assert t.total_income == D("1700.50")
    assert t.total_expenditure == D("1150.25")
    assert t.surplus == D("550.25")
    assert (t.drawdown, t.add_to_reserves) == (D(0), D("550.25"))
    assert t.reserves_carried_forward == D("58750.25")
    assert t.as_names() == {
        "TotalContributions": D("1500.50"),
        "TotalIncome": D("1700.50"),
        "TotalExpenditure": D("1150.25"),
        "Surplus": D("550.25"),
        "Drawdown": D(0),
        "AddToReserves": D("550.25"),
        "ReservesCarriedForward": D("58750.25"),
    }
    assert set(t.as_names()) == set(c.OUTPUT_NAMES)


def test_totals_deficit_is_drawn_down() -> None:
    t = totals([D(1000)], [], [(D(1500), None)], D(200))
    assert (t.surplus, t.drawdown, t.add_to_reserves) == (D(-500), D(500), D(0))
    assert t.reserves_carried_forward == D(-300)


def test_totals_of_nothing() -> None:
    t = totals([], [], [], D(0))
    assert all(v == 0 for v in t.as_names().values())


# -- changes against last year ---------------------------------------------------------------------


def test_change_in_pounds_and_percent() -> None:
    assert change(D(1000), D(1100)) == (D(100), pytest.approx(0.10))
    assert change(D(1000), D(900)) == (D(-100), pytest.approx(-0.10))
    assert change(D(0), D(250)) == (D(250), "n/a")  # no percentage change from £0
    assert change(D(0), D(0)) == (D(0), 0.0)
    assert change(None, D(250)) == (None, None)  # a new partner: blank


def test_changes_match_partners_ignoring_case_and_spaces() -> None:
    out = changes(
        {"Moorlands Police": D(1000), "Gone Trust": D(5)}, [("moorlands police ", D(1100)), ("New Council", D(50))]
    )
    assert out[0][:4] == ("moorlands police ", D(1000), D(1100), D(100))
    assert out[0][4] == pytest.approx(0.1)
    assert out[1] == ("New Council", None, D(50), None, None)
    assert len(out) == 2  # partners who left are not listed


# -- the annual-report lines ----------------------------------------------------------------------


def test_annual_report_layout_as_published() -> None:
    t = totals([D(600), D(400)], [D(50), D(25)], [(D(700), D(650)), (D(300), None)], D(100))
    lines = annual_report(
        [("DSG grant", D(50))],
        [("Training fees", D(25))],
        [("Council", D(600)), ("Police", D(400))],
        [("Staff", D(650)), ("Reviews", D(300))],
        t,
    )
    assert [(x.section, x.line, x.amount) for x in lines] == [
        ("Funding streams", "DSG grant", D(50)),
        ("Income", "Training fees", D(25)),
        ("Contributions", "Council", D(600)),
        ("Contributions", "Police", D(400)),
        ("Total", "TOTAL INCOME", D(1075)),
        ("Expenditure", "Staff", D(650)),
        ("Expenditure", "Reviews", D(300)),
        ("Total", "TOTAL", D(950)),
        ("Reserves", "Available reserves", D(100)),
        ("Reserves", "Drawdown", D(0)),
        ("Reserves", "Add to reserves", D(125)),
        ("Reserves", "Reserves balance", D(225)),
    ]


def test_annual_report_council_convention_shows_income_negative() -> None:
    t = totals([D(600)], [D(50)], [(D(700), None)], D(100))
    args = ([("DSG grant", D(50))], [], [("Council", D(600))], [("Staff", D(700))], t)
    plain, council = annual_report(*args), annual_report(*args, council_convention=True)
    by_line = {x.line: x.amount for x in council}
    assert by_line["DSG grant"] == D(-50) and by_line["Council"] == D(-600) and by_line["TOTAL INCOME"] == D(-650)
    assert by_line["Staff"] == D(700) and by_line["TOTAL"] == D(700)  # expenditure stays positive
    assert by_line["Drawdown"] == D(50) and by_line["Reserves balance"] == D(50)
    assert [x.line for x in plain] == [x.line for x in council]


MONEY = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
ITEMS = st.lists(st.tuples(st.text(min_size=1, max_size=8), MONEY), max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    funding=ITEMS,
    income=ITEMS,
    contributions=ITEMS,
    spend=st.lists(st.tuples(MONEY, st.none() | MONEY), max_size=6),
    brought_forward=st.decimals(min_value=-(10**6), max_value=10**7, places=2),
    council=st.booleans(),
)
def test_annual_report_reconciles_to_the_penny(
    funding: list, income: list, contributions: list, spend: list, brought_forward: Decimal, council: bool
) -> None:
    t = totals([a for _n, a in contributions], [a for _n, a in [*funding, *income]], spend, brought_forward)
    expenditure = [(f"line {i}", spent(b, a)) for i, (b, a) in enumerate(spend)]
    lines = annual_report(funding, income, contributions, expenditure, t, council_convention=council)
    sign = -1 if council else 1
    roles = {x.role: x for x in lines if x.role != "item"}
    income_lines = [x for x in lines if x.section in ("Funding streams", "Income", "Contributions")]
    spend_lines = [x for x in lines if x.section == "Expenditure"]
    assert sum((x.amount for x in income_lines), D(0)) == roles["total-income"].amount == sign * t.total_income
    assert sum((x.amount for x in spend_lines), D(0)) == roles["total-expenditure"].amount == t.total_expenditure
    assert (
        roles["balance"].amount == t.reserves_carried_forward == brought_forward + t.total_income - t.total_expenditure
    )
    assert roles["brought-forward"].amount + roles["add"].amount - roles["drawdown"].amount == roles["balance"].amount
    assert min(roles["add"].amount, roles["drawdown"].amount) == 0


# -- the whole computation, still pure ------------------------------------------------------------


def budget(
    contributions: list[Contribution],
    *,
    requirement: str | None,
    reserves: str = "0",
    other: list[OtherIncome] | None = None,
    spend: list[Expense] | None = None,
) -> BudgetInput:
    return BudgetInput(
        "test",
        "Test Partnership",
        "2025/26",
        D(reserves),
        None if requirement is None else D(requirement),
        contributions,
        other or [],
        spend or [],
    )


def share(partner: str, s: Fraction) -> Contribution:
    return Contribution(partner, "Health", c.SHARE, s, None)


def fixed(partner: str, amount: str) -> Contribution:
    return Contribution(partner, "Other", c.FIXED, None, D(amount))


def test_contribution_amounts_share_and_fixed() -> None:
    inp = budget([share("A", THIRD), fixed("F", "2500.50"), share("B", THIRD), share("C", THIRD)], requirement="100000")
    assert contribution_amounts(inp) == [D(33_334), D("2500.50"), D(33_333), D(33_333)]


def test_all_fixed_budget_needs_no_requirement() -> None:
    for requirement in (None, "0"):
        inp = budget([fixed("F", "1000"), fixed("G", "250.25")], requirement=requirement)
        assert contribution_amounts(inp) == [D(1000), D("250.25")]


def test_budget_result_warns_when_reserves_would_go_negative() -> None:
    inp = budget([fixed("F", "1000")], requirement=None, reserves="300", spend=[Expense("Staff", D(1500), None)])
    r = budget_result(inp)
    assert r.totals.reserves_carried_forward == D(-200)
    assert len(r.warnings) == 1 and r.warnings[0].startswith("reserves would go negative")
    inp = budget([fixed("F", "1000")], requirement=None, reserves="600", spend=[Expense("Staff", D(1500), None)])
    assert [w[:30] for w in budget_result(inp).warnings] == ["a deficit of £500.00 is drawn "]
    inp = budget([fixed("F", "1000")], requirement=None, reserves="600", spend=[Expense("Staff", D(900), None)])
    assert budget_result(inp).warnings == []


def test_budget_result_changes_against_previous() -> None:
    prev = budget([share("A", F(1, 2)), share("B", F(1, 2)), fixed("Zero", "0")], requirement="1000")
    cur = budget(
        [share("a", F(1, 2)), share("B", F(1, 2)), fixed("Zero", "100"), fixed("New", "50")], requirement="1101"
    )
    r = budget_result(cur, prev)
    assert [(p, b, a, d) for p, b, a, d, _pct in r.changes] == [
        ("a", D(500), D(551), D(51)),
        ("B", D(500), D(550), D(50)),
        ("Zero", D(0), D(100), D(100)),
        ("New", None, D(50), None),
    ]
    assert [pct for *_rest, pct in r.changes] == [pytest.approx(0.102), pytest.approx(0.1), "n/a", None]
