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
            "--out",
            help="Where to write the add-in. Default, in a source checkout only: the add-in the package carries "
            "(python/boardbook/addin/boardbook.xlam).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Build boardbook.xlam from the package's add-in sources, the installed xlwings VBA and boardbook.udfs.

    The same bytes every time.
    """
    from boardbook.addin.build import build, default_out

    path = build(target or default_out())
    out.print(f"wrote {escape(str(path))} ({path.stat().st_size:,} bytes)")


@app.command("verify")
def verify_cmd(
    addin: Annotated[
        Path | None,
        typer.Argument(help="The add-in to check (default: the one the boardbook package carries).", dir_okay=False),
    ] = None,
    libreoffice: Annotated[
        str,
        typer.Option(
            "--libreoffice",
            help="auto: read the VBA with LibreOffice too when it is installed; require: fail without it; skip.",
        ),
    ] = "auto",
) -> None:
    """Read the add-in back with olevba, mraptor, openxml-audit, openpyxl and LibreOffice; check ribbon, handlers
    and wrappers."""
    from boardbook.addin.build import BUNDLED
    from boardbook.addin.verify import verify

    addin = addin or BUNDLED
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
            "--file", help="The add-in to install (default: the one the boardbook package carries).", dir_okay=False
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
    if done.setting:
        out.print(f"installed {escape(str(done.addin))}, set to run {escape(str(done.interpreter))} ({done.setting})")
    else:
        out.print(
            f"copied the add-in to {escape(str(done.addin))} with its Python settings empty (python on the PATH): "
            "this computer has no Excel. On the Windows or Mac computer that uses it, run "
            "`boardbook addin install` to set its Python."
        )
    if done.applescript:
        out.print(f"copied {escape(str(done.applescript))} (RunPython on macOS needs it)")
    if done.setting:
        out.print("Restart Excel: the Safeguarding board tab appears on the ribbon.")
