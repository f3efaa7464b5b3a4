"""``boardbook addin``: build the Excel add-in from text, verify it with independent readers, install it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from boardbook.errors import WorkbookError

app = typer.Typer(help="The Excel add-in (boardbook.xlam): ribbon tab and worksheet functions.", no_args_is_help=True)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@app.command("build")
def build_cmd(
    target: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Where to write the add-in (default: addin/boardbook.xlam in this checkout).", dir_okay=False
        ),
    ] = None,
) -> None:
    """Build boardbook.xlam from addin/src, the installed xlwings VBA and boardbook.udfs (same bytes every time)."""
    from boardbook.addin.build import DEFAULT_OUT, build

    path = build(target or DEFAULT_OUT)
    out.print(f"wrote {escape(str(path))} ({path.stat().st_size:,} bytes)")


@app.command("verify")
def verify_cmd(
    addin: Annotated[Path, typer.Argument(help="The add-in to check, e.g. addin/boardbook.xlam.", dir_okay=False)],
    libreoffice: Annotated[
        str,
        typer.Option(
            "--libreoffice",
            help="auto: read the VBA with LibreOffice too when it is installed; require: fail without it; skip.",
        ),
    ] = "auto",
) -> None:
    """Read the add-in back with olevba, openpyxl and LibreOffice, and check ribbon, handlers and wrappers."""
    from boardbook.addin.verify import verify

    checks = verify(addin, libreoffice=libreoffice, progress=lambda msg: err.print(f"[dim]{msg}…[/dim]"))
    table = Table(title=f"boardbook addin verify {escape(str(addin))}", show_lines=False)
    table.add_column("Check")
    table.add_column("Result")
    table.add_column("Evidence", overflow="fold")
    marks = {True: "[green]pass[/green]", False: "[red]FAIL[/red]", None: "[yellow]skipped[/yellow]"}
    for check in checks:
        table.add_row(check.name, marks[check.ok], escape(check.detail))
    out.print(table)
    failed = [c.name for c in checks if c.ok is False]
    if failed:
        raise WorkbookError(f"{addin} failed {len(failed)} of {len(checks)} checks: {', '.join(failed)}")


@app.command("install")
def install_cmd(
    addin: Annotated[
        Path | None,
        typer.Option(
            "--file", help="The add-in to install (default: this checkout's addin/boardbook.xlam).", dir_okay=False
        ),
    ] = None,
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Install into this folder instead of Excel's start-up folder (XLSTART).", file_okay=False
        ),
    ] = None,
) -> None:
    """Copy the add-in into Excel's XLSTART folder (Windows, macOS), set to run this Python."""
    from boardbook.addin.install import install

    done = install(addin, folder)
    out.print(f"installed {escape(str(done.addin))}, set to run {escape(done.interpreter)} ({done.setting})")
    if done.applescript:
        out.print(f"copied {escape(str(done.applescript))} (RunPython on macOS needs it)")
    out.print("Restart Excel: the Safeguarding board tab appears on the ribbon.")
