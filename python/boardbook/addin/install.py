"""Install the add-in where Excel loads it at start-up (its XLSTART folder), set to run this Python.

    boardbook addin install                  # Windows or macOS, Excel closed
    boardbook addin install --file my.xlam --dir "D:/Excel/XLSTART"

The add-in installed is the one the boardbook package carries (``boardbook/addin/boardbook.xlam``), unless
``--file`` names another. The copy gets ``Interpreter_Win`` (Windows) or ``Interpreter_Mac`` (macOS) set to
the Python running this command, which is the Python where boardbook is installed: nothing else to
configure. On macOS, RunPython also needs xlwings' AppleScript in Excel's script folder (what ``xlwings
runpython install`` does); it is copied too. On Linux there is no Excel: without ``--dir`` the command says
so; with ``--dir`` it copies the add-in with its Python settings left empty (``python`` on the PATH), for
example onto a share from which IT deploys it, since a Linux Python is no use to Excel.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from boardbook.addin import build as b
from boardbook.atomic import atomic_path
from boardbook.errors import UsageError, WorkbookError

ADDIN_NAME = "boardbook.xlam"
MAC_OFFICE = Path("Library/Group Containers/UBF8T346G9.Office")
MAC_STARTUP = MAC_OFFICE / "User Content/Startup/Excel"
MAC_STARTUP_LOCALIZED = MAC_OFFICE / "User Content.localized/Startup.localized/Excel"
MAC_SCRIPTS = Path("Library/Application Scripts/com.microsoft.Excel")


@dataclass(frozen=True)
class Installed:
    """Where the add-in went, and which setting names which Python (None: left empty, on Linux)."""

    addin: Path
    interpreter: str | None
    setting: str | None
    applescript: Path | None = None


def startup_folder(
    platform: str = sys.platform, home: Path | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """Excel's per-user start-up folder (XLSTART) on this platform; UsageError where there is no Excel."""
    env = os.environ if env is None else env
    home = home or Path.home()
    if platform.startswith("win"):
        appdata = env.get("APPDATA")
        if not appdata:
            raise UsageError("cannot find Excel's XLSTART folder: APPDATA is not set; give the folder with --dir")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":  # some Macs keep Office's folders under their ".localized" names
        localized = home / MAC_STARTUP_LOCALIZED
        return localized if localized.is_dir() and not (home / MAC_STARTUP).is_dir() else home / MAC_STARTUP
    raise UsageError(
        "Excel is not available on Linux, so there is nothing to install the add-in into. Copy "
        f"{ADDIN_NAME} to a Windows or Mac computer with Excel and run `boardbook addin install` "
        "there (boardbook itself must be installed on that computer too)."
    )


def default_addin() -> Path:
    """The add-in the boardbook package carries (built from the sources beside it, in a checkout or a wheel)."""
    return b.BUNDLED


def install(
    source: Path | None = None,
    folder: Path | None = None,
    *,
    platform: str = sys.platform,
    interpreter: str = sys.executable,
    home: Path | None = None,
) -> Installed:
    """Copy the add-in into ``folder`` (default: Excel's start-up folder), set to run ``interpreter``.

    Windows and macOS record ``interpreter``; elsewhere (only with ``folder``) the Python settings stay empty.
    """
    target_folder = folder or startup_folder(platform, home)  # raises first on Linux, before anything else
    source = Path(source or default_addin())
    if not source.is_file():
        raise UsageError(f"no add-in at {source}: build it with `boardbook addin build`, or give one with --file")
    setting: str | None = None
    if platform.startswith("win"):
        setting = "Interpreter_Win"
    elif platform == "darwin":
        setting = "Interpreter_Mac"
    try:
        data = b.configure(source.read_bytes(), {setting: interpreter} if setting else {})
    except WorkbookError as exc:
        raise UsageError(f"{source}: {exc}") from None
    target = target_folder / ADDIN_NAME
    try:
        target_folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
    except PermissionError:
        raise UsageError(
            f"cannot replace {target}: Excel has it open, or this account may not write there. Quit Excel and "
            "try again, or choose another folder with --dir"
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    script = None
    if platform == "darwin":
        script = _install_applescript(home or Path.home())
    return Installed(target, interpreter if setting else None, setting, script)


def _install_applescript(home: Path) -> Path:
    """macOS: RunPython calls xlwings' AppleScript, which Excel only runs from its own scripts folder."""
    name = f"xlwings-{b.xlwings_version()}.applescript"
    source = b.xlwings_dir() / name
    target = home / MAC_SCRIPTS / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    except OSError as exc:
        raise UsageError(f"cannot copy {name} to {target.parent}: {exc.strerror or exc}") from None
    return target
