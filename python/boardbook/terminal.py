"""What every command-line door shares: the consoles, the progress bar, the --config and --excel options,
and the live workbook in Excel. Doors gather arguments and show results; the work is in the pipelines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:  # the port (and openpyxl) load only when a command needs them: a quick --help stays quick
    from boardbook.book.base import Book

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)  # paths stay on one line

ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        dir_okay=False,
        help="boardbook.toml, or 'section175' for the bundled schools audit. Default: the configuration the "
        "workbook being filled records, else the bundled one.",
    ),
]
ExcelOpt = typer.Option(
    "--excel",
    help="Fill the workbook open in a running Excel (you watch it fill; it stays "
    "open, unsaved). Without Excel, fills the file and says so.",
)


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr (quiet when stderr is not a terminal); yields a callback."""
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(n: int, total: int, name: str) -> None:
            bar.update(task, completed=n, total=total, description=name[:40])

        yield update


def live_book(path: Path) -> Book | None:
    """The workbook ``path`` open in Excel, or None (and a one-line note) where Excel cannot be reached."""
    from boardbook.book import excel_book

    book, note = excel_book(path)
    if note:
        err.print(f"boardbook: {note}", markup=False)
    return book
