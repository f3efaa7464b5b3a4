"""Install the add-in where Excel loads it at start-up (its XLSTART folder), set to run this Python.

    boardbook addin install                  # Windows or macOS, Excel closed
    boardbook addin install --file my.xlam --dir "D:/Excel/XLSTART"

The copy gets ``Interpreter_Win`` (Windows) or ``Interpreter_Mac`` (macOS) set to the Python running this
command, which is the Python where boardbook is installed: nothing else to configure. On macOS, RunPython
also needs xlwings' AppleScript in Excel's script folder (what ``xlwings runpython install`` does); it is
copied too. On Linux there is no Excel, and the command says so.
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
from boardbook.errors import UsageError

ADDIN_NAME = "boardbook.xlam"
MAC_OFFICE = Path("Library/Group Containers/UBF8T346G9.Office")
MAC_STARTUP = MAC_OFFICE / "User Content/Startup/Excel"
MAC_STARTUP_LOCALIZED = MAC_OFFICE / "User Content.localized/Startup.localized/Excel"
MAC_SCRIPTS = Path("Library/Application Scripts/com.microsoft.Excel")


@dataclass(frozen=True)
class Installed:
    addin: Path
    interpreter: str
    setting: str
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
    """The built add-in of this checkout (``addin/boardbook.xlam``)."""
    return b.DEFAULT_OUT


def install(
    source: Path | None = None,
    folder: Path | None = None,
    *,
    platform: str = sys.platform,
    interpreter: str = sys.executable,
    home: Path | None = None,
) -> Installed:
    """Copy the add-in into ``folder`` (default: Excel's start-up folder), set to run ``interpreter``."""
    target_folder = folder or startup_folder(platform, home)  # raises first on Linux, before anything else
    if not (platform.startswith("win") or platform == "darwin"):
        raise UsageError("Excel is not available on Linux: install the add-in on a Windows or Mac computer")
    source = Path(source or default_addin())
    if not source.is_file():
        raise UsageError(f"no add-in at {source}: build it with `boardbook addin build`, or give one with --file")
    setting = "Interpreter_Win" if platform.startswith("win") else "Interpreter_Mac"
    data = b.configure(source.read_bytes(), {setting: interpreter})
    target = target_folder / ADDIN_NAME
    try:
        target_folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
    except PermissionError:
        raise UsageError(f"cannot replace {target}: Excel has it open. Quit Excel and try again") from None
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    script = None
    if platform == "darwin":
        script = _install_applescript(home or Path.home())
    return Installed(target, interpreter, setting, script)


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
