"""``boardbook learning``: fill the learning and improvement tracker."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from boardbook.errors import UsageError
from boardbook.terminal import ConfigOpt, err, out

app = typer.Typer(help="Learning and improvement: the tracker of recommendations and their RAG.", no_args_is_help=True)


@app.command("fill")
def fill(
    source: Annotated[
        Path,
        typer.Argument(
            help="The tracker workbook (.xlsx, table Recommendations) or a CSV file with its headers.",
            dir_okay=False,
        ),
    ],
    target: Annotated[
        Path, typer.Option("--out", help="The filled tracker to write (the input is never modified).", dir_okay=False)
    ],
    as_at: Annotated[
        str | None,
        typer.Option("--as-at", help="Report date, DD/MM/YYYY. Default: the workbook's AsAt, else today."),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Work out each recommendation's RAG and days overdue, flag completed work without impact evidence, and
    summarise by review and by theme."""
    from boardbook.dates import parse_date
    from boardbook.learning.pipeline import fill_tracker_file
    from boardbook.recorded import choose_config

    when = None
    if as_at is not None:
        when = parse_date(as_at)
        if when is None:
            raise UsageError(f"--as-at {as_at!r} is not a date: give it as DD/MM/YYYY, e.g. 31/03/2026")
    result = fill_tracker_file(source, target, as_at=when, config=choose_config(config, source))
    table = Table(title=f"Recommendations at {result.as_at:%d/%m/%Y} → {escape(str(target))}")
    for col in ("Recommendations", "Green", "Amber", "Red", "Overdue", "No impact evidence"):
        table.add_column(col, justify="right")
    table.add_row(
        str(len(result.recommendations)),
        *(str(result.count(x)) for x in ("Green", "Amber", "Red")),
        str(result.overdue),
        str(len(result.problems)),
    )
    out.print(table)
    for warning in result.problems:
        err.print(f"boardbook: warning: {warning}", markup=False)
