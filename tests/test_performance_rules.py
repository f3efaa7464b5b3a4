"""Performance rules with figures anyone can check by hand (and against DfE's own published numbers)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardbook.performance import contract as c
from boardbook.performance import rules
from boardbook.performance.assess import PreviousValue, assess
from boardbook.performance.model import Indicator, Where

EES = (
    Path("/work/shared/data/ees")
    if Path("/work/shared/data/ees").is_dir()
    else Path(__file__).resolve().parents[2] / "shared" / "data" / "ees"
)
HERE = Where("test.csv", 2)


# -- rates ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("numerator", "denominator", "per", "expected"),
    [
        (212, 58_410, 10_000, 36.3),  # 212 ÷ 58,410 = 0.0036295… × 10,000 = 36.295… → 36.3
        (1_968, 58_410, 10_000, 336.9),  # 336.929… → 336.9
        (41, 168, 100, 24.4),  # 24.404… → 24.4
        (15_130, 61_840, 100, 24.5),  # England 2024/25 repeat plans: DfE publishes 24.5 (D3, National row)
        (191, 829, 100, 23.0),  # Leeds 2024/25 repeat plans: DfE publishes 23 (D3)
        (0, 58_410, 10_000, 0.0),
    ],
)
def test_rate_per_n_to_one_decimal_place(numerator: float, denominator: float, per: float, expected: float) -> None:
    assert rules.rate(numerator, denominator, per) == expected


def test_rate_defaults_to_per_10000() -> None:
    assert rules.rate(74, 58_410) == 12.7  # 74 ÷ 58,410 × 10,000 = 12.669…


def test_rate_rounds_half_away_from_zero_like_excel() -> None:
    assert rules.rate(1, 16, 100) == 6.3  # 6.25: Excel's ROUND gives 6.3; Python's round() would give 6.2
    assert round(6.25, 1) == 6.2
    assert rules.round_half_up(2.675, 2) == 2.68  # 2.675 is 2.67499999… in binary; a spreadsheet shows 2.68
    assert rules.round_half_up(-2.5, 0) == -3.0


def test_rate_refuses_a_zero_denominator() -> None:
    with pytest.raises(ValueError, match="denominator above 0"):
        rules.rate(5, 0)


def test_rate_reproduces_every_published_la_percentage_in_d3() -> None:
    """DfE's CPP_subsequent_percent = CPP_subsequent ÷ CPP_start × 100, 1 d.p., for every LA row of D3."""
    path = EES / "d3_cpps_subsequent_plan_2013_to_2025.csv"
    if not path.exists():
        pytest.skip(f"real EES data not found at {path}")
    checked = 0
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["geographic_level"] != "Local authority":
                continue
            try:
                subsequent, started = float(row["CPP_subsequent"]), float(row["CPP_start"])
                published = float(row["CPP_subsequent_percent"])
            except ValueError:  # c, z, x, u
                continue
            if started:
                assert rules.rate(subsequent, started, 100) == published, row
                checked += 1
    assert checked > 1900, checked


# -- percentage change -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "expected", "text"),
    [
        (422, 626, 48.3, "+48.3 %"),  # 204 ÷ 422 = 0.4834…
        (626, 422, -32.6, "-32.6 %"),  # -204 ÷ 626 = -0.3258…
        (22.1, 24.4, 10.4, "+10.4 %"),  # 2.3 ÷ 22.1 = 0.1040…
        (50, 50, 0.0, "0.0 %"),
        (0, 0, 0.0, "0.0 %"),  # nothing to nothing is no change
        (0, 5, None, "n/a"),  # anything from 0 has no percentage: never a division error
        (-10, -5, 50.0, "+50.0 %"),  # from a negative base, the sign follows the direction of travel
    ],
)
def test_percentage_change(old: float, new: float, expected: float | None, text: str) -> None:
    assert rules.percentage_change(old, new) == expected
    assert rules.describe_change(old, new) == text


def test_describe_change_without_a_previous_value() -> None:
    assert rules.describe_change(None, 5) == "n/a"


@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
)
def test_percentage_change_never_raises(old: float, new: float) -> None:
    change = rules.percentage_change(old, new)
    assert change is None or math.isfinite(change)
    assert isinstance(rules.describe_change(old, new), str)


# -- RAG ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (80, c.GREEN),
        (95, c.GREEN),  # meets the target
        (79.9, c.AMBER),
        (70, c.AMBER),  # within the tolerance of 10 (the edge counts as within)
        (69.9, c.RED),
        (0, c.RED),
    ],
)
def test_rag_higher_is_better(value: float, expected: str) -> None:
    assert rules.rag(value, 80, c.HIGHER, tolerance=10) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (20, c.GREEN),
        (12, c.GREEN),
        (20.1, c.AMBER),
        (23, c.AMBER),
        (23.1, c.RED),
        (24.4, c.RED),
    ],
)
def test_rag_lower_is_better(value: float, expected: str) -> None:
    assert rules.rag(value, 20, c.LOWER, tolerance=3) == expected


def test_rag_without_tolerance_has_no_amber() -> None:
    assert rules.rag(79.99, 80, c.HIGHER) == c.RED
    assert rules.rag(79.99, 80, c.HIGHER, tolerance=None) == c.RED


def test_rag_edge_is_not_lost_to_float_noise() -> None:
    assert rules.rag(17.1, 20, c.HIGHER, tolerance=2.9) == c.AMBER  # 20 - 2.9 in binary is 17.1 give or take
    assert rules.rag(0.3, 0.1 + 0.2, c.HIGHER) == c.GREEN  # 0.1 + 0.2 = 0.30000000000000004


@pytest.mark.parametrize(("value", "target", "polarity"), [(None, 20, "lower"), (24, None, "lower"), (24, 20, None)])
def test_rag_is_blank_without_value_target_or_polarity(value, target, polarity) -> None:
    assert rules.rag(value, target, polarity, 3) is None


@given(
    st.floats(min_value=0, max_value=1000),
    st.floats(min_value=0, max_value=1000),
    st.floats(min_value=0, max_value=1000),
    st.floats(min_value=0, max_value=100),
)
def test_rag_never_gets_better_as_a_higher_is_better_value_falls(a: float, b: float, target: float, tol: float) -> None:
    order = {c.GREEN: 2, c.AMBER: 1, c.RED: 0}
    low, high = sorted((a, b))
    assert order[rules.rag(low, target, c.HIGHER, tol)] <= order[rules.rag(high, target, c.HIGHER, tol)]
    assert order[rules.rag(high, target, c.LOWER, tol)] <= order[rules.rag(low, target, c.LOWER, tol)]


# -- trend and polarity -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("current", "previous", "polarity", "expected"),
    [
        (71.4, 64.0, c.HIGHER, c.IMPROVING),
        (60.0, 64.0, c.HIGHER, c.WORSENING),
        (24.4, 22.1, c.LOWER, c.WORSENING),
        (21.2, 22.8, c.LOWER, c.IMPROVING),
        (5.9, 5.9, c.LOWER, c.NO_CHANGE),
        (0.3, 0.1 + 0.2, c.HIGHER, c.NO_CHANGE),
        (5.9, None, c.LOWER, None),
        (5.9, 5.0, None, None),
    ],
)
def test_trend_by_polarity(current, previous, polarity, expected) -> None:
    assert rules.trend(current, previous, polarity) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("higher", c.HIGHER),
        ("Higher is better", c.HIGHER),
        (" HIGH ", c.HIGHER),
        ("up", c.HIGHER),
        ("lower", c.LOWER),
        ("Lower is better.", c.LOWER),
        ("low", c.LOWER),
        ("", None),
        (None, None),
    ],
)
def test_polarity_from_what_people_type(typed, expected) -> None:
    assert rules.polarity(typed) == expected


def test_unknown_polarity_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a polarity"):
        rules.polarity("sideways")


def test_periods_sort_as_boards_write_them() -> None:
    periods = ["2024/25", "Q2 2025/26", "2012/13", "Q1 2025/26", "2023/24", ""]
    assert sorted(periods, key=rules.period_key) == ["", "2012/13", "2023/24", "2024/25", "Q1 2025/26", "Q2 2025/26"]


def test_mean_of_available_values() -> None:
    assert rules.mean_of_available([22.0, None, 24.0, 23.5]) == (23.2, 3)  # 69.5 ÷ 3 = 23.1666…
    assert rules.mean_of_available([None, None]) == (None, 0)


# -- risk factors -----------------------------------------------------------------------------------------
DEMO_FACTORS = [  # python/boardbook/data/performance/risk-factors.csv
    ("Domestic abuse (parent)", 1240, 318),
    ("Mental health (parent)", 1085, 236),
    ("Emotional abuse", 744, 201),
    ("Neglect", 690, 242),
    ("Drug misuse (parent)", 520, 171),
    ("Alcohol misuse (parent)", 498, 142),
    ("Physical abuse (adult on child)", 402, 88),
    ("Self-harm", 351, 24),
    ("Going missing", 233, 19),
    ("Child criminal exploitation", 164, 21),
    ("Sexual abuse (adult on child)", 156, 61),
    ("Learning disability (parent)", 143, 47),
    ("Child sexual exploitation", 118, 22),
    ("Young carer", 96, 6),
    ("Gangs", 72, 9),
]


def test_conversion_is_plans_over_assessments() -> None:
    assert rules.conversion(318, 1240) == pytest.approx(0.25645, abs=1e-5)  # 318 ÷ 1,240
    assert rules.conversion(0, 72) == 0.0
    assert rules.conversion(3, 0) is None


def test_classify_at_or_above_a_threshold_is_high() -> None:
    assert rules.classify(351, 0.25, 351, 0.25) == c.HIGH_HIGH
    assert rules.classify(351, 0.2499, 351, 0.25) == c.HIGH_LOW
    assert rules.classify(350, 0.25, 351, 0.25) == c.LOW_HIGH
    assert rules.classify(0, 0, 351, 0.25) == c.LOW_LOW


def test_default_thresholds_are_the_medians() -> None:
    q = rules.classify_factors(DEMO_FACTORS)
    # 15 factors: the 8th of the sorted assessments (72, 96, 118, 143, 156, 164, 233, 351, ...) is 351;
    # the 8th of the sorted conversions is Physical abuse's 88 ÷ 402 = 0.2189…
    assert q.prevalence_threshold == 351
    assert q.impact_threshold == pytest.approx(88 / 402)
    assert q.prevalence_is_median and q.impact_is_median
    by = {f.factor: f.quadrant for f in q.factors}
    assert by["Domestic abuse (parent)"] == c.HIGH_HIGH  # 1,240 ≥ 351 and 25.6 % ≥ 21.9 %
    assert by["Mental health (parent)"] == c.HIGH_LOW  # 21.8 % < 21.9 %
    assert by["Sexual abuse (adult on child)"] == c.LOW_HIGH  # 156 < 351, 39.1 %
    assert by["Young carer"] == c.LOW_LOW
    assert by["Physical abuse (adult on child)"] == c.HIGH_HIGH  # the median itself counts as High
    assert {f.quadrant for f in q.factors} == set(c.QUADRANT_LABELS)


def test_configured_thresholds_and_prevalence_by_plans() -> None:
    q = rules.classify_factors(DEMO_FACTORS, c.PLANS, prevalence_threshold=100, impact_threshold=0.3)
    by = {f.factor: f for f in q.factors}
    assert by["Drug misuse (parent)"].prevalence == 171 and by["Drug misuse (parent)"].quadrant == c.HIGH_HIGH
    assert by["Domestic abuse (parent)"].quadrant == c.HIGH_LOW  # 318 plans, 25.6 % < 30 %
    assert by["Sexual abuse (adult on child)"].quadrant == c.LOW_HIGH  # 61 plans, 39.1 %
    assert not q.prevalence_is_median and not q.impact_is_median


def test_classify_factors_refuses_nothing_and_zero_assessments() -> None:
    with pytest.raises(ValueError, match="no risk factors"):
        rules.classify_factors([])
    with pytest.raises(ValueError, match="above 0"):
        rules.classify_factors([("Gangs", 0, 0)])
    with pytest.raises(ValueError, match="prevalence measure"):
        rules.prevalence(1, 1, "children")


# -- assess: the rules applied to indicator records --------------------------------------------------------
def _ind(period: str, **kw: object) -> Indicator:
    return Indicator(priority="Neglect", indicator="Repeat child protection plans", where=HERE, period=period, **kw)  # type: ignore[arg-type]


def test_assess_computes_values_and_takes_previous_from_the_preceding_period() -> None:
    older = _ind("2023/24", numerator=38, denominator=172, per=100, target=20, polarity=c.LOWER, tolerance=3)
    newer = _ind("2024/25", numerator=41, denominator=168, per=100, target=20, polarity=c.LOWER, tolerance=3)
    assess([newer, older])
    assert (older.value, older.computed) == (22.1, True)  # 38 ÷ 172 × 100 = 22.09…
    assert (newer.value, newer.previous, newer.rag, newer.trend) == (24.4, 22.1, c.RED, c.WORSENING)
    assert older.previous is None and older.trend is None


def test_assess_defaults_per_to_10000_and_notes_a_disagreeing_value() -> None:
    ind = _ind("2024/25", numerator=212, denominator=58_410, value=40)
    assess([ind])
    assert (ind.per, ind.value) == (10_000, 36.3)
    assert "differs" in ind.note and "36.3" in ind.note


def test_assess_previous_workbook_fills_only_blanks_with_an_earlier_period() -> None:
    given_prev = _ind("2024/25", value=24.4, previous=25.0, polarity=c.LOWER)
    from_wb = Indicator(
        priority="neglect",
        indicator=" Re-referrals  within 12 months",
        where=HERE,
        period="2024/25",
        value=21.2,
        polarity=c.LOWER,
    )
    key = from_wb.key
    previous = {
        given_prev.key: [PreviousValue("2023/24", 22.1, "old.xlsx")],
        key: [
            PreviousValue("2024/25", 99.0, "old.xlsx"),
            PreviousValue("2023/24", 22.8, "old.xlsx"),
            PreviousValue("2022/23", 25.0, "old.xlsx"),
        ],
    }
    assess([given_prev, from_wb], previous)
    assert given_prev.previous == 25.0  # the input's own value wins
    assert from_wb.previous == 22.8 and from_wb.trend == c.IMPROVING  # latest period before 2024/25
    assert "2023/24 from old.xlsx" in from_wb.note


def test_assess_explains_blank_rag() -> None:
    no_target = _ind("2024/25", value=5.0, polarity=c.LOWER)
    no_polarity = Indicator("Neglect", "Children in need rate", HERE, period="2024/25", value=336.9, target=300)
    no_value = Indicator("Neglect", "CP plans", HERE, period="2024/25", notes=["Value: suppressed (c)"])
    assess([no_target, no_polarity, no_value])
    assert no_target.rag is None and "no target" in no_target.note
    assert no_polarity.rag is None and "no polarity" in no_polarity.note
    assert no_value.rag is None and no_value.note == "Value: suppressed (c)"
