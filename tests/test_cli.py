"""The command line as a user meets it: help everywhere, one-line errors, exit codes, the demo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import python_calamine as pc

from tests.helpers import hashes

BIN = str(Path(sys.executable).with_name("boardbook"))


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["templates"],
        ["s11"],
        ["s11", "returns"],
        ["s11", "collate"],
        ["demo"],
        ["budget"],
        ["budget", "fill"],
        ["budget", "propose"],
        ["performance"],
        ["performance", "fill"],
        ["performance", "ees"],
    ],
)
def test_help_on_every_command(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout and len(result.stdout) > 200


def test_version() -> None:
    assert run("--version").stdout.startswith("boardbook 0.")


def test_configuration_error_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[partnership]\nname = "X"\n[scale]\nmet = []\n')
    result = run("templates", "--out", tmp_path, "--config", bad)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "scale.levels" in result.stderr


def test_usage_error_exit_2(tmp_path: Path) -> None:
    result = run("s11", "collate", tmp_path / "nowhere", "--out", tmp_path / "s.xlsx")
    assert result.returncode == 2 and "input not found" in result.stderr and "Traceback" not in result.stderr
    assert run("s11", "collate").returncode == 2  # missing arguments: click's usage error


def test_returns_then_collate(tmp_path: Path) -> None:
    agencies = tmp_path / "agencies.csv"
    agencies.write_text(
        "Agency,Sector,Email,Partnerships\nMoorlands Police,Police,p@x,All\n"
        "Eastvale Council,Local authority,e@x,Eastvale\n"
        "Northmoor ICB,Health,i@x,Northmoor Safeguarding Children Partnership\n"
    )
    result = run("s11", "returns", "--agencies", agencies, "--round", "2026", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    made = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert made == ["Section 11 return 2026 - Moorlands Police.xlsx", "Section 11 return 2026 - Northmoor ICB.xlsx"]
    before = hashes(tmp_path / "out")
    # Blank returns are all rejected (no ratings): --strict says so with exit 1.
    result = run("s11", "collate", tmp_path / "out", "--out", tmp_path / "s.xlsx", "--agencies", agencies, "--strict")
    assert result.returncode == 1 and "rejected" in result.stderr
    assert hashes(tmp_path / "out") == before


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    result = run("demo", "--out", tmp_path / "demo")
    assert result.returncode == 0, result.stderr
    summary = tmp_path / "demo" / "section11-summary.xlsx"
    wb = pc.CalamineWorkbook.from_path(str(summary), load_tables=True)
    matrix = wb.get_table_by_name("Matrix").to_python()
    problems = wb.get_table_by_name("Problems").to_python()
    missing = wb.get_table_by_name("Missing").to_python()
    comparison = wb.get_table_by_name("Comparison").to_python()
    assert 20 <= len(matrix) <= 25
    codes = " ".join(str(p[3]) for p in problems)
    assert "not on the scale" in codes and "second return" in codes
    assert any("no return received" in str(m[3]) for m in missing)
    assert any(row[2] for row in comparison), "2026 is compared with 2024"
    assert "2026 round:" in result.stdout
    # the whole loop: feedback for every accepted agency, the three kinds of drafts
    demo = tmp_path / "demo"
    assert len(list((demo / "feedback-2026").glob("*.xlsx"))) == len(matrix)
    assert len(list((demo / "mail-returns").glob("*.eml"))) == 25
    assert len(list((demo / "mail-feedback").glob("*.eml"))) == len(matrix)
    assert len(list((demo / "mail-chase").glob("*.eml"))) == len([m for m in missing if m[0]])
    # the schools round: 300 schools on the bundled section 175 configuration, through the same loop
    schools = pc.CalamineWorkbook.from_path(str(demo / "schools" / "schools-summary.xlsx"), load_tables=True)
    log = schools.get_table_by_name("Log").to_python()
    assert [(row[1], row[6]) for row in log] == [(288, "2026/27")]  # 12 of 300 not sent
    school_problems = schools.get_table_by_name("Problems").to_python()
    school_codes = " ".join(str(p[3]) for p in school_problems)
    assert "this return is for round 2024/25, not 2026/27" in school_codes  # last round's file sent again
    assert "below met, but has no action" in school_codes  # actions are asked for below met
    accepted = int(log[0][2])
    assert len(list((demo / "schools" / "feedback").glob("*.xlsx"))) == accepted
    assert len(list((demo / "schools" / "mail-chase").glob("*.eml"))) == 300 - accepted
    assert f"schools round 2026/27: {accepted} accepted" in result.stdout
    # the partnership's learning and improvement workbooks, listed in the summary
    for name in ("learning-improvement.xlsx", "training-evaluation.xlsx", "concerns-matrix.xlsx"):
        assert f"wrote {demo / name}\n" in result.stdout and (demo / name).is_file()
    assert "Training evaluation: 236 evaluations of 5 courses" in result.stderr


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="checks the fallback where Excel cannot exist")
def test_excel_flag_falls_back_to_the_file_and_says_so(tmp_path: Path) -> None:
    data = Path(__file__).resolve().parents[1] / "python/boardbook/data"
    result = run("budget", "fill", data / "demo-budget-2024-25.toml", "--out", tmp_path / "b.xlsx", "--excel")
    assert result.returncode == 0, result.stderr
    assert "Excel is not available on linux: filled the file with the openpyxl backend instead" in result.stderr
    assert (tmp_path / "b.xlsx").exists()
    result = run(
        "performance",
        "fill",
        "--indicators",
        data / "performance/indicators.csv",
        "--out",
        tmp_path / "q.xlsx",
        "--excel",
    )
    assert result.returncode == 0 and "Excel is not available" in result.stderr and (tmp_path / "q.xlsx").exists()
