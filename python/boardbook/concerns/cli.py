"""``boardbook concerns``: fill the matrix of safeguarding concerns."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from boardbook.terminal import ConfigOpt, out

app = typer.Typer(help="The matrix of safeguarding concerns and the evidence behind each.", no_args_is_help=True)


@app.command("fill")
def fill(
    source: Annotated[
        Path,
        typer.Argument(
            help="The matrix workbook (.xlsx, table Concerns) or a CSV file with its headers.", dir_okay=False
        ),
    ],
    target: Annotated[
        Path, typer.Option("--out", help="The filled matrix to write (the input is never modified).", dir_okay=False)
    ],
    config: ConfigOpt = None,
) -> None:
    """Mark each concern's evidence as Yes in text (coloured too) and count its sources."""
    from boardbook.concerns.contract import EVIDENCE
    from boardbook.concerns.pipeline import fill_concerns_file
    from boardbook.recorded import choose_config

    result = fill_concerns_file(source, target, config=choose_config(config, source))
    table = Table(title=f"Concerns → {escape(str(target))}")
    table.add_column("Concerns", justify="right")
    table.add_column("Groups", justify="right")
    for n in range(len(EVIDENCE) + 1):
        table.add_column(f"{n} source{'s' if n != 1 else ''}", justify="right")
    table.add_row(
        str(len(result.input.concerns)),
        str(len(result.groups)),
        *(str(result.with_sources(n)) for n in range(len(EVIDENCE) + 1)),
    )
    out.print(table)
