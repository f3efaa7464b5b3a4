"""What the Quadrant sheet and the risk-factor chart say, in words. Pure: records in, rows of text out.

For each priority the grid is a summary row, then the top pair of lenses (Quantitative data | Qualitative
data) side by side, then the bottom pair (Practitioner views | Child and family views). The quantitative
lens lists the priority's indicators (latest period of each) and any quantitative findings; a lens with
nothing in it says so, because a gap is a finding too. Every row repeats its priority and lenses, so a
screen reader (or a filter) reads each row on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from boardbook.performance import contract as c
from boardbook.performance import rules
from boardbook.performance.model import Finding, Indicator, fold
from boardbook.performance.rules import RiskQuadrant

NOTHING = "No findings recorded for this lens"


def fmt(value: float | None) -> str:
    """1,234 / 24.4 / 0.25: whole numbers without decimals, others with up to two."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def priorities(indicators: Sequence[Indicator], findings: Sequence[Finding]) -> list[str]:
    """Priorities in order of first appearance (indicators, then evidence), as first spelled."""
    seen: dict[str, str] = {}
    for name in [i.priority for i in indicators] + [f.priority for f in findings]:
        seen.setdefault(fold(name), name)
    return list(seen.values())


def latest(indicators: Sequence[Indicator]) -> list[Indicator]:
    """The latest period of each priority + indicator, in input order."""
    best: dict[tuple[str, str], Indicator] = {}
    for ind in indicators:
        if ind.key not in best or rules.period_key(ind.period) >= rules.period_key(best[ind.key].period):
            best[ind.key] = ind
    return [ind for ind in indicators if best.get(ind.key) is ind]


def indicator_text(ind: Indicator) -> str:
    """ "Repeat CP plans (2024/25): 24.4 against a target of 20 (lower is better); worsening from 22 (+10.9 %);
    England 24.5; statistical neighbours 27.9"."""
    head = f"{ind.indicator} ({ind.period})" if ind.period else ind.indicator
    if ind.value is None:
        return f"{head}: no value" + (f" ({ind.note})" if ind.note else "")
    parts = [f"{head}: {fmt(ind.value)}"]
    if ind.target is not None:
        parts[0] += f" against a target of {fmt(ind.target)}"
    if ind.polarity:
        parts[0] += f" ({ind.polarity} is better)"
    if ind.previous is not None:
        change = rules.describe_change(ind.previous, ind.value)
        word = (ind.trend or "changed").lower()
        parts.append(
            f"{word} from {fmt(ind.previous)} ({change})"
            if word != "no change"
            else f"no change from {fmt(ind.previous)}"
        )
    if ind.england is not None:
        parts.append(f"England {fmt(ind.england)}")
    if ind.neighbours is not None:
        parts.append(f"statistical neighbours {fmt(ind.neighbours)}")
    return "; ".join(parts)


def finding_text(f: Finding) -> str:
    """The finding, with its source and date in brackets."""
    extra = ", ".join(x for x in (f.source, f.date.strftime("%d/%m/%Y") if f.date else "") if x)
    return f"{f.finding} ({extra})" if extra else f.finding


def _counts(labels: Sequence[str | None]) -> str:
    shown = [f"{sum(1 for lb in labels if lb == rag)} {rag}" for rag in c.RAG_LABELS if any(lb == rag for lb in labels)]
    blank = sum(1 for lb in labels if not lb)
    if blank:
        shown.append(f"{blank} not rated")
    return ", ".join(shown) if shown else "none"


def summary_text(indicators: Sequence[Indicator], findings: Sequence[Finding]) -> str:
    """ "4 indicators (1 Green, 2 Amber, 1 Red); 6 findings (3 Green, 2 Amber, 1 Red); no child and family
    views"."""
    text = (
        f"{len(indicators)} indicator{'s' * (len(indicators) != 1)} ({_counts([i.rag for i in indicators])}); "
        f"{len(findings)} finding{'s' * (len(findings) != 1)} ({_counts([f.rag for f in findings])})"
    )
    empty = [
        lens
        for lens in c.LENSES
        if not any(f.lens == lens for f in findings) and not (lens == c.QUANTITATIVE and indicators)
    ]
    if empty:
        text += "; nothing yet from: " + ", ".join(lens.lower() for lens in empty)
    return text


def grid_rows(indicators: Sequence[Indicator], findings: Sequence[Finding]) -> list[list[str]]:
    """Rows of the Quadrant table (columns as ``contract.QUADRANT_HEADERS``)."""
    shown = latest(indicators)
    rows: list[list[str]] = []
    for priority in priorities(indicators, findings):
        key = fold(priority)
        inds = [i for i in shown if fold(i.priority) == key]
        finds = [f for f in findings if fold(f.priority) == key]
        rows.append([priority, c.SUMMARY, summary_text(inds, finds), "", "", "", ""])
        for left, right in c.GRID:
            cells = {lens: [(finding_text(f), f.rag or "") for f in finds if f.lens == lens] for lens in (left, right)}
            if left == c.QUANTITATIVE:
                cells[left] = [(indicator_text(i), i.rag or "") for i in inds] + cells[left]
            for lens in (left, right):
                cells[lens] = cells[lens] or [(NOTHING, "")]
            for k in range(max(len(cells[left]), len(cells[right]))):
                lt, lr = cells[left][k] if k < len(cells[left]) else ("", "")
                rt, rr = cells[right][k] if k < len(cells[right]) else ("", "")
                rows.append([priority, left, lt, lr, right, rt, rr])
    return rows


def measure_words(measure: str) -> str:
    return "assessments identifying the factor" if measure == c.ASSESSMENTS else "children who went on to a plan"


def risk_alt_text(q: RiskQuadrant) -> str:
    """Alt text of the scatter chart: what it plots, the thresholds, and which factors fall where."""
    basis_p = " (the median)" if q.prevalence_is_median else ""
    basis_i = " (the median)" if q.impact_is_median else ""
    text = (
        f"Scatter chart of {len(q.factors)} risk factors identified at the end of assessment: prevalence "
        f"({measure_words(q.measure)}) across, conversion to a child protection plan up. Dashed threshold "
        f"lines at a prevalence of {fmt(q.prevalence_threshold)}{basis_p} and a conversion of "
        f"{q.impact_threshold:.1%}{basis_i}."
    )
    for label in c.QUADRANT_LABELS:
        names = [f.factor for f in sorted(q.factors, key=lambda f: -f.conversion) if f.quadrant == label]
        text += f" {label}: {', '.join(names) if names else 'none'}."
    return text + " The numbers are in the RiskFactors table."
