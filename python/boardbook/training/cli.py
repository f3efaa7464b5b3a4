"""``boardbook training``: fill the training evaluation workbook from evaluation exports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from boardbook.terminal import ConfigOpt, err, out

app = typer.Typer(help="Training evaluation: learning gain per course and sector, and reach.", no_args_is_help=True)


@app.command("fill")
def fill(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Evaluation exports (Microsoft Forms or similar), CSV or .xlsx; headers as [training] maps them.",
            dir_okay=False,
        ),
    ],
    target: Annotated[
        Path, typer.Option("--out", help="The filled workbook to write (inputs are never modified).", dir_okay=False)
    ],
    config: ConfigOpt = None,
) -> None:
    """Read the exports and write learning gain per course and per sector, reach, a chart and the comments."""
    from boardbook.recorded import choose_config
    from boardbook.training.pipeline import fill_training_file

    result = fill_training_file(inputs, target, choose_config(config))
    table = Table(title=f"Learning gain → {escape(str(target))}")
    for col in ("Course", "Responses", "Mean before", "Mean after", "Mean gain", "% improved"):
        table.add_column(col, justify="left" if col == "Course" else "right")
    for g in result.by_course:
        table.add_row(
            escape(g.group),
            str(g.responses),
            f"{g.mean_before}",
            f"{g.mean_after}",
            f"{g.mean_gain}",
            f"{float(g.improved):.0%}",
        )
    out.print(table)
    for problem in result.problems:
        err.print(f"boardbook: warning: {problem}", markup=False)
