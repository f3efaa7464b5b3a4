"""``boardbook performance fill`` and ``performance ees`` as a user meets them: help on every option, one-line
errors with exit code 2 (through the main entry point's handler), and real files written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import typer
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from boardbook.errors import BoardbookError
from boardbook.performance import contract as c
from boardbook.performance.cli import app as performance_app
from boardbook.performance.demo import write_demo_inputs
from tests.helpers import hashes

EES = (
    Path("/work/shared/data/ees")
    if Path("/work/shared/data/ees").is_dir()
    else Path(__file__).resolve().parents[2] / "shared" / "data" / "ees"
)
D3 = EES / "d3_cpps_subsequent_plan_2013_to_2025.csv"

# The sub-app mounted as the main CLI will mount it (boardbook.cli: app.add_typer(..., name="performance")).
main = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
main.add_typer(performance_app, name="performance")


@main.callback()
def _root() -> None:
    """boardbook"""


def run(*args: object) -> tuple[int, str, str]:
    """Exit code, stdout and stderr, with BoardbookError handled as ``boardbook.cli.main`` does."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    if isinstance(result.exception, BoardbookError):
        return result.exception.exit_code, result.stdout, f"boardbook: error: {result.exception}"
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", [["performance"], ["performance", "fill"], ["performance", "ees"]])
def test_help(command: list[str]) -> None:
    code, out, _err = run(*command, "--help")
    assert code == 0 and "Usage:" in out


def test_every_option_has_help() -> None:
    group = typer.main.get_command(performance_app)
    commands = group.commands  # type: ignore[attr-defined]
    assert set(commands) == {"fill", "ees"}
    for name, command in commands.items():
        for param in command.params:
            assert getattr(param, "help", None), f"performance {name} {param.name} has no help text"


def test_fill_the_demo_inputs(tmp_path: Path) -> None:
    inputs = write_demo_inputs(tmp_path / "in")
    before = hashes(tmp_path / "in")
    out = tmp_path / "perf.xlsx"
    code, stdout, err = run(
        "performance",
        "fill",
        "--indicators",
        inputs["indicators.csv"],
        "--evidence",
        inputs["evidence.csv"],
        "--risk-factors",
        inputs["risk-factors.csv"],
        "--impact-threshold",
        "25%",
        "--prevalence-threshold",
        "500",
        "--out",
        out,
    )
    assert code == 0, err
    assert "12 indicators (2 Green, 4 Amber, 4 Red, 2 not rated), 19 findings, 15 risk factors" in stdout
    assert hashes(tmp_path / "in") == before
    risk = CalamineWorkbook.from_path(str(out), load_tables=True).get_table_by_name(c.RISK_FACTORS).to_python()
    by = {row[0]: row[4] for row in risk}
    assert by["Drug misuse (parent)"] == c.HIGH_HIGH  # 520 ≥ 500 and 32.9 % ≥ 25 %
    assert by["Alcohol misuse (parent)"] == c.LOW_HIGH  # 498 < 500


def test_ees_then_fill(tmp_path: Path) -> None:
    if not D3.exists():
        pytest.skip(f"real EES data not found at {EES}")
    rows = tmp_path / "leeds.csv"
    code, stdout, err = run(
        "performance",
        "ees",
        D3,
        "--la",
        "Leeds",
        "--measure",
        "CPP_subsequent_percent",
        "--measure",
        "CPP_start",
        "--periods",
        "2",
        "--priority",
        "Neglect",
        "--out",
        rows,
    )
    assert code == 0, err
    assert "4 indicator rows (2 measures × 2 periods) for Leeds" in stdout
    code, _out, err = run("performance", "fill", "--indicators", rows, "--out", tmp_path / "perf.xlsx")
    assert code == 0, err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["fill", "--indicators", "{bad}", "--out", "{out}"], "bad.csv row 2, column Value: 'lots' is not a number"),
        (
            ["fill", "--indicators", "{good}", "--out", "{out}", "--impact-threshold", "40"],
            "--impact-threshold '40': give the conversion as a fraction (0.25) or a percentage (25%)",
        ),
        (
            ["fill", "--indicators", "{good}", "--out", "{out}", "--prevalence-measure", "children"],
            "--prevalence-measure 'children': use assessments or plans",
        ),
        (["fill", "--indicators", "{good}", "--out", "{good}"], "the performance workbook is an .xlsx file"),
        (["fill", "--indicators", "{out}", "--out", "{out}"], "is also an input"),
        (
            ["ees", "{d3}", "--la", "Leeds City", "--measure", "CPP_start", "--out", "{out}"],
            "column la_name: no local authority 'Leeds City' in this file (did you mean 'Leeds'?)",
        ),
        (
            ["ees", "{good}", "--la", "Leeds", "--measure", "CPP_start", "--out", "{out}"],
            "good.csv row 1, column time_period: not a DfE open-data (EES) CSV",
        ),
    ],
)
def test_errors_are_one_line_exit_2(tmp_path: Path, args: list[str], expected: str) -> None:
    files = {"bad": tmp_path / "bad.csv", "good": tmp_path / "good.csv", "out": tmp_path / "out.xlsx", "d3": D3}
    files["bad"].write_text("Priority,Indicator,Period,Value\nNeglect,X,2024/25,lots\n")
    files["good"].write_text("Priority,Indicator,Period,Value\nNeglect,X,2024/25,1\n")
    if "{d3}" in args and not D3.exists():
        pytest.skip(f"real EES data not found at {EES}")
    code, _out, err = run("performance", *(a.format(**files) for a in args))
    assert code == 2 and expected in err and "\n" not in err.strip()
    assert not files["out"].exists()


def test_real_entry_point_handles_the_errors(tmp_path: Path) -> None:
    """Through a process, as a user runs it (the sub-app in the way boardbook.cli.main wraps it)."""
    import subprocess

    script = (
        "import sys, typer\nfrom boardbook.errors import BoardbookError\n"
        "from boardbook.performance.cli import app\n"
        "try:\n    app(sys.argv[1:])\nexcept BoardbookError as exc:\n"
        "    print(f'boardbook: error: {exc}', file=sys.stderr); sys.exit(exc.exit_code)\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("Priority,Indicator,Period,Polarity,Value\nNeglect,X,2024/25,sideways,1\n")
    proc = subprocess.run(
        [sys.executable, "-c", script, "fill", "--indicators", str(bad), "--out", str(tmp_path / "o.xlsx")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (
        "boardbook: error: bad.csv row 2, column Polarity: 'sideways' is not a polarity: "
        "use 'higher' or 'lower' (is better)"
    )
