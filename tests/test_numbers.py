"""One number reader (``boardbook.numbers``): UK forms read, European forms questioned with both readings and
the cell named, never silently misread (``24,4`` was 244 in indicators; ``12.500`` was £12.50 in budgets)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from boardbook.budget.values import parse_money, parse_share
from boardbook.numbers import AmbiguousNumber, read_number
from boardbook.performance import reader
from boardbook.performance.model import InputError


@pytest.mark.parametrize(
    ("typed", "value", "percent"),
    [
        ("12500", "12500", False),
        ("12,500", "12500", False),
        ("12 500", "12500", False),
        ("12\u00a0500", "12500", False),  # non-breaking space as Excel's French format groups
        ("£12,500.00", "12500.00", False),
        ("-£1,200", "-1200", False),
        ("£-1,200", "-1200", False),
        ("(1,200.50)", "-1200.50", False),
        ("\u22125", "-5", False),  # Unicode minus sign
        ("\u20135.5", "-5.5", False),  # en dash as minus
        ("24.4%", "24.4", True),
        ("33.333%", "33.333", True),  # a share with three decimals is a decimal point, not thousands
        (".5", "0.5", False),
        ("1,234,567.89", "1234567.89", False),
        ("GBP 300", "300", False),
    ],
)
def test_uk_numbers_are_read(typed: str, value: str, percent: bool) -> None:
    assert read_number(typed) == read_number(typed, whole=False)
    got = read_number(typed)
    assert (got.value, got.percent) == (Decimal(value), percent)


@pytest.mark.parametrize(
    ("typed", "whole", "readings"),
    [
        ("24,4", False, ("24.4", "244")),
        ("1.234,56", False, ("1234.56", "123456")),
        ("12,50", True, ("12.50", "1250")),
        ("12.500", True, ("12.500", "12500")),  # money: £12.50 or £12,500?
        ("-3,5", False, ("-3.5", "-35")),
    ],
)
def test_european_forms_are_questioned_with_both_readings(typed: str, whole: bool, readings: tuple[str, str]) -> None:
    with pytest.raises(AmbiguousNumber) as caught:
        read_number(typed, whole=whole)
    assert caught.value.readings == (Decimal(readings[0]), Decimal(readings[1]))
    assert "retype it as" in str(caught.value)


def test_a_dot_before_three_digits_is_a_decimal_point_unless_money_or_counts() -> None:
    assert read_number("12.500").value == Decimal("12.500")  # an indicator figure or a share
    with pytest.raises(AmbiguousNumber):
        read_number("12.500", whole=True)
    with pytest.raises(ValueError, match=r"dots for thousands.*1,234,567"):
        read_number("1.234.567")


@pytest.mark.parametrize("typed", ["twelve", "1,2,3", "£", "12k", "1.2.3", "--5", ""])
def test_what_is_not_a_number(typed: str) -> None:
    with pytest.raises(ValueError):
        read_number(typed)


def test_budget_money_and_shares_use_it() -> None:
    assert parse_money("−£1,200") == Decimal("-1200.00")
    with pytest.raises(ValueError, match=r"expected an amount in £: '£12\.500' could be 12\.5 or 12,500"):
        parse_money("£12.500")
    with pytest.raises(ValueError, match=r"'24,4' could be 24\.4 or 244"):
        parse_money("24,4")
    assert parse_share("33.333%") == pytest.approx(0.33333)
    with pytest.raises(ValueError, match=r"expected a share such as 25% or 0.25: '33,3%' could be 33\.3 or 333"):
        parse_share("33,3%")


def test_an_indicator_typed_with_a_decimal_comma_names_the_cell_and_both_readings(tmp_path: Path) -> None:
    """Before: '24,4' was read as 244 without a word."""
    csv = tmp_path / "indicators.csv"
    csv.write_text('Priority,Indicator,Period,Value\nNeglect,Re-referrals,2024/25,"24,4"\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        reader.read_indicators(csv)
    assert str(caught.value.problems[0]).endswith(
        "row 2, column Value: '24,4' could be 24.4 or 244 (a comma or dot "
        "used the European way?): boardbook reads UK numbers (1,234.5), "
        "so retype it as 24.4 or 244"
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Indicators"
    ws.append(["Priority", "Indicator", "Period", "Value"])
    ws.append(["Neglect", "Re-referrals", "2024/25", "24,4"])
    wb.save(tmp_path / "indicators.xlsx")
    with pytest.raises(InputError) as caught:
        reader.read_indicators(tmp_path / "indicators.xlsx")
    assert "sheet 'Indicators' cell D2, column Value: '24,4' could be 24.4 or 244" in str(caught.value.problems[0])


def test_a_share_of_only_spaces_and_new_lines_is_blank_and_named(tmp_path: Path) -> None:
    """Found by the fuzzer: a Share cell holding a tab and a new line reached the rules as no share at all."""
    from boardbook.budget.model import BudgetInputError
    from boardbook.budget.reader import read_budget

    toml = tmp_path / "budget.toml"
    toml.write_text(
        '[budget]\npartnership = "P"\nfinancial_year = "2026/27"\nreserves_brought_forward = 0\nrequirement = 1000\n'
        '[[contributions]]\npartner = "Council"\nbasis = "share"\nshare = "100%"\n'
        '[[contributions]]\npartner = "Police"\nbasis = "share"\nshare = "\\t\\n"\n',
        encoding="utf-8",
    )
    with pytest.raises(BudgetInputError, match="Police is share-based but has no Share"):
        read_budget(toml)
