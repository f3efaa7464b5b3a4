"""Decide every indicator's figures with the rules: Value, Previous, RAG, Trend and the notes that explain
blanks. Pure: records in, the same records completed out; no files, no workbook.

Order of precedence for ``Previous``: the input's own; else the same priority and indicator's preceding
period in the inputs; else the previous workbook's latest earlier period (matched by priority + indicator).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from boardbook.performance import rules
from boardbook.performance.model import Indicator

VALUE_MISMATCH = 0.05  # half the last shown decimal place


@dataclass(frozen=True)
class PreviousValue:
    """A value from the previous workbook's Indicators table."""

    period: str
    value: float
    file: str


def assess(
    indicators: Sequence[Indicator], previous: Mapping[tuple[str, str], Sequence[PreviousValue]] | None = None
) -> list[Indicator]:
    """Complete ``indicators`` in place (and return them): computed values, previous values, RAG, trend."""
    for ind in indicators:
        _value(ind)
    by_key: dict[tuple[str, str], list[Indicator]] = defaultdict(list)
    for ind in indicators:
        by_key[ind.key].append(ind)
    for rows in by_key.values():
        rows.sort(key=lambda i: rules.period_key(i.period))
        for before, ind in zip([None, *rows[:-1]], rows, strict=True):
            if ind.previous is None and before is not None and before.value is not None and before.period != ind.period:
                ind.previous = before.value
    for ind in indicators:
        if ind.previous is None and previous:
            _from_previous_workbook(ind, previous.get(ind.key, ()))
        _judge(ind)
    return list(indicators)


def _value(ind: Indicator) -> None:
    if ind.numerator is None or ind.denominator is None or ind.denominator <= 0:
        return
    per = ind.per if ind.per is not None else rules.PER_DEFAULT
    computed = rules.rate(ind.numerator, ind.denominator, per)
    if ind.value is not None and abs(ind.value - computed) > VALUE_MISMATCH + 1e-9:
        ind.notes.append(
            f"the Value given ({_fmt(ind.value)}) differs from Numerator ÷ Denominator × Per "
            f"({_fmt(computed)}): the computed value is shown"
        )
    ind.per, ind.value, ind.computed = per, computed, True


def _from_previous_workbook(ind: Indicator, candidates: Sequence[PreviousValue]) -> None:
    if not candidates:
        return
    ordered = sorted(candidates, key=lambda p: rules.period_key(p.period))
    here = rules.period_key(ind.period)
    if here[0] >= 0:
        ordered = [p for p in ordered if rules.period_key(p.period) < here]
    if ordered:
        chosen = ordered[-1]
        ind.previous = chosen.value
        ind.notes.append(f"Previous: {chosen.period or 'value'} from {chosen.file}")


def _judge(ind: Indicator) -> None:
    ind.rag = rules.rag(ind.value, ind.target, ind.polarity, ind.tolerance)
    ind.trend = rules.trend(ind.value, ind.previous, ind.polarity)
    if ind.value is None:
        if not any(n for n in ind.notes):
            ind.notes.append("no value for this period")
        return
    if ind.polarity is None:
        ind.notes.append("no polarity: RAG and trend left blank")
    elif ind.target is None:
        ind.notes.append("no target: RAG left blank")


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
