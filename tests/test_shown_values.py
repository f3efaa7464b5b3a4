"""Cells are read as the user sees them (issue 11, items 1 and 2), end to end through the commands.

A cell formatted as a percentage means the percentage it shows: Excel stores "24.4%" typed in a cell as 0.244
formatted 0.0%, and boardbook must give it the same RAG, share or problem as ``24.4%`` typed in a CSV. Evidence
Excel turned into a number or a date arrives as the agency saw it. Each case is a real .xlsx (written by
openpyxl as Excel stores it, and re-saved by LibreOffice) against the CSV with the shown text typed.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from boardbook.book import Book, OpenpyxlBook
from boardbook.book.numfmt import is_percent
from boardbook.budget import contract as bc
from boardbook.config import load_config
from boardbook.performance import contract as pc
from boardbook.performance.pipeline import refresh_book
from boardbook.performance.reader import read_indicators
from boardbook.templates.performance import build_performance
from tests.helpers import (
    OFFICER_CONTRIBUTIONS,
    OFFICER_EXPENDITURE,
    OFFICER_NAMES,
    OFFICER_OTHER_INCOME,
    make_return,
    officer_budget,
    recalculate,
    require_soffice,
    run,
    table,
)
from tests.xlmemory import open_xlwings

SHARES = (0.4, 0.333333333333333, 0.266666666666667)  # as Excel stores 40.00 %, 33.33 %, 26.67 % in Share


def _write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(["" if v is None else v for v in row] for row in rows)
    return path


def _budget_as_typed(folder: Path, shares: list[str]) -> Path:
    """The officer's budget as a TOML file with CSVs beside it, each share typed as the text its cell shows."""
    folder.mkdir()
    contributions = [list(r) for r in OFFICER_CONTRIBUTIONS if r is not None]
    for row, share in zip((r for r in contributions if r[2] == "share"), shares, strict=True):
        row[3] = share
    _write_csv(folder / "contributions.csv", [list(bc.CONTRIBUTIONS_HEADERS), *contributions])
    _write_csv(folder / "income.csv", [list(bc.OTHER_INCOME_HEADERS), *(r for r in OFFICER_OTHER_INCOME if r)])
    _write_csv(folder / "expenditure.csv", [list(bc.EXPENDITURE_HEADERS), *(r for r in OFFICER_EXPENDITURE if r)])
    toml = folder / "budget.toml"
    toml.write_text(
        "[budget]\n"
        'partnership = "Northmoor Safeguarding Children Partnership"\n'
        f'financial_year = "{OFFICER_NAMES["FinancialYear"]}"\n'
        f'reserves_brought_forward = "{OFFICER_NAMES["ReservesBroughtForward"]}"\n'
        f'requirement = "{OFFICER_NAMES["Requirement"]}"\n'
        'contributions = "contributions.csv"\nother_income = "income.csv"\nexpenditure = "expenditure.csv"\n',
        encoding="utf-8",
    )
    return toml


def _budget_workbook(path: Path, shares: tuple[object, ...]) -> Path:
    """The officer's budget typed into the template, whose Share column is formatted 0.00 % (as Excel keeps a
    typed 40 %: the number 0.4 in a percentage cell)."""
    contributions = [list(r) if r else None for r in OFFICER_CONTRIBUTIONS]
    share_rows = [r for r in contributions if r and r[2] == "share"]
    for row, share in zip(share_rows, shares, strict=True):
        row[3] = share
    return officer_budget(path, load_config(), OFFICER_NAMES, contributions, OFFICER_OTHER_INCOME, OFFICER_EXPENDITURE)


def _amounts(path: Path) -> list[tuple[object, object]]:
    return [(r["Partner"], r["Amount"]) for r in table(path, bc.CONTRIBUTIONS)]


def test_budget_shares_in_percent_cells_equal_the_shares_typed(tmp_path: Path) -> None:
    """Shares Excel stores as fractions in the template's % cells fill the same amounts as the same shares
    typed as text in a CSV — for openpyxl's file and for LibreOffice's re-save of it."""
    require_soffice()
    workbook = _budget_workbook(tmp_path / "budget.xlsx", SHARES)
    saved_by_lo = recalculate(workbook, tmp_path / "lo")
    typed = _budget_as_typed(tmp_path / "typed", ["40%", "33.3333333333333%", "26.6666666666667%"])
    outputs = {}
    for name, src in (("openpyxl", workbook), ("libreoffice", saved_by_lo), ("csv", typed)):
        result = run("budget", "fill", src, "--out", tmp_path / f"{name}.xlsx")
        assert result.returncode == 0, result.stderr
        outputs[name] = _amounts(tmp_path / f"{name}.xlsx")
    assert outputs["openpyxl"] == outputs["libreoffice"] == outputs["csv"]
    assert [a for _p, a in outputs["csv"][:3]] == [100_000, 83_334, 66_667]


@pytest.mark.parametrize(
    ("cell_value", "typed_text"),
    [(2, "200%"), (1.5, "150%")],
)
def test_budget_share_over_100_percent_is_refused_as_typed(tmp_path: Path, cell_value: float, typed_text: str) -> None:
    """A percentage cell showing 200 % is 200 %, refused as typing 200 % is (it used to be read as 2 %)."""
    workbook = _budget_workbook(tmp_path / "budget.xlsx", (cell_value, *SHARES[1:]))
    typed = _budget_as_typed(tmp_path / "typed", [typed_text, "33.3333333333333%", "26.6666666666667%"])
    from_cell = run("budget", "fill", workbook, "--out", tmp_path / "a.xlsx")
    from_csv = run("budget", "fill", typed, "--out", tmp_path / "b.xlsx")
    assert from_cell.returncode == from_csv.returncode == 2
    assert "a share cannot be more than 100 %" in from_cell.stderr
    assert "a share cannot be more than 100 %" in from_csv.stderr
    assert "sheet 'Contributions' cell D2" in from_cell.stderr  # the Northmoor Council share
    assert not (tmp_path / "a.xlsx").exists()


def test_budget_amount_formatted_as_percent_is_questioned(tmp_path: Path) -> None:
    """An amount cell showing a percentage is refused as a typed percentage is, naming the cell."""
    contributions = [list(r) if r else None for r in OFFICER_CONTRIBUTIONS]
    path = officer_budget(
        tmp_path / "budget.xlsx",
        load_config(),
        OFFICER_NAMES,
        contributions,
        OFFICER_OTHER_INCOME,
        OFFICER_EXPENDITURE,
    )
    wb = openpyxl.load_workbook(path)
    ws = next(ws for ws in wb.worksheets if bc.CONTRIBUTIONS in ws.tables)
    ws["E6"].value, ws["E6"].number_format = 0.5, "0%"  # the Probation fixed amount shows 50%
    wb.save(path)
    result = run("budget", "fill", path, "--out", tmp_path / "out.xlsx")
    assert result.returncode == 2
    assert "E6" in result.stderr and "found a percentage '50%'" in result.stderr


# -- performance ----------------------------------------------------------------------------------------------
INDICATOR_HEADERS = ["Priority", "Indicator", "Period", "Value", "Target", "Polarity", "Tolerance"]


def _indicators_workbook(path: Path, *, as_table: bool) -> Path:
    """Return interviews within 72 hours: 24.4 % typed into a cell (Excel keeps 0.244 formatted 0.0 %), target
    25 typed as a plain number, tolerance 2 % typed as a percentage (0.02 formatted 0 %)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Indicators"
    ws.append(INDICATOR_HEADERS)
    ws.append(["Missing children", "Return interviews within 72 hours", "2025-26 Q1", 0.244, 25, "higher", 0.02])
    ws.append(["Missing children", "Return interviews within 72 hours", "2025-26 Q2", 0.261, 25, "higher", 0.02])
    for row in (2, 3):
        ws.cell(row, 4).number_format = "0.0%"
        ws.cell(row, 7).number_format = "0%"
    if as_table:
        ws.add_table(Table(displayName="Indicators", ref="A1:G3"))
    wb.save(path)
    return path


def _perf(tmp_path: Path, src: Path, name: str) -> list[tuple[object, ...]]:
    out = tmp_path / f"filled-{name}.xlsx"
    result = run("performance", "fill", "--indicators", src, "--out", out)
    assert result.returncode == 0, result.stderr
    return [(r["Period"], r["Value"], r["Target"], r["Tolerance"], r["RAG"]) for r in table(out, "Indicators")]


def test_indicator_percent_cells_rate_as_the_percentages_typed(tmp_path: Path) -> None:
    """The issue's example: 0.244 formatted as 24.4 % gets the RAG that 24.4% typed in a CSV gets (Amber against a
    target of 25 with 2 points' tolerance; read as 0.244 it was Red), from a sheet, a table and LibreOffice's copy."""
    require_soffice()
    typed = _write_csv(
        tmp_path / "typed.csv",
        [
            INDICATOR_HEADERS,
            ["Missing children", "Return interviews within 72 hours", "2025-26 Q1", "24.4%", 25, "higher", "2%"],
            ["Missing children", "Return interviews within 72 hours", "2025-26 Q2", "26.1%", 25, "higher", "2%"],
        ],
    )
    sheet = _indicators_workbook(tmp_path / "sheet.xlsx", as_table=False)
    in_table = _indicators_workbook(tmp_path / "table.xlsx", as_table=True)
    saved_by_lo = recalculate(in_table, tmp_path / "lo")
    expected = [("2025-26 Q1", 24.4, 25, 2, "Amber"), ("2025-26 Q2", 26.1, 25, 2, "Green")]
    assert _perf(tmp_path, typed, "csv") == expected
    assert _perf(tmp_path, sheet, "sheet") == expected
    assert _perf(tmp_path, in_table, "table") == expected
    assert _perf(tmp_path, saved_by_lo, "lo") == expected


def _performance_workbook(path: Path) -> Path:
    """The performance template with the two indicators typed into its Indicators table, as in
    ``_indicators_workbook``: Value and Tolerance cells formatted as percentages."""
    book = build_performance(load_config())
    rows = []
    for period, value in (("2025-26 Q1", 0.244), ("2025-26 Q2", 0.261)):
        typed = {"Priority": "Missing children", "Indicator": "Return interviews within 72 hours", "Period": period}
        typed |= {"Value": value, "Target": 25, "Polarity": "higher", "Tolerance": 0.02}
        rows.append([typed.get(h) for h in pc.INDICATORS_HEADERS])
    book.write_table(pc.INDICATORS, rows)
    factor = {"Factor": "Domestic abuse", "Assessments": 400, "Plans": 120}
    book.write_table(pc.RISK_FACTORS, [[factor.get(h) for h in pc.RISK_FACTORS_HEADERS]])
    book.save(path)
    wb = openpyxl.load_workbook(path)
    ws = next(ws for ws in wb.worksheets if pc.INDICATORS in ws.tables)
    for header, code in (("Value", "0.0%"), ("Tolerance", "0%")):
        col = 1 + pc.INDICATORS_HEADERS.index(header)
        for row in (2, 3):
            ws.cell(row, col).number_format = code
    wb.save(path)
    return path


@pytest.fixture(params=["openpyxl", "xlwings"])
def open_indicators(request: pytest.FixtureRequest, tmp_path: Path) -> Book:
    path = _indicators_workbook(tmp_path / "open.xlsx", as_table=True)
    return open_xlwings(request, path) if request.param == "xlwings" else OpenpyxlBook.open(path)


@pytest.fixture(params=["openpyxl", "xlwings"])
def open_performance(request: pytest.FixtureRequest, tmp_path: Path) -> Book:
    path = _performance_workbook(tmp_path / "performance.xlsx")
    return open_xlwings(request, path) if request.param == "xlwings" else OpenpyxlBook.open(path)


def test_open_workbook_reads_percent_cells_as_shown(open_indicators: Book) -> None:
    """The ribbon reads the open workbook through the Book port: the same figures as the file."""
    assert open_indicators.number_formats("Indicators") == {
        (0, 3): "0.0%",
        (1, 3): "0.0%",
        (0, 6): "0%",
        (1, 6): "0%",
    }
    values = [(i.value, i.target, i.tolerance) for i in read_indicators(open_indicators)]
    assert values == [(24.4, 25, 2), (26.1, 25, 2)]


def test_refreshing_in_place_keeps_the_figures(open_performance: Book) -> None:
    """The ribbon's Refresh quadrant reads 24.4 from a cell showing 24.4 % and writes 24.4 back: the column is set
    back to a plain number (else it would show 2440.0 % and read as 2440 next time), and a second refresh reads
    what the first wrote."""
    config = load_config()
    for _press in range(2):
        result = refresh_book(open_performance, config)
        assert [(i.value, i.tolerance, i.rag) for i in result.indicators] == [(24.4, 2, "Amber"), (26.1, 2, "Green")]
    t = open_performance.read_table("Indicators")
    assert [row[t.headers.index("Value")] for row in t.rows] == [24.4, 26.1]
    formats = open_performance.number_formats("Indicators")
    assert not any(is_percent(code) for code in formats.values()), formats


# -- section 11 evidence ----------------------------------------------------------------------------------------
def test_evidence_arrives_as_the_agency_saw_it(tmp_path: Path) -> None:
    """Collated evidence Excel turned into numbers reads as shown in the summary, from openpyxl's file (as Excel
    stores the typing) and from LibreOffice's re-save of it."""
    require_soffice()
    config = load_config()
    returns = tmp_path / "returns"
    returns.mkdir()
    path = make_return(returns, config)
    wb = openpyxl.load_workbook(path)
    ws = wb["Assessment"]
    from datetime import datetime

    typed = [(0.95, "0%"), (12000, "#,##0"), (datetime(2026, 4, 3), "mm-dd-yy"), (0.5, "# ?/?")]
    for row, (value, code) in enumerate(typed, start=2):
        ws.cell(row, 4).value, ws.cell(row, 4).number_format = value, code
    ws["E3"].value, ws["E3"].number_format = 2500.5, "£#,##0.00"  # an action: "fund £2,500.50 of training"
    wb.save(path)
    lo = tmp_path / "lo"
    lo_returns = lo / "returns"
    recalculate(path, lo_returns)
    for folder, day in ((returns, "03/04/2026"), (lo_returns, "4/3/2026")):  # LibreOffice en-US writes m/d/yyyy
        out = folder.parent / f"summary-{folder.parent.name}.xlsx"
        result = run("s11", "collate", folder, "--out", out)
        assert result.returncode == 0, result.stderr
        rows = {r["Ref"]: r for r in table(out, "Returns")}
        assert [rows[ref]["Evidence"] for ref in ("S1", "S2", "S3", "S4")] == ["95%", "12,000", day, "1/2"]
        assert rows["S2"]["Action"] == "£2,500.50"
