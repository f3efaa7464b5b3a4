"""Ribbon handlers for section 11 (called through ``boardbook.excel.dispatch``).

Each gathers its arguments from Excel and calls ``section11.pipeline``, like ``boardbook s11``.
"""

from __future__ import annotations

from boardbook.agencies import load_agencies
from boardbook.excel import Excel
from boardbook.section11 import contract as c
from boardbook.section11.pipeline import collate as collate_returns
from boardbook.section11.pipeline import make_returns, validate_book
from boardbook.section11.rules import next_round

SHOWN = 15  # problems listed in the message box; the rest are in the notes on their cells


def new_returns(xl: Excel) -> str:
    """New returns for the next round, from the open summary (its answers are carried into the returns)."""
    book = xl.port()
    config = xl.config()
    is_summary = c.RETURNS in book.table_names()
    last = book.get_name("Round") if "Round" in book.defined_names() else None
    round_ = xl.need(xl.dialogs.ask("Audit round of the new returns (e.g. 2026):", next_round(last))).strip()
    agencies = config.agencies
    if not agencies:
        agencies = load_agencies(xl.need(xl.dialogs.pick_file("Choose the agency list (CSV)", "*.csv")))
    folder = xl.need(xl.dialogs.pick_folder("Choose the folder for the new returns"))
    written = make_returns(
        agencies, round_, folder, config, previous=book if is_summary else None, progress=xl.progress("making return")
    )
    carried = " with last round's answers carried in" if is_summary else ""
    return f"Wrote {len(written)} returns for round {round_} to {folder}{carried}."


def validate(xl: Excel) -> str:
    """Check the open return with the rules of collation and mark its problem cells with notes."""
    book = xl.port()
    result = validate_book(book, xl.config())
    book.mark_problems([(p.sheet, p.cell, p.message) for p in result.problems if p.cell])
    if not result.problems:
        return "No problems found: the return is ready to send."
    listed = "\n".join(f"- {' '.join(x for x in (p.sheet, p.cell) if x)}: {p.message}" for p in result.problems[:SHOWN])
    more = f"\n… and {len(result.problems) - SHOWN} more" if len(result.problems) > SHOWN else ""
    return f"{len(result.problems)} problems; the cells are marked with notes:\n{listed}{more}"


def collate(xl: Excel, *, sample: int | None = None) -> str:
    """Collate a folder of returns into the open summary, live (it stays open, unsaved)."""
    book = xl.port()
    config = xl.config()
    if xl.path is None:
        return "Save this summary workbook first, so boardbook knows where it lives."
    folder = xl.need(xl.dialogs.pick_folder("Choose the folder of returns"))
    result = collate_returns(
        [folder], xl.path, config, sample=sample, book=book, progress=xl.progress("reading return")
    )
    return (
        f"Read {result.read} returns: {result.accepted} accepted, {result.rejected} rejected, "
        f"{len(result.problems)} problems (see the Problems sheet). Save the workbook to keep the result."
    )


def challenge_sample(xl: Excel) -> str:
    """Collate again with a random sample for the challenge event (the configured size, else 5)."""
    return collate(xl, sample=xl.config().thresholds.sample or 5)
