"""No single file can take a run down (issue 11): every bad file is reported for that file alone, and the rest are
collated — in one process (the readers check what a workbook claims before python-calamine builds it) and with
``--jobs`` (a worker that dies, or takes too long, costs its file alone).

The files are real, made by the corpus makers (openpyxl and zip surgery); the collations run through the real
command, so a reader that aborts the process fails the test instead of taking pytest down with it. Where the guard
is switched off (to prove the second line holds: workers that really abort), it is switched off in this process
and the workers inherit it (fork).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import time
from pathlib import Path

import pytest
import python_calamine as pc

import boardbook.package as package
import boardbook.section11.pipeline as pipeline
from boardbook.batch import load_manifest, run_batch
from boardbook.config import Config, load_config
from boardbook.package import Extent
from tests.corpus import make_corpus as mc
from tests.helpers import hashes, make_return, run

GOOD, OTHER = mc.GOOD, mc.OTHER
CAFE = "Caf\ufffd Northmoor ICB.xlsx"  # b"Caf\xe9 Northmoor ICB.xlsx" as it is shown
KINDS = (
    "stray-last-cell",
    "stray-last-row",
    "table-resized-to-sheet",
    "shared-strings-claim",
    "header-only-table",
    "non-utf8-file-name",
    "budget-stray-last-cell",
    "indicators-stray-last-cell",
)
fork_only = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork" or not sys.platform.startswith("linux"),
    reason="the workers inherit the switched-off guard by fork (and the memory limit is Linux's)",
)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folders, _left_out = mc.build(tmp_path_factory.mktemp("bad"), KINDS, libreoffice=False)
    return folders


def rows(path: Path, table: str) -> list[dict[str, object]]:
    t = pc.CalamineWorkbook.from_path(str(path), load_tables=True).get_table_by_name(table)
    return [dict(zip(t.columns, r, strict=True)) for r in t.to_python() if any(v not in ("", None) for v in r)]


def non_utf8(folder: Path) -> bool:
    return not (folder / "no-non-utf8-names-here.txt").exists()


# -- one process and --jobs 2: the file is reported, the others collated ---------------------------------------

EXPECTED = {  # kind -> (file, sheet, cell, words) of its one problem; None: accepted with no problem
    "stray-last-cell": (OTHER, "Assessment", "XFD1048576", "has data as far as XFD1048576 (a stray keystroke"),
    "stray-last-row": (OTHER, "Assessment", "G1048576", "1,048,576 rows × 8 columns"),
    "table-resized-to-sheet": (OTHER, "Assessment", "A1:XFD1048576", "resize the table to its data"),
    "shared-strings-claim": (OTHER, "", "", "says it holds 4,000,000,000 different texts"),
    "non-utf8-file-name": None,
}


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_bad_file_reported_alone(kind: str, jobs: int, made: dict[str, Path], tmp_path: Path) -> None:
    folder = made[kind]
    if not non_utf8(folder):
        pytest.skip("this file system refuses file names that are not UTF-8")
    before = hashes(folder)
    out = tmp_path / "summary.xlsx"
    started = time.monotonic()
    proc = run("s11", "collate", folder, "--out", out, "--jobs", str(jobs))
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started < 60 and "Traceback" not in proc.stdout + proc.stderr
    problems = rows(out, "Problems")
    sources = {r["Source file"] for r in rows(out, "Returns")}
    expected = EXPECTED[kind]
    if expected is None:
        assert problems == [] and sources == {GOOD, CAFE}
    else:
        file, sheet, cell, words = expected
        ((problem),) = problems
        assert (problem["File"], problem["Sheet"], problem["Cell"], problem["Severity"]) == (file, sheet, cell, "Error")
        assert words in str(problem["Problem"])
        assert sources == {GOOD}  # the good return is collated
        assert file in proc.stdout + proc.stderr  # and the console names the file
    (log,) = rows(out, "Log")
    assert (log["Returns read"], len(str(log["Inputs fingerprint"]))) == (2, 64)
    assert hashes(folder) == before


@pytest.mark.parametrize("jobs", [1, 2])
def test_header_only_table_is_a_table_without_rows(jobs: int, made: dict[str, Path], tmp_path: Path) -> None:
    """calamine panics on a table with a header and no rows ('invalid range bounds'): it is read as what it is."""
    out = tmp_path / "summary.xlsx"
    proc = run("s11", "collate", made["header-only-table"], "--out", out, "--jobs", str(jobs))
    assert proc.returncode == 0, proc.stderr
    problems = rows(out, "Problems")
    assert {(p["File"], p["Sheet"], p["Severity"]) for p in problems} == {(OTHER, "Assessment", "Error")}
    assert all("is missing from table Assessment" in str(p["Problem"]) for p in problems)
    assert "invalid range bounds" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("jobs", [1, 2])
def test_bad_file_with_a_non_utf8_name(jobs: int, made: dict[str, Path], tmp_path: Path) -> None:
    """A bad file whose name is not UTF-8: Problems, the console and the log all show it with U+FFFD."""
    folder = tmp_path / "returns"
    shutil.copytree(made["stray-last-cell"], folder)
    try:
        os.rename(os.fsencode(folder / OTHER), os.fsencode(folder) + b"/Caf\xe9 Northmoor ICB.xlsx")
    except OSError:
        pytest.skip("this file system refuses file names that are not UTF-8")
    out = tmp_path / "summary.xlsx"
    proc = run("s11", "collate", folder, "--out", out, "--jobs", str(jobs))
    assert proc.returncode == 0, proc.stderr
    ((problem),) = rows(out, "Problems")
    assert (problem["File"], problem["Cell"]) == (CAFE, "XFD1048576")
    assert CAFE in proc.stdout + proc.stderr
    missing = run("s11", "collate", os.fsdecode(os.fsencode(tmp_path) + b"/gone\xe9"), "--out", out)
    assert missing.returncode == 2 and "input not found" in missing.stderr and "gone\ufffd" in missing.stderr


# -- budget and performance: a clear error naming the file, not an abort -------------------------------------


def test_budget_with_a_stray_last_cell(made: dict[str, Path], tmp_path: Path) -> None:
    proc = run("budget", "fill", made["budget-stray-last-cell"] / "budget.xlsx", "--out", tmp_path / "filled.xlsx")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "budget.xlsx sheet 'Contributions' cell XFD1048576: the sheet 'Contributions' has data as far as " in (
        proc.stderr
    )
    assert list(tmp_path.iterdir()) == []


def test_indicators_with_a_stray_last_cell(made: dict[str, Path], tmp_path: Path) -> None:
    indicators = made["indicators-stray-last-cell"] / "indicators.xlsx"
    proc = run("performance", "fill", "--indicators", indicators, "--out", tmp_path / "performance.xlsx")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "indicators.xlsx sheet 'Indicators' cell XFD1048576: the sheet 'Indicators' has data as far as " in (
        proc.stderr
    )


def test_header_only_indicators_table(tmp_path: Path) -> None:
    """An Indicators table with its header only (a tool wrote it): read as no rows, never calamine's panic."""
    import openpyxl
    from openpyxl.worksheet.table import Table

    from boardbook.performance import reader
    from boardbook.performance.model import InputError

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Indicators"
    ws.append(["Priority", "Indicator", "Period", "Value", "Target", "Polarity"])
    ws.append(["Neglect", "Re-referrals", "2024/25", 21.2, 20, "lower"])
    ws.add_table(Table(displayName="Indicators", ref="A1:F2"))
    book = tmp_path / "indicators.xlsx"
    wb.save(book)
    book.write_bytes(
        mc.rezip(book.read_bytes(), {"xl/tables/table1.xml": lambda x: x.replace(b'ref="A1:F2"', b'ref="A1:F1"')})
    )
    try:
        found = reader.read_indicators(book)
    except InputError as exc:  # an empty list may be refused, in words
        assert "panic" not in str(exc).lower() and "range bounds" not in str(exc)
    else:
        assert found == []


# -- the second line: a worker that dies, or takes too long, costs its file alone ------------------------------


def guard_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the pre-check off, so python-calamine meets the stray cell and really aborts the worker."""
    monkeypatch.setattr(package.Package, "check_sheet", lambda self, sheet: Extent())
    monkeypatch.setattr(package.Package, "check_table", lambda self, name: _unchecked(self, name))


def _unchecked(pkg: package.Package, name: str) -> package.TableInfo:
    info = pkg.table(name)
    assert info is not None
    return info


@pytest.fixture(scope="module")
def thirty(tmp_path_factory: pytest.TempPathFactory, made: dict[str, Path]) -> Path:
    """Thirty good returns and, in the middle, the one with a stray keystroke in XFD1048576."""
    folder = tmp_path_factory.mktemp("thirty")
    cfg = load_config()
    for i in range(30):
        make_return(folder, cfg, f"Agency {i:02d}")
    shutil.copy(made["stray-last-cell"] / OTHER, folder / "Agency 14b.xlsx")
    return folder


@fork_only
def test_a_worker_that_aborts_costs_its_file_alone(
    thirty: Path, tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    guard_off(monkeypatch)
    result = pipeline.collate([thirty], tmp_path / "summary.xlsx", config, jobs=2)
    assert (result.read, result.accepted, result.rejected) == (31, 30, 1)
    (problem,) = result.errors
    assert (Path(problem.file).name, problem.code) == ("Agency 14b.xlsx", "unreadable")
    assert problem.message.startswith("reading this file failed: the reader aborted the process (SIGABRT), as it ")
    assert problem.message.endswith("it was not read: " + pipeline.LOST)
    assert len({r["Agency"] for r in rows(tmp_path / "summary.xlsx", "Returns")}) == 30


@fork_only
def test_a_worker_over_its_memory_costs_its_file_alone(
    made: dict[str, Path], tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The extra guard on Linux: a worker may add 2 GB to what it started with (here 150 MB)."""
    guard_off(monkeypatch)
    monkeypatch.setattr(pipeline, "WORKER_MEMORY", 150 * 1024 * 1024)
    result = pipeline.collate([made["stray-last-row"]], tmp_path / "summary.xlsx", config, jobs=2)
    assert (result.read, result.accepted, result.rejected) == (2, 1, 1)
    (problem,) = result.errors
    assert problem.code == "unreadable" and ("SIGABRT" in problem.message or "out of memory" in problem.message)


@fork_only
def test_a_file_that_takes_too_long_is_stopped(
    thirty: Path, tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = pipeline.load_return

    def load(path: Path) -> object:
        if Path(path).name == "Agency 07.xlsx":
            time.sleep(120)  # a reader that spins
        return slow(path)

    monkeypatch.setattr(pipeline, "load_return", load)
    monkeypatch.setattr(pipeline, "FILE_TIMEOUT", 1.0)
    folder = tmp_path / "returns"
    shutil.copytree(thirty, folder, ignore=shutil.ignore_patterns("Agency 14b.xlsx"))
    started = time.monotonic()
    result = pipeline.collate([folder], tmp_path / "summary.xlsx", config, jobs=2)
    assert time.monotonic() - started < 60
    (problem,) = result.errors
    assert Path(problem.file).name == "Agency 07.xlsx"
    assert "reading this file failed: it took longer than 1 s and was stopped; it was not read" in problem.message
    assert (result.accepted, result.rejected) == (29, 1)


# -- boardbook batch: one partnership's bad file never stops the others ---------------------------------------


def manifest(tmp_path: Path, made: dict[str, Path]) -> Path:
    path = tmp_path / "batch.toml"
    path.write_text(
        f'''
[[partnerships]]
name = "{load_config().partnership}"
out = "out/northmoor"
returns = ["{made["stray-last-cell"]}"]

[[partnerships]]
name = "Stray budget"
out = "out/stray"
budget = "{made["budget-stray-last-cell"] / "budget.xlsx"}"

[[partnerships]]
name = "Eastvale"
out = "out/eastvale"
returns = ["{made["non-utf8-file-name"]}"]
''',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_batch_reports_bad_files_and_goes_on(jobs: int, made: dict[str, Path], tmp_path: Path) -> None:
    path = manifest(tmp_path, made)
    proc = run("batch", path, "--jobs", str(jobs))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr  # one partnership failed
    report = json.loads((tmp_path / "batch.report.json").read_text(encoding="utf-8"))
    northmoor, stray, eastvale = report["reports"]
    assert northmoor["ok"] and northmoor["rejected"] == 1  # the stray return is a problem, not a failure
    assert not stray["ok"] and "budget: budget.xlsx sheet 'Contributions' cell XFD1048576" in stray["error"]
    assert eastvale["ok"] and (tmp_path / "out" / "eastvale" / "section11-summary.xlsx").exists()


@fork_only
@pytest.mark.parametrize("workers", [1, 2])
def test_batch_survives_a_partnership_that_aborts(
    workers: int, made: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guard_off(monkeypatch)
    reports = run_batch(load_manifest(manifest(tmp_path, made)), workers=workers)
    northmoor, stray, eastvale = reports
    assert not northmoor.ok and "SIGABRT" in northmoor.error and "the other partnerships went on" in northmoor.error
    assert not stray.ok and "SIGABRT" in stray.error
    assert eastvale.ok and (tmp_path / "out" / "eastvale" / "section11-summary.xlsx").exists()


def test_collating_again_onto_a_summary_with_a_stray_last_cell(tmp_path: Path) -> None:
    """Someone types in XFD1048576 of the summary's Returns sheet; the next collation onto it read that table with
    calamine (the lean re-collation) and was aborted. Now the table is left to openpyxl and the run finishes."""
    import openpyxl

    config = load_config()
    make_return(tmp_path / "returns", config, "Moorlands Police")
    out = tmp_path / "summary.xlsx"
    first = run("s11", "collate", tmp_path / "returns", "--out", out)
    assert first.returncode == 0, first.stderr
    wb = openpyxl.load_workbook(out)
    wb["Returns"]["XFD1048576"] = "x"
    wb["Returns"]["K2"] = "a board comment typed in Excel"
    wb.save(out)
    again = run("s11", "collate", tmp_path / "returns", "--out", out)
    assert again.returncode == 0, again.stderr
    ws = openpyxl.load_workbook(out)["Returns"]  # not calamine: the stray cell is still there, as typed
    assert ws["K2"].value == "a board comment typed in Excel" and ws["XFD1048576"].value == "x"
