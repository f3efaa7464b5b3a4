"""LibreOffice as an independent spreadsheet engine for tests (not a test module).

LibreOffice only recalculates an .xlsx on load when its profile says so; by default it keeps the cached
values, which would make any "recalculated" comparison vacuous. ``recalculate`` therefore runs soffice
headless with a throwaway user profile whose ``registrymodifications.xcu`` sets
``/org.openoffice.Office.Calc/Formula/Load`` ``OOXMLRecalcMode`` to 0 (always recalculate).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

TIMEOUT_S = 180
INSTALL_HINT = "LibreOffice (soffice) not installed: apt-get install libreoffice-calc-nogui"

# OOXMLRecalcMode / ODFRecalcMode: 0 = always recalculate, 1 = never, 2 = ask (the default; run headless
# with a fresh profile it keeps the cached values, as NEVER does: measured with LibreOffice 7.4).
ALWAYS, NEVER = 0, 1
REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>{mode}</value></prop></item>
</oor:items>
"""


from boardbook.addin.verify import find_soffice  # noqa: E402 - one finder for the product and its tests


class LibreOfficeError(RuntimeError):
    """soffice failed, timed out, or wrote no output."""


def _profile(mode: int) -> Path:
    """A fresh user profile directory with the recalculation setting written before its first run."""
    root = Path(tempfile.mkdtemp(prefix="boardbook-lo-profile-"))
    user = root / "user"
    user.mkdir()
    (user / "registrymodifications.xcu").write_text(REGISTRY.format(mode=mode), encoding="utf-8")
    return root


def recalculate_many(sources: Sequence[Path], outdir: Path, *, timeout: float = TIMEOUT_S,
                     recalc_mode: int = ALWAYS) -> list[Path]:
    """Open every source in one soffice run, recalculate all formulas, save as .xlsx into ``outdir``.

    ``recalc_mode`` NEVER exists only to prove, in tests, that ALWAYS is what makes the difference.
    Returns the output paths in the order of ``sources``. Raises LibreOfficeError (with soffice's
    output) when soffice is missing, fails, times out, or leaves an output missing.
    """
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeError(INSTALL_HINT)
    sources = [Path(s).resolve() for s in sources]
    if not sources:
        raise ValueError("no files to recalculate")
    stems = [s.stem for s in sources]
    if len(set(stems)) != len(stems):
        raise ValueError(f"sources must have distinct names (outputs share one folder): {stems}")
    for s in sources:
        if not s.is_file():
            raise FileNotFoundError(s)
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    outputs = [outdir / f"{s.stem}.xlsx" for s in sources]
    for out in outputs:
        if out in sources:
            raise ValueError(f"output {out} would overwrite its source: choose another outdir")
        out.unlink(missing_ok=True)

    profile = _profile(recalc_mode)
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--nolockcheck", "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, sources)]
    env = {**os.environ, "HOME": str(profile)}  # keep soffice away from the real home directory
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise LibreOfficeError(f"soffice timed out after {timeout:.0f} s: {' '.join(cmd)}\n"
                               f"stdout: {exc.stdout!r}\nstderr: {exc.stderr!r}") from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    missing = [o for o in outputs if not o.is_file()]
    if proc.returncode != 0 or missing:
        raise LibreOfficeError(
            f"soffice exited {proc.returncode}; missing outputs: {[str(m) for m in missing]}\n"
            f"command: {' '.join(cmd)}\nstdout: {proc.stdout}\nstderr: {proc.stderr}")
    return outputs


def recalculate(src: Path, outdir: Path, *, timeout: float = TIMEOUT_S, recalc_mode: int = ALWAYS) -> Path:
    """Recalculate one workbook with LibreOffice; returns the converted .xlsx in ``outdir``."""
    return recalculate_many([src], outdir, timeout=timeout, recalc_mode=recalc_mode)[0]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_soffice() -> None:
    """CI must have LibreOffice; elsewhere its absence skips the tests that need it (saying why)."""
    import pytest

    if find_soffice() is None:
        if in_ci():
            pytest.fail(f"CI is set but {INSTALL_HINT}")
        pytest.skip(INSTALL_HINT)
