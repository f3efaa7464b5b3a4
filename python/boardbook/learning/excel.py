"""Ribbon handler for the tracker (for ``boardbook.excel.dispatch``): ``learning.pipeline``, live."""

from __future__ import annotations

from boardbook.excel import Excel
from boardbook.learning.pipeline import fill_tracker_file
from boardbook.problems import PROBLEMS, stops
from boardbook.recorded import recorded_config


def refresh(xl: Excel) -> str:
    """Re-read the open tracker and fill it again, live (it stays open, unsaved)."""
    book = xl.port()
    with stops("The tracker was not filled"):  # the pipeline wrote them to the Problems table
        result = fill_tracker_file(None, None, config=recorded_config(book), book=book)
    flagged = len(result.problems)
    return (
        f"Tracker filled at {result.as_at:%d/%m/%Y}: {len(result.recommendations)} recommendations, "
        f"{result.count('Red')} red, {result.overdue} overdue."
        + (f"\n{flagged} completed without impact evidence: see the {PROBLEMS} sheet." if flagged else "")
    )
