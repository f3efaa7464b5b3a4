"""Learning gain, pure: means of confidence before and after, the gain, and who improved — per course, per
sector — and the reach of the training. No workbooks here.

Means are rounded half away from zero to 2 d.p., as the workbook's ROUND does; improved means after > before::

    >>> from boardbook.training.model import Evaluation
    >>> e = [Evaluation("Neglect", None, "", "Police", 2, 4, "", "f.csv", 2),
    ...      Evaluation("Neglect", None, "", "Health", 3, 3, "", "f.csv", 3)]
    >>> learning_gain(e, lambda x: x.course)[0].mean_gain
    Decimal('1.00')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from boardbook.folding import fold
from boardbook.training import contract as c
from boardbook.training.model import Evaluation

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Gain:
    """One row of LearningGain or GainBySector."""

    group: str
    responses: int
    mean_before: Decimal
    mean_after: Decimal
    mean_gain: Decimal
    improved: Fraction  # share of responses with after > before

    @property
    def improved_fraction(self) -> float:
        return float(self.improved)


@dataclass(frozen=True)
class Reach:
    """One row of Reach: learners (evaluations) from a sector, the courses they attended, and their share."""

    sector: str
    learners: int
    courses: int
    share: Fraction


def mean(values: Sequence[int]) -> Decimal:
    """The mean to 2 d.p., halves away from zero (Excel's ROUND)."""
    exact = Fraction(sum(values), len(values))
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def groups(evaluations: Sequence[Evaluation], key: Callable[[Evaluation], str]) -> dict[str, list[Evaluation]]:
    """Evaluations by ``key``, the same name however it was typed (first spelling shown), in first-seen order."""
    out: dict[str, list[Evaluation]] = {}
    shown: dict[str, str] = {}
    for e in evaluations:
        name = shown.setdefault(fold(key(e)), key(e))
        out.setdefault(name, []).append(e)
    return out


def learning_gain(evaluations: Sequence[Evaluation], key: Callable[[Evaluation], str]) -> list[Gain]:
    """A Gain per group (course or sector), in first-seen order."""
    rows = []
    for name, es in groups(evaluations, key).items():
        before = [e.before for e in es]
        after = [e.after for e in es]
        rows.append(
            Gain(
                name,
                len(es),
                mean(before),
                mean(after),
                mean([e.gain for e in es]),
                Fraction(sum(1 for e in es if e.after > e.before), len(es)),
            )
        )
    return rows


def reach(evaluations: Sequence[Evaluation]) -> list[Reach]:
    """Learners per sector (most first), then every sector together (``All sectors``).

    Each evaluation is one learner on one course: exports identify no one (boardbook reads no names), so a
    person on two courses counts twice.
    """
    total = len(evaluations)
    rows = [
        Reach(sector, len(es), len({fold(e.course) for e in es}), Fraction(len(es), total))
        for sector, es in groups(evaluations, lambda e: e.sector).items()
    ]
    rows.sort(key=lambda r: (-r.learners, fold(r.sector)))
    courses = len({fold(e.course) for e in evaluations})
    return [*rows, Reach(c.ALL_SECTORS, total, courses, Fraction(1) if total else Fraction(0))]


def one_spelling(evaluations: Sequence[Evaluation]) -> list[Evaluation]:
    """Each course and sector under the spelling first met ("Health & care" and "health and care" are one), so
    the workbook's formulas, which compare text as typed, count what the rules count."""
    courses: dict[str, str] = {}
    sectors: dict[str, str] = {}
    return [
        replace(
            e, course=courses.setdefault(fold(e.course), e.course), sector=sectors.setdefault(fold(e.sector), e.sector)
        )
        for e in evaluations
    ]
