"""Ribbon handlers for the performance workbook (called through ``boardbook.excel.dispatch``)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from boardbook.config import load_config
from boardbook.performance import contract as c
from boardbook.performance.ees import import_measures, write_indicator_csv
from boardbook.performance.pipeline import fill_workbook


def refresh_quadrant(xl: Any) -> str:
    """Re-run the rules on the open workbook's own tables and fill it in place (live, unsaved)."""
    xl.book.save()
    path = Path(xl.book.fullname)
    result = fill_workbook(None, load_config(), indicators=[path], evidence=path, risk_factors=path,
                           book=xl.port())
    counts = ", ".join(f"{n} {label}" for label, n in sorted(result.rag_counts.items()))
    return f"Quadrant refreshed: {len(result.indicators)} indicators ({counts})."


def import_ees(xl: Any) -> str:
    """Ask for an EES CSV and a local authority; import every measure into a CSV beside the workbook."""
    source = xl.pick_file("Choose a DfE open-data (EES) CSV")
    if not source:
        return "Cancelled."
    la = xl.book.app.api.InputBox("Local authority (name or code):", "boardbook")
    measures = xl.book.app.api.InputBox("Measure columns, separated by commas (e.g. CPP_subsequent_percent):",
                                        "boardbook") if la else ""
    if not la or not measures:
        return "Cancelled."
    rows = import_measures(source, str(la), [m.strip() for m in str(measures).split(",") if m.strip()])
    folder = Path(xl.book.fullname).parent if xl.book.fullname else Path(tempfile.gettempdir())
    target = folder / f"{source.stem} - {la}.csv"
    write_indicator_csv((r.record for r in rows), target)
    return f"Imported {len(rows)} rows into {target}: add them to the {c.INDICATORS} table, then Refresh quadrant."
