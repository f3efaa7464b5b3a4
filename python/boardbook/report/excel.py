"""Ribbon handler for the annual report pack (for ``boardbook.excel.dispatch``): ``report.pipeline``, as
``boardbook report`` — the partnership's filled workbooks are chosen in one dialog and told apart by their
tables; the open workbook counts when it is one of them (its saved file is what is read)."""

from __future__ import annotations

from pathlib import Path

from boardbook.errors import BoardbookError
from boardbook.excel import Cancelled, Excel
from boardbook.report.kinds import identify, kind_of_tables, left_out
from boardbook.report.model import ReportInputError
from boardbook.report.pipeline import build_report_from

SHOWN = 15  # problems listed in the message box
OPEN_HERE = " (open here, so always counted)"


def build(xl: Excel) -> str:
    """Ask for the filled workbooks (one multi-select dialog) and a folder; write the pack there."""
    here = xl.path if xl.path is not None and identify(xl.path) is not None else None
    counted = f"; {here.name}, open here, is counted already" if here else ""
    picked = xl.dialogs.pick_files(
        f"Choose the partnership's filled workbooks for the annual report (Ctrl+click for several{counted})",
        "*.xlsx;*.xlsm",
    )
    if not picked:
        raise Cancelled
    folder = xl.need(xl.dialogs.pick_folder("Choose the folder for the annual report pack"))
    paths = [here, *picked] if here else picked
    xl.status("boardbook: reading the workbooks for the annual report …")
    try:
        result = build_report_from(paths, folder, note={here: OPEN_HERE} if here else None)
    except ReportInputError as exc:
        listed = "\n".join(f"- {line}" for line in exc.lines[:SHOWN])
        more = f"\n… and {len(exc.lines) - SHOWN} more" if len(exc.lines) > SHOWN else ""
        n = len(exc.lines)
        raise BoardbookError(
            f"The annual report pack was not made; nothing was written. {n} problem{'s' if n != 1 else ''} "
            f"to put right in the workbooks:\n{listed}{more}"
        ) from None
    lines = [
        f"Annual report pack written to {folder}: {result.data.name} and {result.document.name}, "
        f"{len(result.appendices)} appendices:",
        *(f"- {chr(64 + n)}: {a.heading}, from {Path(a.source).name}" for n, a in enumerate(result.appendices, 1)),
    ]
    lacking = left_out(a.name for a in result.appendices)
    if lacking:
        lines.append(f"Not chosen, so not in the pack: the {', the '.join(lacking)}.")
    read = {Path(a.source).resolve() for a in result.appendices}
    unsaved = xl.unsaved([p for p in paths if p.resolve() in read])
    lines += [
        f"Warning: {p.name} has changes in Excel that are not saved: the pack holds it as last saved. Save it and "
        "press Annual report again to include them."
        for p in unsaved
    ]
    if here and here not in unsaved:
        lines.append(f"{here.name} (open here) was read as last saved to its file.")
    elif xl.path is None and kind_of_tables(xl.port().table_names()) is not None:
        lines.append(
            f"Warning: {xl.book.name} (open here) has no file on this computer (never saved, or opened from the "
            "web), so it is not in the pack unless you chose a saved copy: save it to a folder and press again."
        )
    lines += [f"Warning: {p}" for p in result.problems]
    return "\n".join(lines)
