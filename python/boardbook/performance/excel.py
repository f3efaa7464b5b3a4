"""Ribbon handlers for the performance workbook (called through ``boardbook.excel.dispatch``).

Each gathers its arguments from Excel and calls ``performance.pipeline``, like ``boardbook performance``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from boardbook.excel import Excel
from boardbook.performance import contract as c
from boardbook.performance.pipeline import import_ees_csv, refresh_book
from boardbook.problems import PROBLEMS, stops


def refresh_quadrant(xl: Excel) -> str:
    """Re-run the rules on the open workbook's own tables and fill it in place (live, unsaved)."""
    with stops("The quadrant was not refreshed"):  # the pipeline wrote them to the Problems table
        result = refresh_book(xl.port(), xl.config())
    counts = ", ".join(f"{n} {label}" for label, n in sorted(result.rag_counts.items()))
    notes = f" {len(result.problems)} notes on the {PROBLEMS} sheet." if result.problems else ""
    return f"Quadrant refreshed: {len(result.indicators)} indicators ({counts}).{notes}"


def import_ees(xl: Excel) -> str:
    """Ask for an EES CSV, a local authority and measures; import them into a CSV beside the workbook."""
    source = xl.need(xl.dialogs.pick_file("Choose a DfE open-data (EES) CSV", "*.csv"))
    la = xl.need(xl.dialogs.ask("Local authority (name or code):"))
    measures = xl.need(xl.dialogs.ask("Measure columns, separated by commas (e.g. CPP_subsequent_percent):"))
    folder = xl.path.parent if xl.path else Path(tempfile.gettempdir())
    target = folder / f"{Path(source).stem} - {la.strip()}.csv"
    rows = import_ees_csv(source, la.strip(), [m.strip() for m in measures.split(",") if m.strip()], target)
    return f"Imported {len(rows)} rows into {target}: add them to the {c.INDICATORS} table, then Refresh quadrant."
