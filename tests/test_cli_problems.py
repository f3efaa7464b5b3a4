"""Every door's expected problems reach the terminal the same way: one line each on stderr, starting
``boardbook:``, so a script can count them — budgets, performance inputs and rejected returns alike."""

from __future__ import annotations

from pathlib import Path

from boardbook.config import load_config
from tests.helpers import make_return, run


def _problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_budget_problems_a_line_each(tmp_path: Path) -> None:
    contributions = tmp_path / "c.csv"
    contributions.write_text(
        'Partner,Sector,Basis,Share,Amount\nA,LA,share,a half,\nB,LA,fixed,,"24,4"\n', encoding="utf-8"
    )
    toml = tmp_path / "budget.toml"
    toml.write_text(
        '[budget]\npartnership = "P"\nfinancial_year = "2026/27"\nreserves_brought_forward = 0\n'
        'requirement = 1000\ncontributions = "c.csv"\n[[expenditure]]\nitem = "X"\nbudget = "lots"\n',
        encoding="utf-8",
    )
    result = run("budget", "fill", toml, "--out", tmp_path / "out.xlsx")
    lines = _problem_lines(result.stderr)
    assert result.returncode == 2 and len(lines) == 3, result.stderr
    assert all(line.startswith("boardbook: error: ") for line in lines)
    assert any("'24,4' could be 24.4 or 244" in line for line in lines)


def test_performance_problems_a_line_each(tmp_path: Path) -> None:
    csv = tmp_path / "indicators.csv"
    csv.write_text('Priority,Indicator,Period,Value\nN,A,2024/25,twelve\nN,B,2024/25,"3,5"\n', encoding="utf-8")
    result = run("performance", "fill", "--indicators", csv, "--out", tmp_path / "out.xlsx")
    lines = _problem_lines(result.stderr)
    assert result.returncode == 2 and len(lines) == 2, result.stderr
    assert lines[0] == "boardbook: error: indicators.csv row 2, column Value: 'twelve' is not a number"
    assert lines[1].startswith("boardbook: error: indicators.csv row 3, column Value: '3,5' could be 3.5 or 35")


def test_rejected_returns_a_line_each(tmp_path: Path) -> None:
    config = load_config()
    for i in range(12):  # more than the ten the terminal used to show
        make_return(tmp_path / "returns", config, f"Agency {i}", ratings=["Fuly met"] + ["Fully met"] * 9)
    result = run("s11", "collate", tmp_path / "returns", "--out", tmp_path / "summary.xlsx")
    lines = [line for line in _problem_lines(result.stderr) if line.startswith("boardbook: rejected ")]
    assert len(lines) == 12 and all("Assessment C2" in line for line in lines), result.stderr
