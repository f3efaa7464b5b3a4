"""The add-in reaches users in the package: build the sdist and, from it, the wheel (``python -m build``, as a
release would), install the wheel into a fresh venv, and run ``boardbook addin build``, ``verify`` and
``install`` from there.

The fresh venv is really not this checkout: the wheel is installed into its own site-packages, and the test
environment's site-packages (the dependencies: openpyxl, xlwings, oletools...) is appended by a ``.pth`` line,
which puts that folder on sys.path without running *its* ``.pth`` files, so the editable install's path to
``python/`` never appears. The test checks both: ``boardbook.__file__`` is in the venv and no sys.path entry is in
the checkout's sources (``python/``). Building runs setuptools in build's isolated environment, fetched from the
package index.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from boardbook.addin import build as b

ROOT = Path(__file__).resolve().parents[1]
ADDIN_FILES = {"boardbook.xlam", "src/customUI14.xml", "src/theme1.xml"} | {
    f"src/{p.name}" for p in b.SRC.glob("*.bas")
}


def _run(args: list[str | Path], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["COLUMNS"] = "200"  # rich folds the verify table to the terminal width; keep each check on one line
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist and wheel, built from a copy of the source tree (setuptools writes its egg-info into the tree)."""
    work = tmp_path_factory.mktemp("wheel")
    tree = work / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(ROOT / "python", tree / "python", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    done = _run([sys.executable, "-m", "build", "--outdir", work / "dist", tree], cwd=work, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return work / "dist"


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; returns its bin folder."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home / "v", with_pip=False, symlinks=os.name != "nt")
    python = home / "v" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    (wheel,) = dist.glob("*.whl")
    done = _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", wheel], cwd=home)
    assert done.returncode == 0, done.stdout + done.stderr
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=home)
    (Path(site.stdout.strip()) / "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python.parent


def test_the_sdist_and_the_wheel_carry_the_addin_and_its_sources(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        in_sdist = {
            n.split("/python/boardbook/addin/", 1)[1] for n in tar.getnames() if "/python/boardbook/addin/" in n
        }
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        in_wheel = {n.removeprefix("boardbook/addin/") for n in zf.namelist() if n.startswith("boardbook/addin/")}
        assert zf.read("boardbook/addin/boardbook.xlam") == b.BUNDLED.read_bytes()
    assert not ADDIN_FILES - in_sdist and not ADDIN_FILES - in_wheel


def test_the_installed_boardbook_is_the_wheel_not_this_checkout(installed: Path, tmp_path: Path) -> None:
    code = "import sys, boardbook; print(boardbook.__file__); print('\\n'.join(sys.path))"
    done = _run([installed / "python", "-c", code], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    where, *path = done.stdout.splitlines()
    assert Path(where).is_relative_to(installed.parent), where
    # the checkout's sources (what the editable install puts on sys.path) are nowhere; the dependencies' own
    # site-packages may live in the checkout's .venv (as in CI), which is not boardbook's code
    assert not [p for p in path if p and Path(p).resolve().is_relative_to(ROOT / "python")], path


def test_addin_build_verify_and_install_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    boardbook = installed / "boardbook"
    built = _run([boardbook, "addin", "build", "--out", tmp_path / "mine.xlam"], cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "mine.xlam").read_bytes() == b.BUNDLED.read_bytes()  # same sources, same xlwings

    in_place = _run([boardbook, "addin", "build"], cwd=tmp_path)  # never rewrites the installed package
    assert in_place.returncode == 2 and "give --out" in in_place.stderr and "Traceback" not in in_place.stderr

    for target in ([], [tmp_path / "mine.xlam"]):  # the bundled add-in, and the one just built
        checked = _run([boardbook, "addin", "verify", *target, "--libreoffice", "skip"], cwd=tmp_path)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "Macro OK" in checked.stdout and "FAIL" not in checked.stdout
        assert str(target[0] if target else "site-packages") in checked.stdout.replace("\n", "")

    copied = _run([boardbook, "addin", "install", "--dir", tmp_path / "XLSTART"], cwd=tmp_path)
    assert copied.returncode == 0, copied.stderr
    assert (tmp_path / "XLSTART" / "boardbook.xlam").read_bytes() == b.BUNDLED.read_bytes()
    if sys.platform.startswith("linux"):
        refused = _run([boardbook, "addin", "install"], cwd=tmp_path)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert "Excel is not available on Linux" in refused.stderr


def test_numpy_and_pandas_are_no_runtime_dependency(dist: Path) -> None:
    """xlwings and openpyxl import them when they are installed, which costs every ribbon press (see
    benchmarks/README.md): `pip install boardbook` must not bring them, on any platform, however deep."""
    from importlib import metadata

    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    pending = [line.split(":", 1)[1] for line in text.splitlines() if line.startswith("Requires-Dist:")]
    seen: set[str] = set()
    while pending:
        requirement = pending.pop()
        if "extra ==" in requirement:
            continue  # every platform marker is kept: a Windows-only dependency counts too
        name = re.split(r"[\s;<>=!~\[(]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        # a platform's dependency not installed here (pywin32, appscript): its own requirements are not known
        with contextlib.suppress(metadata.PackageNotFoundError):
            pending += metadata.requires(name) or []
    assert "xlwings" in seen and "openpyxl" in seen
    assert not seen & {"numpy", "pandas"}, sorted(seen)
