"""Performance rules: pure functions over numbers and labels, no workbook. The UDFs will wrap these.

    >>> rate(212, 58_410)                 # DfE: count ÷ population aged 0–17 × 10,000, 1 d.p.
    36.3
    >>> percentage_change(422, 626)
    48.3
    >>> rag(23.0, 20, "lower", tolerance=3)
    'Amber'
    >>> classify(540, 0.31, prevalence_threshold=400, impact_threshold=0.25)
    'High prevalence / High impact'

Rounding is half away from zero on the number as a spreadsheet shows it (15 significant digits), as
Excel's and LibreOffice's ROUND do, so a value cached by boardbook equals the workbook's own formula.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from boardbook.folding import fold
from boardbook.performance import contract as c

PER_DEFAULT = 10_000
PLACES = 1
_EPSILON_PLACES = 9  # differences smaller than this are float noise, not performance


def round_half_up(value: float, places: int = PLACES) -> float:
    """Round like Excel's ROUND: to 15 significant digits first, then half away from zero."""
    if not math.isfinite(value):
        return value
    d = Decimal(f"{value:.15g}")
    if d.adjusted() >= 15:  # no decimals left to round at 15 significant digits
        return float(d)
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def rate(numerator: float, denominator: float, per: float = PER_DEFAULT, places: int = PLACES) -> float:
    """``numerator ÷ denominator × per``, rounded to ``places`` (DfE: per 10,000 children, 1 d.p.).

    Raises:
        ValueError: the denominator is not above 0 (readers report this before any rule runs).
    """
    if denominator <= 0:
        raise ValueError(f"a rate needs a denominator above 0 (got {denominator})")
    return round_half_up(numerator / denominator * per, places)


def percentage_change(old: float, new: float, places: int = PLACES) -> float | None:
    """Change from ``old`` to ``new`` as a percentage of ``old``; 0 → 0 is 0.0; from 0 to anything else is
    None (shown "n/a"): never a division error."""
    if old == 0:
        return 0.0 if new == 0 else None
    change = (new - old) / abs(old) * 100
    return round_half_up(change, places) if math.isfinite(change) else None  # too large to show: "n/a"


def describe_change(old: float | None, new: float | None) -> str:
    """ "+48.3 %", "-2.0 %", "0.0 %" or "n/a" (no previous value, or a change from 0)."""
    if old is None or new is None:
        return "n/a"
    change = percentage_change(old, new)
    if change is None:
        return "n/a"
    return f"{change:+.1f} %" if change else "0.0 %"


def polarity(text: object) -> str | None:
    """``higher`` or ``lower`` (is better) from what people type; None when blank.

    Raises:
        ValueError: anything else.
    """
    if text is None:
        return None
    key = fold(text).rstrip(".")
    if not key:
        return None
    for word in c.POLARITIES:
        if key in (word, f"{word} is better", word.removesuffix("er"), f"{word} better"):
            return word
    if key in ("up", "increase", "+"):
        return c.HIGHER
    if key in ("down", "decrease", "-"):
        return c.LOWER
    raise ValueError(f"{text!r} is not a polarity: use 'higher' or 'lower' (is better)")


def _cmp(a: float, b: float) -> int:
    """-1, 0 or 1, treating float noise (1e-9) as equal."""
    d = round(a - b, _EPSILON_PLACES)
    return (d > 0) - (d < 0)


def rag(value: float | None, target: float | None, polarity: str | None, tolerance: float | None = 0) -> str | None:
    """Green when ``value`` meets the target, Amber when it misses by no more than ``tolerance`` (in the
    indicator's own units), Red beyond. None when the value, target or polarity is missing."""
    if value is None or target is None or polarity not in c.POLARITIES:
        return None
    tol = tolerance or 0
    sign = 1 if polarity == c.HIGHER else -1
    if _cmp(sign * value, sign * target) >= 0:
        return c.GREEN
    if _cmp(sign * value, sign * target - tol) >= 0:
        return c.AMBER
    return c.RED


def trend(current: float | None, previous: float | None, polarity: str | None) -> str | None:
    """Improving / Worsening / No change from ``previous`` to ``current`` by polarity; None if any is missing."""
    if current is None or previous is None or polarity not in c.POLARITIES:
        return None
    d = _cmp(current, previous) * (1 if polarity == c.HIGHER else -1)
    return c.IMPROVING if d > 0 else c.WORSENING if d < 0 else c.NO_CHANGE


def mean_of_available(values: Iterable[float | None], places: int = PLACES) -> tuple[float | None, int]:
    """Simple mean of the values that are there (e.g. statistical neighbours), rounded; and how many."""
    present = [v for v in values if v is not None]
    if not present:
        return None, 0
    return round_half_up(sum(present) / len(present), places), len(present)


_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"\bQ([1-4])\b", re.IGNORECASE)


def period_key(period: str) -> tuple[int, int, str]:
    """Sort key for periods as boards write them: "2023/24" < "2024/25"; "Q1 2025/26" < "Q2 2025/26";
    "2024" sorts with "2024/25". Periods without a year sort first, by their text."""
    text = (period or "").strip()
    year = _YEAR.search(text)
    quarter = _QUARTER.search(text)
    return (int(year.group(1)) if year else -1, int(quarter.group(1)) if quarter else 0, text.casefold())


# -- risk factors --------------------------------------------------------------------------------------
def conversion(plans: float, assessments: float) -> float | None:
    """Share of the assessments identifying a factor that led to a child protection plan (a fraction)."""
    if assessments <= 0:
        return None
    return plans / assessments


def prevalence(assessments: float, plans: float, measure: str = c.ASSESSMENTS) -> float:
    """How common a factor is: the assessments identifying it, or the children who went on to a plan."""
    if measure not in c.PREVALENCE_MEASURES:
        raise ValueError(f"prevalence measure must be one of {', '.join(c.PREVALENCE_MEASURES)}")
    return assessments if measure == c.ASSESSMENTS else plans


def classify(prevalence: float, impact: float, prevalence_threshold: float, impact_threshold: float) -> str:
    """One of the four quadrant labels. At or above a threshold counts as High."""
    high_p = _cmp(prevalence, prevalence_threshold) >= 0
    high_i = _cmp(impact, impact_threshold) >= 0
    return {(True, True): c.HIGH_HIGH, (True, False): c.HIGH_LOW, (False, True): c.LOW_HIGH, (False, False): c.LOW_LOW}[
        (high_p, high_i)
    ]


@dataclass(frozen=True)
class Classified:
    """A risk factor placed in the quadrant."""

    factor: str
    assessments: float
    plans: float
    prevalence: float
    conversion: float
    quadrant: str


@dataclass(frozen=True)
class RiskQuadrant:
    factors: list[Classified]
    measure: str
    prevalence_threshold: float
    impact_threshold: float
    prevalence_is_median: bool
    impact_is_median: bool


def classify_factors(
    factors: Sequence[tuple[str, float, float]],
    measure: str = c.ASSESSMENTS,
    prevalence_threshold: float | None = None,
    impact_threshold: float | None = None,
) -> RiskQuadrant:
    """Place (factor, assessments, plans) in the quadrant; thresholds default to the medians.

    Raises:
        ValueError: no factors, or a factor with no assessments.
    """
    if not factors:
        raise ValueError("no risk factors to classify")
    rows = []
    for name, assessments, plans in factors:
        conv = conversion(plans, assessments)
        if conv is None:
            raise ValueError(f"{name}: assessments must be above 0")
        rows.append((name, assessments, plans, prevalence(assessments, plans, measure), conv))
    p_thr = statistics.median(r[3] for r in rows) if prevalence_threshold is None else prevalence_threshold
    i_thr = statistics.median(r[4] for r in rows) if impact_threshold is None else impact_threshold
    out = [Classified(n, a, p, prev, conv, classify(prev, conv, p_thr, i_thr)) for n, a, p, prev, conv in rows]
    return RiskQuadrant(out, measure, p_thr, i_thr, prevalence_threshold is None, impact_threshold is None)
