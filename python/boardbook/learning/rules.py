"""The tracker's rules, pure (no workbook): RAG, days overdue, the impact check and the summaries.

RAG, as the README states it::

    Completed or Evidenced             -> Green
    Due before the report date         -> Red    (and Days overdue = report date - Due)
    Due within 30 days, or not updated
    for more than 90 days              -> Amber
    otherwise                          -> Green

The workbook carries the same rules as live formulas (``fill``); tests recalculate them with LibreOffice and
compare with these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from boardbook.folding import fold
from boardbook.learning import contract as c
from boardbook.learning.model import Recommendation


def done(status: str) -> bool:
    """Completed and Evidenced both count as completed."""
    return status in c.DONE


def rag(status: str, due: date | None, updated: date | None, as_at: date) -> str:
    """Green, Amber or Red for one recommendation on the report date."""
    if done(status):
        return c.GREEN
    if due is not None and due < as_at:
        return c.RED
    if (due is not None and (due - as_at).days <= c.DUE_SOON_DAYS) or (
        updated is not None and (as_at - updated).days > c.STALE_DAYS
    ):
        return c.AMBER
    return c.GREEN


def days_overdue(status: str, due: date | None, as_at: date) -> int:
    """Days past Due of a recommendation not completed; 0 when it is completed, not yet due or has no Due."""
    if done(status) or due is None or due >= as_at:
        return 0
    return (as_at - due).days


def impact_check(status: str, impact_evidence: str) -> str:
    """``No impact evidence`` for a completed recommendation with none recorded: the board wants to know change
    happened, not that a task was ticked."""
    return c.NO_IMPACT if done(status) and not impact_evidence.strip() else ""


@dataclass(frozen=True)
class Summary:
    """One row of ByReview or ByTheme."""

    key: str
    recommendations: int
    completed: int
    overdue: int

    @property
    def percent_complete(self) -> float:
        """A fraction (0.5 shows 50 %), 0 when there are none."""
        return self.completed / self.recommendations if self.recommendations else 0.0


def summarise(recs: Sequence[Recommendation], key: Callable[[Recommendation], str], as_at: date) -> list[Summary]:
    """Counts per key in first-seen order; keys equal after folding are one (the first spelling shown)."""
    order: dict[str, str] = {}
    counts: dict[str, list[int]] = {}
    for r in recs:
        k = fold(key(r))
        order.setdefault(k, key(r))
        n = counts.setdefault(k, [0, 0, 0])
        n[0] += 1
        n[1] += done(r.status)
        n[2] += days_overdue(r.status, r.due, as_at) > 0
    return [Summary(order[k], *counts[k]) for k in order]
