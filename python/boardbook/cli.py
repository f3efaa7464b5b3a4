"""The ``boardbook`` command line. Each command is a thin front door to the same functions the Excel
ribbon and the worksheet functions use.

Exit codes: 0 done; 1 done, but ``--strict`` and a return was rejected; 2 usage or configuration error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from boardbook import __version__
from boardbook.addin.cli import app as addin_app
from boardbook.budget.cli import app as budget_app
from boardbook.concerns.cli import app as concerns_app
from boardbook.errors import BoardbookError
from boardbook.learning.cli import app as learning_app
from boardbook.performance.cli import app as performance_app
from boardbook.report.cli import report as report_command
from boardbook.section11.cli import app as s11_app
from boardbook.terminal import ConfigOpt, err, out, progress_bar
from boardbook.training.cli import app as training_app

if TYPE_CHECKING:
    from boardbook.config import Config

app = typer.Typer(
    help="Fill the standard workbooks of safeguarding children partnerships.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(s11_app, name="s11")
app.add_typer(budget_app, name="budget")
app.add_typer(performance_app, name="performance")
app.add_typer(training_app, name="training")
app.add_typer(learning_app, name="learning")
app.add_typer(concerns_app, name="concerns")
app.add_typer(addin_app, name="addin")
app.command("report")(report_command)


def _version(value: bool) -> None:
    if value:
        out.print(f"boardbook {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """boardbook: section 11 audits, budgets and performance workbooks for safeguarding partnerships."""


def _config(path: Path | None) -> Config:
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


@app.command()
def batch(
    manifest: Annotated[
        Path, typer.Argument(help="Manifest (TOML) listing the partnerships and their inputs.", dir_okay=False)
    ],
    jobs: Annotated[
        int, typer.Option("--jobs", min=1, help="Partnerships filled at once, each in its own process.")
    ] = 1,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Where to write the JSON run report (default: beside the manifest).", dir_okay=False
        ),
    ] = None,
) -> None:
    """Fill the workbooks of many partnerships in one run; one failure never stops the others.

    Exit code 1 if any partnership failed.
    """
    import time

    from boardbook.batch import load_manifest, run_batch, write_report

    started = time.perf_counter()
    job_list = load_manifest(manifest)
    with progress_bar("Partnerships") as bar:
        reports = run_batch(job_list, jobs, progress=bar)
    seconds = time.perf_counter() - started
    table = Table(title=f"boardbook batch: {len(reports)} partnerships in {seconds:.1f} s")
    for col in ("Partnership", "Result", "Written", "Problems", "Seconds"):
        table.add_column(col, justify="right" if col in ("Problems", "Seconds") else "left")
    for r in reports:
        table.add_row(
            escape(r.name),
            "ok" if r.ok else "[red]failed[/red]",
            str(len(r.written)),
            str(r.problems),
            f"{sum(r.seconds.values()):.1f}",
        )
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
        "demo-output"
    ),
    schools: Annotated[
        int, typer.Option("--schools", min=0, help="Schools in the section 175 round (0 leaves it out).")
    ] = 300,
) -> None:
    """Run the bundled demo: a fictional partnership's three section 11 rounds through the whole loop (returns,
    collation, moderation, the practitioners' survey, feedback, e-mail drafts), its budget and performance
    workbooks, its learning and improvement tracker, training evaluation and matrix of concerns, and a schools
    audit."""
    from boardbook.demo import run_demo

    result = run_demo(out_dir, progress=lambda msg: err.print(msg), schools=schools)
    s = result.second
    for r in (result.earliest, result.first):
        if r is not None:
            out.print(f"{r.round} round: {r.accepted} of {r.read} returns accepted, moderated → {r.out}")
    out.print(
        f"{s.round} round: {s.accepted} accepted, {s.rejected} rejected, {len(s.problems)} problems; every round's "
        f"history, moderation and the practitioners' survey → {s.out}"
    )
    out.print(
        f"feedback for {len(result.feedback)} agencies; e-mail drafts: "
        + ", ".join(f"{len(m.drafts)} {kind}" for kind, m in result.mailings.items())
    )
    if result.schools:
        r = result.schools.result
        out.print(
            f"schools round {r.round}: {r.accepted} accepted, {r.rejected} rejected of {r.read} → {r.out}; feedback "
            f"for {len(result.schools.feedback)} schools; drafts: "
            + ", ".join(f"{len(m.drafts)} {kind}" for kind, m in result.schools.mailings.items())
        )
    for path in [*result.budgets, *result.extra]:
        out.print(f"wrote {path}")


def main() -> None:
    """Entry point: expected errors become one line on stderr and exit code 2, never a traceback."""
    try:
        app()
    except BoardbookError as exc:  # every door's expected errors end here: a line per problem, for scripts to count
        for line in exc.lines:
            err.print(f"boardbook: error: {line}", markup=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("boardbook: interrupted; nothing was overwritten", markup=False)
        sys.exit(130)


if __name__ == "__main__":
    main()
