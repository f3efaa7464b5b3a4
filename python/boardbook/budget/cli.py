"""``boardbook budget``: fill the budget workbook, and propose next year's contributions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from boardbook.budget.values import pounds
from boardbook.errors import UsageError
from boardbook.terminal import ConfigOpt, err, live_book, out

app = typer.Typer(help="Budget: partner contributions, reserves and the annual-report table.", no_args_is_help=True)


_money = pounds


@app.command("fill")
def fill(
    source: Annotated[
        Path,
        typer.Argument(
            help="A filled budget workbook (.xlsx), or a TOML file with the same "
            "tables inline or in CSV files beside it.",
            dir_okay=False,
        ),
    ],
    target: Annotated[
        Path, typer.Option("--out", help="The filled workbook to write (the input is never modified).", dir_okay=False)
    ],
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Last year's budget (workbook or TOML): adds each partner's change in £ and %.",
            dir_okay=False,
        ),
    ] = None,
    council_convention: Annotated[
        bool, typer.Option("--council-convention", help="Show income as negative numbers in the annual-report table.")
    ] = False,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel",
            help="Fill the budget workbook open in a running Excel (it "
            "stays open, unsaved). Without Excel, fills the file and says so.",
        ),
    ] = False,
    config: ConfigOpt = None,
) -> None:
    """Apportion contributions, total the budget, roll reserves forward, lay out the annual-report table."""
    from boardbook.budget.pipeline import fill_budget_file
    from boardbook.recorded import choose_config

    book = live_book(source) if excel else None
    result = fill_budget_file(
        source,
        target,
        previous=previous,
        council_convention=council_convention,
        config=choose_config(config, source),
        book=book,
    )
    t = result.totals
    table = Table(title=f"Budget {escape(result.input.financial_year)} → {escape(str(target))}")
    table.add_column("")
    table.add_column("£", justify="right")
    for label, value in (
        ("Total contributions", t.total_contributions),
        ("Total income", t.total_income),
        ("Total expenditure", t.total_expenditure),
        ("Surplus (deficit if negative)", t.surplus),
        ("Reserves carried forward", t.reserves_carried_forward),
    ):
        table.add_row(label, _money(value))
    out.print(table)
    for warning in result.warnings:
        err.print(f"boardbook: warning: {warning}", markup=False)


@app.command("propose")
def propose_cmd(
    requirement: Annotated[
        str, typer.Option("--requirement", help="Next year's requirement in whole pounds (e.g. 320000 or £320,000).")
    ],
    shares: Annotated[
        Path,
        typer.Option(
            "--shares",
            help="CSV of Partner, Sector, Share[, This year], or this year's budget workbook/TOML.",
            dir_okay=False,
        ),
    ],
    target: Annotated[Path, typer.Option("--out", help="Where to write the schedule: .xlsx or .csv.", dir_okay=False)],
    year: Annotated[str, typer.Option("--year", help="The financial year proposed for, e.g. 2026/27.")] = "",
    config: ConfigOpt = None,
) -> None:
    """Next year's contribution for each partner, and the change from this year, ready to send."""
    from boardbook.atomic import refuse_input_as_output
    from boardbook.budget.propose import partners_from_file, propose, write_proposal
    from boardbook.budget.values import parse_money
    from boardbook.recorded import choose_config

    try:
        amount = parse_money(requirement)
    except ValueError as exc:
        raise UsageError(f"--requirement: {exc}") from None
    if amount is None or amount < 0 or amount != amount.to_integral_value():
        raise UsageError(f"--requirement must be a positive amount in whole pounds, not {requirement!r}")
    refuse_input_as_output(target, shares)
    proposals = propose(amount, partners_from_file(shares))  # problems are printed a line each by cli.main
    write_proposal(proposals, target, year, choose_config(config, shares))
    table = Table(title=f"Proposed contributions{' ' + escape(year) if year else ''} → {escape(str(target))}")
    for col in ("Partner", "This year", "Next year", "Change"):
        table.add_column(col, justify="left" if col == "Partner" else "right")
    for p in proposals:
        table.add_row(escape(p.partner), _money(p.this_year), _money(p.next_year), _money(p.change))
    out.print(table)
