"""The ``boardbook`` command line. Each command is a thin front door to the same functions the Excel
ribbon and the worksheet functions use.

Exit codes: 0 done; 1 done, but ``--strict`` and a return was rejected; 2 usage or configuration error.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from boardbook import __version__
from boardbook.addin.cli import app as addin_app
from boardbook.budget.cli import app as budget_app
from boardbook.errors import BoardbookError
from boardbook.performance.cli import app as performance_app

app = typer.Typer(help="Fill the standard workbooks of safeguarding children partnerships.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
s11 = typer.Typer(help="Section 11 audit: send returns, collate them into the board summary.",
                  no_args_is_help=True)
app.add_typer(s11, name="s11")
app.add_typer(budget_app, name="budget")
app.add_typer(performance_app, name="performance")
app.add_typer(addin_app, name="addin")
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

ExcelOpt = typer.Option("--excel", help="Fill the workbook open in a running Excel (you watch it fill; it stays "
                        "open, unsaved). Without Excel, fills the file and says so.")


def live_book(path: Path):
    from boardbook.book import excel_book

    book, note = excel_book(path)
    if note:
        err.print(f"boardbook: {note}", markup=False)
    return book


ConfigOpt = Annotated[Path | None, typer.Option("--config", help="boardbook.toml (default: the bundled one).",
                                                 dir_okay=False)]


def _version(value: bool) -> None:
    if value:
        out.print(f"boardbook {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    """boardbook: section 11 audits, budgets and performance workbooks for safeguarding partnerships."""


@contextmanager
def _progress(label: str):
    """A progress bar on stderr (quiet when stderr is not a terminal); yields a callback."""
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=None)

        def update(n: int, total: int, name: str) -> None:
            bar.update(task, completed=n, total=total, description=name[:40])

        yield update


def _config(path: Path | None):
    from boardbook.config import load_config

    return load_config(path)


@app.command()
def templates(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the standard workbooks into.")],
    config: ConfigOpt = None,
) -> None:
    """Write the standard workbooks (section 11 return and summary, budget, quadrant performance)."""
    from boardbook.templates import build_all

    for path in build_all(out_dir, _config(config)):
        out.print(f"wrote {path}")


@s11.command("returns")
def s11_returns(
    agencies: Annotated[Path, typer.Option("--agencies", help="Agency list CSV: Agency, Sector, Email, "
                                           "Partnerships.", dir_okay=False)],
    round_: Annotated[str, typer.Option("--round", help="Audit round, e.g. 2026.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the returns (one .xlsx per agency).")],
    previous: Annotated[Path | None, typer.Option("--previous", help="Last round's summary: carry each "
                                                  "agency's rating and evidence into its new return.")] = None,
    partnership: Annotated[str | None, typer.Option("--partnership", help="Only agencies returning to this "
                                                    "partnership (default: the configured one).")] = None,
    config: ConfigOpt = None,
) -> None:
    """Make one pre-filled return per agency for a new audit round."""
    from boardbook.agencies import load_agencies
    from boardbook.section11.returns import make_returns

    cfg = _config(config)
    with _progress("Making returns") as bar:
        written = make_returns(load_agencies(agencies), round_, out_dir, cfg, previous=previous,
                               partnership=partnership, progress=bar)
    out.print(f"wrote {len(written)} returns to {out_dir}")


@s11.command("collate")
def s11_collate(
    inputs: Annotated[list[Path], typer.Argument(help="Return files or folders (searched recursively).")],
    summary: Annotated[Path, typer.Option("--out", help="The summary workbook to write (filled in place if it "
                                          "exists, keeping the manual columns).")],
    config: ConfigOpt = None,
    agencies: Annotated[Path | None, typer.Option("--agencies", help="Agency list CSV, to find who is missing.",
                                                  dir_okay=False)] = None,
    previous: Annotated[Path | None, typer.Option("--previous", help="The previous round's summary, for the "
                                                  "comparison and challenge.")] = None,
    partnership: Annotated[str | None, typer.Option("--partnership", help="Collate the returns that count for "
                                                    "this partnership (default: the configured one).")] = None,
    sample: Annotated[int | None, typer.Option("--sample", min=0, help="Add K returns at random to the "
                                               "challenge list.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for the random sample (same seed, same "
                                             "sample).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 if any return was rejected.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", min=0, help="Read returns in this many processes. 0: one per "
                                      "core (up to 4) when there are 200 returns or more, else 1.")] = 0,
    excel: Annotated[bool, ExcelOpt] = False,
) -> None:
    """Validate every return and collate them into the board summary."""
    from boardbook.agencies import load_agencies
    from boardbook.section11.collate import collate

    cfg = _config(config)
    listed = load_agencies(agencies) if agencies else ()
    live = live_book(summary) if excel else None
    with _progress("Collating") as bar:
        result = collate(inputs, summary, cfg, agencies=listed, previous=previous, partnership=partnership,
                         sample=sample, seed=seed, progress=bar, jobs=jobs, book=live)
    table = Table(title=f"Section 11 collation → {result.out}", show_header=True)
    for col in ("Returns read", "Accepted", "Rejected", "Problems", "Ratings changed"):
        table.add_column(col, justify="right")
    table.add_row(str(result.read), str(result.accepted), str(result.rejected), str(len(result.problems)),
                  str(len(result.changes)))
    out.print(table)
    for p in result.errors[:10]:
        where = " ".join(x for x in (Path(p.file).name, p.sheet, p.cell) if x)
        err.print(f"[red]rejected[/red] {escape(where)}: {escape(p.message)}")
    if len(result.errors) > 10:
        err.print(f"… and {len(result.errors) - 10} more: see the Problems sheet")
    if strict and result.rejected:
        raise typer.Exit(1)


@app.command()
def batch(
    manifest: Annotated[Path, typer.Argument(help="Manifest (TOML) listing the partnerships and their inputs.",
                                             dir_okay=False)],
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Partnerships filled at once, each in its own "
                                      "process.")] = 1,
    report: Annotated[Path | None, typer.Option("--report", help="Where to write the JSON run report (default: "
                                                "beside the manifest).", dir_okay=False)] = None,
) -> None:
    """Fill the workbooks of many partnerships in one run; one failure never stops the others.

    Exit code 1 if any partnership failed.
    """
    import time

    from boardbook.batch import load_manifest, run_batch, write_report

    started = time.perf_counter()
    job_list = load_manifest(manifest)
    with _progress("Partnerships") as bar:
        reports = run_batch(job_list, jobs, progress=bar)
    seconds = time.perf_counter() - started
    table = Table(title=f"boardbook batch: {len(reports)} partnerships in {seconds:.1f} s")
    for col in ("Partnership", "Result", "Written", "Problems", "Seconds"):
        table.add_column(col, justify="right" if col in ("Problems", "Seconds") else "left")
    for r in reports:
        table.add_row(escape(r.name), "ok" if r.ok else "[red]failed[/red]", str(len(r.written)), str(r.problems),
                      f"{sum(r.seconds.values()):.1f}")
    out.print(table)
    for r in reports:
        if not r.ok:
            err.print(f"boardbook: {r.name} failed: {r.error}", markup=False)
    path = write_report(reports, report or manifest.with_suffix(".report.json"), seconds)
    out.print(f"report: {path}")
    if any(not r.ok for r in reports):
        raise typer.Exit(1)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo's returns and summaries.")] = Path(
        "demo-output"),
) -> None:
    """Run the bundled demo: a fictional partnership's two section 11 rounds, collated."""
    from boardbook.demo import run_demo

    result = run_demo(out_dir, progress=lambda msg: err.print(msg))
    s = result.second
    out.print(f"2024 round: {result.first.accepted} of {result.first.read} returns accepted → "
              f"{result.first.out}")
    out.print(f"2026 round: {s.accepted} accepted, {s.rejected} rejected, {len(s.problems)} problems, "
              f"{len(s.changes)} ratings changed → {s.out}")
    for path in [*result.budgets, *result.extra]:
        out.print(f"wrote {path}")


def main() -> None:
    """Entry point: expected errors become one line on stderr and exit code 2, never a traceback."""
    try:
        app()
    except BoardbookError as exc:
        err.print(f"boardbook: error: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("boardbook: interrupted; nothing was overwritten", markup=False)
        sys.exit(130)


if __name__ == "__main__":
    main()
