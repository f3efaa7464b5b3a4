"""The tracker job, top to bottom — the one function the CLI and the ribbon call:

1. read the recommendations (a tracker workbook, a CSV with its headers, or the tracker open in Excel) and
   validate them (``reader``);
2. pick the report date: ``--as-at``, else the workbook's ``AsAt``, else today;
3. work out RAG, days overdue, the impact check and the summaries (``rules``, pure);
4. fill the tracker through the Book port (``fill``) — the input workbook itself when it is one, else the
   template — and save it atomically; a live workbook is filled and left unsaved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from boardbook.atomic import refuse_input_as_output
from boardbook.book import open_book
from boardbook.book.base import Book
from boardbook.config import Config
from boardbook.errors import UsageError
from boardbook.learning import rules
from boardbook.learning.fill import fill_tracker
from boardbook.learning.model import Recommendation, TrackerInput
from boardbook.learning.reader import read_tracker
from boardbook.problems import Problem, shown_in
from boardbook.recorded import choose_config, record_config
from boardbook.tableinput import is_workbook
from boardbook.templates.learning import build_learning


@dataclass
class TrackerResult:
    input: TrackerInput
    as_at: date
    out: Path | None

    @property
    def recommendations(self) -> list[Recommendation]:
        return self.input.recommendations

    @property
    def problems(self) -> list[Problem]:
        return self.input.warnings

    def count(self, rag: str) -> int:
        return sum(rules.rag(r.status, r.due, r.updated, self.as_at) == rag for r in self.recommendations)

    @property
    def overdue(self) -> int:
        return sum(rules.days_overdue(r.status, r.due, self.as_at) > 0 for r in self.recommendations)


def fill_tracker_file(
    source: str | Path | None,
    out: str | Path | None,
    *,
    as_at: date | None = None,
    config: Config | None = None,
    book: Book | None = None,
    today: date | None = None,
) -> TrackerResult:
    """Read ``source`` (or the open ``book``), work out the tracker, and write it to ``out`` (or fill ``book``).

    ``as_at`` is the report date; without it the workbook's ``AsAt``, else ``today`` (default: the date today).
    """
    if book is None and (source is None or out is None):
        raise UsageError("give the tracker to read and --out to write")
    if out is not None:
        refuse_input_as_output(out, source)
    with shown_in(book):
        inp = read_tracker(source if source is not None else book)  # type: ignore[arg-type]
    when = as_at or inp.as_at or today or date.today()
    if book is not None:
        fill_tracker(book, inp.partnership, when, inp.recommendations, inp.warnings)
        if config is not None:
            record_config(book, config)
        return TrackerResult(inp, when, None)
    assert source is not None and out is not None
    config = config or choose_config(None, source)
    target = open_book(source) if is_workbook(Path(source)) else build_learning(config)
    fill_tracker(target, inp.partnership or config.partnership, when, inp.recommendations, inp.warnings)
    record_config(target, config)
    return TrackerResult(inp, when, target.save(out, backup=True))
