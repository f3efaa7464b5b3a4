"""The matrix of concerns job, top to bottom — the one function the CLI and the ribbon call:

1. read the concerns (a matrix workbook, a CSV with its headers, or the matrix open in Excel) and validate them;
2. fill the matrix through the Book port — the input workbook itself when it is one, else the template — with
   Yes in text for every mark and the live count of sources, and save it atomically (a live workbook is filled
   and left unsaved).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from boardbook.atomic import refuse_input_as_output
from boardbook.book import open_book
from boardbook.book.base import Book
from boardbook.concerns.fill import fill_concerns
from boardbook.concerns.model import ConcernsInput
from boardbook.concerns.reader import read_concerns
from boardbook.concerns.rules import sources
from boardbook.config import Config
from boardbook.errors import UsageError
from boardbook.problems import shown_in
from boardbook.recorded import choose_config, record_config
from boardbook.tableinput import is_workbook
from boardbook.templates.concerns import build_concerns


@dataclass
class ConcernsResult:
    input: ConcernsInput
    out: Path | None

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(x.group for x in self.input.concerns))

    def with_sources(self, n: int) -> int:
        """How many concerns have exactly ``n`` kinds of evidence."""
        return sum(sources(x.marks) == n for x in self.input.concerns)


def fill_concerns_file(
    source: str | Path | None, out: str | Path | None, *, config: Config | None = None, book: Book | None = None
) -> ConcernsResult:
    """Read ``source`` (or the open ``book``) and write the filled matrix to ``out`` (or fill ``book``)."""
    if book is None and (source is None or out is None):
        raise UsageError("give the matrix of concerns to read and --out to write")
    if out is not None:
        refuse_input_as_output(out, source)
    with shown_in(book):
        inp = read_concerns(source if source is not None else book)  # type: ignore[arg-type]
    if book is not None:
        fill_concerns(book, inp.concerns)
        if config is not None:
            record_config(book, config)
        return ConcernsResult(inp, None)
    assert source is not None and out is not None
    config = config or choose_config(None, source)
    target = open_book(source) if is_workbook(Path(source)) else build_concerns(config)
    fill_concerns(target, inp.concerns)
    record_config(target, config)
    return ConcernsResult(inp, target.save(out, backup=True))
