"""``boardbook report``: the annual report pack from the filled workbooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from boardbook.terminal import err, out


def _workbook(option: str, what: str) -> object:
    return typer.Option(option, help=f"The filled {what}.", dir_okay=False)


def report(
    target: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder to write annual-report-data.xlsx and annual-report-appendices.docx to.",
            file_okay=False,
        ),
    ],
    budget: Annotated[Path | None, _workbook("--budget", "budget workbook (its AnnualReport table)")] = None,
    performance: Annotated[
        Path | None, _workbook("--performance", "quadrant performance workbook (Quadrant, Reflections)")
    ] = None,
    s11: Annotated[Path | None, _workbook("--s11", "section 11 summary (its Standards table)")] = None,
    learning: Annotated[
        Path | None, _workbook("--learning", "learning and improvement tracker (Recommendations)")
    ] = None,
    training: Annotated[Path | None, _workbook("--training", "training evaluation workbook (LearningGain)")] = None,
    concerns: Annotated[Path | None, _workbook("--concerns", "matrix of concerns (its Concerns table)")] = None,
    council_convention: Annotated[
        bool,
        typer.Option(
            "--council-convention",
            help="Show income (funding streams, income, contributions, TOTAL INCOME) as negative amounts in the "
            "budget appendix, as council finance reports do.",
        ),
    ] = False,
) -> None:
    """The annual report pack: the tables the report needs, as an Excel workbook and as Word appendices."""
    from boardbook.report.pipeline import build_report

    result = build_report(
        target,
        budget=budget,
        performance=performance,
        s11=s11,
        learning=learning,
        training=training,
        concerns=concerns,
        council_convention=council_convention,
    )
    table = Table(title=f"Annual report pack → {escape(str(target))}")
    for col in ("Appendix", "Table", "Rows", "From"):
        table.add_column(col, justify="right" if col == "Rows" else "left")
    for n, a in enumerate(result.appendices, start=1):
        table.add_row(f"{chr(64 + n)}: {escape(a.heading)}", a.name, str(len(a.rows)), escape(Path(a.source).name))
    out.print(table)
    for p in result.problems:
        err.print(f"boardbook: {p.severity.lower()}: {p}", markup=False)
    out.print(f"wrote {result.data}")
    out.print(f"wrote {result.document}")
