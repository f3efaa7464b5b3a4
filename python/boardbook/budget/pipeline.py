"""The budget job, top to bottom — the one function the CLI, the ribbon and ``boardbook batch`` call:

1. read the inputs: a budget workbook or TOML file (``reader``), or the workbook open in Excel (the port);
2. compute contributions, totals, reserves and the annual-report lines (``compute``, pure);
3. fill the workbook through the Book port (``fill``), warnings in its ``Problems`` table, and save it
   atomically — or leave a live workbook filled and unsaved for its owner (with the errors that stopped
   the fill in its ``Problems`` table when it could not be filled).
"""

from __future__ import annotations

from pathlib import Path

from boardbook.atomic import refuse_input_as_output
from boardbook.book import open_book
from boardbook.book.base import Book
from boardbook.budget.compute import BudgetResult, budget_result
from boardbook.budget.fill import fill_budget
from boardbook.budget.reader import read_budget, read_budget_book
from boardbook.config import Config
from boardbook.errors import UsageError
from boardbook.problems import shown_in
from boardbook.recorded import choose_config, record_config
from boardbook.templates.budget import build_budget


def fill_budget_file(
    source: str | Path | None,
    out: str | Path | None,
    *,
    previous: str | Path | None = None,
    council_convention: bool = False,
    config: Config | None = None,
    book: Book | None = None,
) -> BudgetResult:
    """Read ``source`` (workbook or TOML), compute, and write the filled workbook to ``out``.

    With ``book`` (the workbook open in Excel) the inputs are read from that book when ``source`` is None,
    and the book is filled live and left unsaved. ``config`` defaults to the one ``source`` records, else
    the bundled one.
    """
    if book is None and (source is None or out is None):
        raise UsageError("give the budget to read and --out to write")
    if out is not None:
        refuse_input_as_output(out, source, previous)
    with shown_in(book):
        inp = read_budget(source) if source is not None else read_budget_book(book)  # type: ignore[arg-type]
        prev = read_budget(previous) if previous else None
    result = budget_result(inp, prev, council_convention=council_convention)
    if book is not None:  # the workbook open in Excel: filled live, left unsaved
        fill_budget(book, result)
        if config is not None:
            record_config(book, config)
        return result
    assert source is not None and out is not None
    config = config or choose_config(None, source)
    target_book = build_budget(config) if Path(source).suffix.lower() == ".toml" else open_book(source)
    fill_budget(target_book, result)
    record_config(target_book, config)
    target_book.save(out, backup=True)
    return result
