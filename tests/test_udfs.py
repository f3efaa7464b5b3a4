"""Worksheet functions, called as Excel would call them (plain functions off Windows: xlwings' decorators
are no-ops there). Each must give the rule's answer, and a short message — never an exception — for bad input."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from boardbook import udfs as u


def test_every_function_is_registered_under_its_excel_name() -> None:
    assert u.UDFS == [
        "BB_RATE",
        "BB_PCTCHANGE",
        "BB_RAG",
        "BB_TREND",
        "BB_QUADRANT",
        "BB_S11SCORE",
        "BB_METPCT",
        "BB_FY",
        "BB_EES",
    ]
    for name in u.UDFS:
        fn = getattr(u, name)
        assert fn.__name__ == name and fn.__doc__, name


def test_rate() -> None:
    assert u.BB_RATE(212, 58_410) == 36.3  # 212 / 58,410 × 10,000 = 36.2951… → 36.3
    assert u.BB_RATE(5, 1_000, 1_000, 2) == 5.0
    assert u.BB_RATE(1, 8) == 1250.0
    assert u.BB_RATE(1, 0).startswith("#BB! BB_RATE: population must be above 0")
    assert u.BB_RATE("lots", 100).startswith("#BB! BB_RATE: count must be a number")


def test_percentage_change() -> None:
    assert u.BB_PCTCHANGE(422, 626) == pytest.approx(0.48341232, abs=1e-8)  # +48.3 %
    assert u.BB_PCTCHANGE(0, 0) == 0
    assert u.BB_PCTCHANGE(0, 3) == "n/a"
    assert u.BB_PCTCHANGE(50, 40) == pytest.approx(-0.2)
    assert u.BB_PCTCHANGE(None, 3).startswith("#BB! BB_PCTCHANGE: old is blank")


def test_rag_and_trend() -> None:
    assert [u.BB_RAG(v, 20, "lower", 3) for v in (19, 20, 23, 23.5)] == ["Green", "Green", "Amber", "Red"]
    assert [u.BB_RAG(v, 80, "Higher is better", 5) for v in (81, 76, 74)] == ["Green", "Amber", "Red"]
    assert u.BB_RAG(1, 2, "sideways").startswith("#BB! BB_RAG:")
    assert u.BB_TREND(10, 12, "lower") == "Worsening" and u.BB_TREND(10, 12, "higher") == "Improving"
    assert u.BB_TREND(10, 10, "higher") == "No change"


def test_quadrant() -> None:
    assert u.BB_QUADRANT(540, 0.31, 400, 0.25) == "High prevalence / High impact"
    assert u.BB_QUADRANT(100, 0.31, 400, 0.25) == "Low prevalence / High impact"
    assert u.BB_QUADRANT(400, 0.1, 400, 0.25) == "High prevalence / Low impact"
    assert u.BB_QUADRANT(1, 0.1, 400, 0.25) == "Low prevalence / Low impact"


def test_section_11_scores_from_a_range() -> None:
    block = [["Fully met", "Not met"], ["Not applicable", None], [" mostly MET ", ""]]
    assert u.BB_S11SCORE(block) == pytest.approx((3 + 0 + 2) / 3)
    assert u.BB_METPCT(block) == pytest.approx(2 / 3)
    assert u.BB_METPCT([["Not applicable"]]) == "n/a"
    assert u.BB_METPCT("Fuly met").startswith("#BB! BB_METPCT: 'Fuly met' is not a rating")


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2021, 3, 31), "2020/21"),
        (datetime(2021, 4, 1, 9), "2021/22"),
        ("31/03/2000", "1999/00"),
        ("1 April 2024", "2024/25"),
    ],
)
def test_financial_year(day: object, year: str) -> None:
    assert u.BB_FY(day) == year


def test_financial_year_bad_input() -> None:
    assert u.BB_FY("soon").startswith("#BB! BB_FY: 'soon' is not a date")


def test_ees_cells() -> None:
    assert u.BB_EES(12.5) == 12.5
    assert u.BB_EES("1,234") == 1234
    assert u.BB_EES("c").startswith("suppressed")
    assert u.BB_EES("z").startswith("not applicable")
    assert u.BB_EES(":").startswith("not available") and u.BB_EES("x").startswith("not available")
    assert u.BB_EES("abc").startswith("#BB! BB_EES:")
