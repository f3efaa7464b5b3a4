"""``boardbook s11 ...``: make the returns, collate them into the board summary.

Each command gathers its arguments and calls the same pipeline function the ribbon and ``boardbook batch``
call (``section11.pipeline``); expected errors become one line on stderr (see ``boardbook.cli.main``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from boardbook.terminal import ConfigOpt, ExcelOpt, err, live_book, out, progress_bar

PartnershipOpt = Annotated[
    str | None,
    typer.Option("--partnership", help="Only agencies returning to this partnership (default: the configured one)."),
]

app = typer.Typer(help="Section 11 audit: send returns, collate them into the board summary.", no_args_is_help=True)


@app.command("returns")
def s11_returns(
    agencies: Annotated[
        Path, typer.Option("--agencies", help="Agency list CSV: Agency, Sector, Email, Partnerships.", dir_okay=False)
    ],
    round_: Annotated[str, typer.Option("--round", help="Audit round, e.g. 2026.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the returns (one .xlsx per agency).")],
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous", help="Last round's summary: carry each agency's rating and evidence into its new return."
        ),
    ] = None,
    partnership: PartnershipOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Make one pre-filled return per agency for a new audit round."""
    from boardbook.agencies import load_agencies
    from boardbook.recorded import choose_config
    from boardbook.section11.pipeline import make_returns

    cfg = choose_config(config, previous)
    with progress_bar("Making returns") as bar:
        written = make_returns(
            load_agencies(agencies), round_, out_dir, cfg, previous=previous, partnership=partnership, progress=bar
        )
    out.print(f"wrote {len(written)} returns to {out_dir}")


@app.command("collate")
def s11_collate(
    inputs: Annotated[list[Path], typer.Argument(help="Return files or folders (searched recursively).")],
    summary: Annotated[
        Path,
        typer.Option(
            "--out", help="The summary workbook to write (filled in place if it exists, keeping the manual columns)."
        ),
    ],
    config: ConfigOpt = None,
    agencies: Annotated[
        Path | None, typer.Option("--agencies", help="Agency list CSV, to find who is missing.", dir_okay=False)
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous", help="The previous round's summary, for the comparison, challenge and every round's History."
        ),
    ] = None,
    survey: Annotated[
        Path | None,
        typer.Option(
            "--survey",
            help="A practitioners' survey export (CSV or .xlsx; questions mapped in [survey] of the configuration).",
            dir_okay=False,
        ),
    ] = None,
    partnership: Annotated[
        str | None,
        typer.Option(
            "--partnership", help="Collate the returns that count for this partnership (default: the configured one)."
        ),
    ] = None,
    sample: Annotated[
        int | None, typer.Option("--sample", min=0, help="Add K returns at random to the challenge list.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed for the random sample (same seed, same sample).")
    ] = None,
    round_: Annotated[
        str | None,
        typer.Option(
            "--round",
            help="The audit round to collate (default: the latest round any return gives); a return for another "
            "round is an error.",
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 if any return was rejected.")] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            min=0,
            help="Read returns in this many processes. 0: one per "
            "core (up to 4) when there are 200 returns or more, else 1.",
        ),
    ] = 0,
    excel: Annotated[bool, ExcelOpt] = False,
) -> None:
    """Validate every return and collate them into the board summary."""
    from boardbook.agencies import load_agencies
    from boardbook.recorded import choose_config
    from boardbook.section11.pipeline import collate

    cfg = choose_config(config, summary, previous)
    listed = load_agencies(agencies) if agencies else ()
    live = live_book(summary) if excel else None
    with progress_bar("Collating") as bar:
        result = collate(
            inputs,
            summary,
            cfg,
            agencies=listed,
            previous=previous,
            partnership=partnership,
            sample=sample,
            seed=seed,
            progress=bar,
            jobs=jobs,
            book=live,
            round_=round_,
            survey=survey,
        )
    how = "given with --round" if round_ else "the latest round the returns give"
    out.print(f"Round {result.round or '(none given)'} ({how})")
    table = Table(title=f"Section 11 collation → {result.out}", show_header=True)
    for col in ("Returns read", "Accepted", "Rejected", "Problems", "Ratings changed"):
        table.add_column(col, justify="right")
    table.add_row(
        str(result.read),
        str(result.accepted),
        str(result.rejected),
        str(len(result.problems)),
        str(len(result.changes)),
    )
    out.print(table)
    for p in result.errors:  # a line each, so scripts can count them; the Problems sheet has the warnings too
        where = " ".join(x for x in (Path(p.file).name, p.sheet, p.cell) if x)
        err.print(f"boardbook: rejected {where}: {p.message}", markup=False)
    if strict and result.rejected:
        raise typer.Exit(1)


@app.command("feedback")
def s11_feedback(
    summary: Annotated[
        Path, typer.Argument(help="The collated summary workbook (boardbook s11 collate --out).", dir_okay=False)
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the feedback (one .xlsx per agency).")],
    config: ConfigOpt = None,
) -> None:
    """Write each agency with a valid return its own feedback workbook: its ratings beside the partnership's met %,
    moderation and board comments, its problems and its actions — no other agency's data."""
    from boardbook.recorded import choose_config
    from boardbook.section11.pipeline import write_feedback

    cfg = choose_config(config, summary)
    with progress_bar("Writing feedback") as bar:
        written = write_feedback(summary, out_dir, cfg, progress=bar)
    out.print(f"wrote feedback for {len(written)} agencies to {out_dir}")


@app.command("mail")
def s11_mail(
    kind: Annotated[
        str,
        typer.Argument(
            help="returns (attach each agency's new return), chase (agencies in the summary's Missing) or feedback "
            "(attach each agency's feedback)."
        ),
    ],
    source: Annotated[
        Path,
        typer.Argument(
            help="returns/feedback: the folder 's11 returns' or 's11 feedback' wrote; chase: the collated summary."
        ),
    ],
    agencies: Annotated[
        Path,
        typer.Option("--agencies", help="Agency list CSV: the Email column gives each draft's To.", dir_okay=False),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the .eml drafts and mailings.csv.")],
    deadline: Annotated[
        str | None, typer.Option("--deadline", help="Reply-by date for {deadline} (dd/mm/yyyy or 31 January 2027).")
    ] = None,
    partnership: PartnershipOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Write one e-mail draft (.eml, opened by Outlook as a draft to send) per agency, and mailings.csv listing them."""
    from boardbook.agencies import load_agencies
    from boardbook.dates import parse_date
    from boardbook.errors import UsageError
    from boardbook.recorded import choose_config
    from boardbook.section11.pipeline import mail_drafts

    due = parse_date(deadline) if deadline else None
    if deadline and due is None:
        raise UsageError(f"--deadline {deadline!r} is not a date: write it as dd/mm/yyyy")
    cfg = choose_config(config, source if source.is_file() else None)
    with progress_bar("Writing drafts") as bar:
        done = mail_drafts(
            kind, source, load_agencies(agencies), out_dir, cfg, deadline=due, partnership=partnership, progress=bar
        )
    out.print(f"wrote {len(done.drafts)} {kind} drafts and {done.listing.name} to {out_dir}")
    for name in done.no_address:
        err.print(
            f"boardbook: warning: no e-mail address for {name} in {agencies.name}: its draft has no To", markup=False
        )
    for name in done.no_file:
        err.print(
            f"boardbook: warning: no {kind} workbook for {name} in {source}: no draft written "
            f"(run 'boardbook s11 {kind}' first?)",
            markup=False,
        )
