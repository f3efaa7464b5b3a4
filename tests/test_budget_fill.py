"""``boardbook budget fill`` and ``propose`` end to end on real files.

Inputs are made the ways people make them: the budget template typed into as a finance officer would
(text amounts with £ and commas, rows left blank), TOML with its tables inline, and TOML naming CSV files
(the demo budgets). Outputs are read back with openpyxl and python-calamine (numbers, never None), and
recalculated by LibreOffice: every formula cell must give the number Python wrote, and the annual-report
table must reconcile to the penny with the defined names. LibreOffice runs twice in the whole module.
"""

from __future__ import annotations

import csv
import shutil
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from openpyxl.utils.cell import range_boundaries

from boardbook.book import open_book
from boardbook.book.base import Formula
from boardbook.budget import contract as c
from boardbook.budget.pipeline import BudgetResult, fill_budget_file
from boardbook.budget.propose import partners_from_file, propose, write_proposal
from boardbook.config import load_config
from boardbook.errors import UsageError
from boardbook.ooxml import defined_names
from boardbook.templates.budget import BLANK_INPUT_ROWS, build_budget
from tests.helpers import (
    DATA,
    OFFICER_AMOUNTS,
    OFFICER_CONTRIBUTIONS,
    OFFICER_EXPENDITURE,
    OFFICER_NAMES,
    OFFICER_OTHER_INCOME,
    OFFICER_TOTALS,
    hashes,
    names_openpyxl,
    officer_workbook,
    recalculate_many,
    require_soffice,
    run,
    sha256,
)

D = Decimal
DEMO_2024 = DATA / "demo-budget-2024-25.toml"
DEMO_2025 = DATA / "demo-budget-2025-26.toml"
PENNY = 0.005
TABLE_OF = {c.CONTRIBUTIONS: "Contributions", c.OTHER_INCOME: "Other income", c.EXPENDITURE: "Expenditure"}


# -- making inputs ----------------------------------------------------------------------------------

# The Northmoor budget as its finance officer typed it (OFFICER_NAMES, OFFICER_CONTRIBUTIONS, ... in
# tests/helpers.py, shared with the bad-input tests) and the annual report it must give.
OFFICER_REPORT = [
    ("Funding streams", "Dedicated Schools Grant", 18000),
    ("Income", "Training fees", 1250.50),
    ("Income", "Non-attendance charges", 840),
    ("Contributions", "Northmoor Council", 100_000),
    ("Contributions", "Northmoor and Eastvale ICB", 83_334),
    ("Contributions", "Moorlands Police", 66_667),
    ("Contributions", "Probation Service Moorlands", 2500),
    ("Contributions", "Fellside District Council", 3500),
    ("Contributions", "Northmoor Schools Forum", 0),
    ("Total", "TOTAL INCOME", 276_091.50),
    ("Expenditure", "Independent scrutineer", 37_999.99),
    ("Expenditure", "Business unit staffing", 256_000),
    ("Expenditure", "Child safeguarding practice reviews", 0),
    ("Expenditure", "Subgroup development", 0),
    ("Total", "TOTAL", 293_999.99),
    ("Reserves", "Available reserves", 52_345.67),
    ("Reserves", "Drawdown", 17_908.49),
    ("Reserves", "Add to reserves", 0),
    ("Reserves", "Reserves balance", 34_437.18),
]
INCOME_SECTIONS = ("Funding streams", "Income", "Contributions")


def officer(path: Path) -> Path:
    return officer_workbook(
        path,
        names=OFFICER_NAMES,
        contributions=OFFICER_CONTRIBUTIONS,
        other_income=OFFICER_OTHER_INCOME,
        expenditure=OFFICER_EXPENDITURE,
    )


# Last year and this year of a small all-fixed partnership, inline TOML: a partner who paid £0 last year
# (change "n/a"), one matched ignoring case, one new (change blank), one whose name looks like a formula (it
# must stay text); spending outruns reserves.
PREVIOUS_TOML = """
[budget]
partnership = "Fellside Safeguarding Partnership"
financial_year = "2024/25"
reserves_brought_forward = "£1,000"

[[contributions]]
Partner = "Fellside Council"
Sector = "Local authority"
Basis = "fixed"
Share = ""
Amount = "£0"

[[contributions]]
Partner = "Fellside Police"
Sector = "Police"
Basis = "fixed"
Amount = 500
"""
CURRENT_TOML = """
[budget]
partnership = "Fellside Safeguarding Partnership"
financial_year = "2025/26"
reserves_brought_forward = "£1,000"
requirement = 0

[[contributions]]
Partner = "Fellside Council"
Sector = "Local authority"
Basis = "fixed"
Share = ""
Amount = "£250"

[[contributions]]
Partner = "FELLSIDE POLICE"
Sector = "Police"
Basis = "fixed"
Amount = 550

[[contributions]]
Partner = "Fellside Academy Trust"
Sector = "Schools"
Basis = "fixed"
Amount = "£100.50"

[[contributions]]
Partner = '=HYPERLINK("http://example.invalid","Youth Club")'
Sector = "Voluntary sector"
Basis = "fixed"
Amount = 0

[[other_income]]
Item = "Home Office grant"
Kind = "Funding stream"
Amount = "£200"

[[expenditure]]
Item = "Business unit"
Budget = "£2,500"
Actual = ""
"""


def write_toml_pair(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "previous.toml").write_text(PREVIOUS_TOML, encoding="utf-8")
    (folder / "current.toml").write_text(CURRENT_TOML, encoding="utf-8")
    return folder / "previous.toml", folder / "current.toml"


# -- reading outputs --------------------------------------------------------------------------------


def names_calamine(path: Path) -> dict[str, object]:
    """Defined names as a downstream reader sees them: the cells from xl/workbook.xml, values by calamine."""
    with zipfile.ZipFile(path) as zf:
        refs = defined_names(zf)
    wb = pc.CalamineWorkbook.from_path(str(path))
    grids: dict[str, list[list[object]]] = {}
    out = {}
    for name, ref in refs.items():
        assert ref is not None, f"defined name {name} does not name one cell"
        sheet, cell = ref
        grid = grids.setdefault(sheet, wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False))
        col = openpyxl.utils.cell.column_index_from_string("".join(ch for ch in cell if ch.isalpha())) - 1
        row = int("".join(ch for ch in cell if ch.isdigit())) - 1
        out[name] = grid[row][col] if row < len(grid) and col < len(grid[row]) else None
    return out


def table(path: Path, name: str) -> list[dict[str, object]]:
    t = pc.CalamineWorkbook.from_path(str(path), load_tables=True).get_table_by_name(name)
    return [dict(zip(t.columns, row, strict=True)) for row in t.to_python() if any(v not in ("", None) for v in row)]


def report(path: Path) -> list[tuple[str, str, float]]:
    return [(r["Section"], r["Line"], r["Amount"]) for r in table(path, c.ANNUAL_REPORT)]


def is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def penny(a: object, b: object) -> bool:
    """Equal to the penny; either side may be a Decimal (Python's) or a float (a spreadsheet's)."""
    numeric = all(is_number(v) or isinstance(v, Decimal) for v in (a, b))
    return numeric and abs(float(a) - float(b)) < PENNY  # type: ignore[arg-type]


def report_line(lines: list[tuple[str, str, float]], line: str) -> float:
    (amount,) = [a for _s, n, a in lines if n == line]
    return amount


def assert_reconciles(lines: list[tuple[str, str, float]], names: dict[str, object], *, council: bool) -> None:
    """The annual-report table agrees with the defined names to the penny (and adds itself up)."""
    sign = -1 if council else 1
    assert penny(report_line(lines, "TOTAL INCOME"), sign * names["TotalIncome"]), (lines, names)
    assert penny(report_line(lines, "TOTAL"), names["TotalExpenditure"])
    assert penny(report_line(lines, "Reserves balance"), names["ReservesCarriedForward"])
    assert penny(report_line(lines, "Available reserves"), names["ReservesBroughtForward"])
    assert penny(report_line(lines, "Drawdown"), names["Drawdown"])
    assert penny(report_line(lines, "Add to reserves"), names["AddToReserves"])
    assert penny(sum(a for s, _n, a in lines if s in INCOME_SECTIONS), report_line(lines, "TOTAL INCOME"))
    assert penny(sum(a for s, _n, a in lines if s == "Expenditure"), report_line(lines, "TOTAL"))
    assert penny(names["ReservesBroughtForward"] + names["Surplus"], names["ReservesCarriedForward"])


# -- the files this module reads ---------------------------------------------------------------------


@dataclass
class Filled:
    folder: Path
    officer_input: Path
    officer_input_sha: str
    outputs: dict[str, Path]  # label -> filled workbook
    results: dict[str, BudgetResult]
    council: dict[str, bool]
    control: Path  # a filled budget whose Surplus carries a deliberately wrong cached value


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Filled:
    tmp = tmp_path_factory.mktemp("budget")
    (tmp / "inputs").mkdir()
    src = officer(tmp / "inputs" / "officer.xlsx")
    before = sha256(src)
    previous, current = write_toml_pair(tmp / "toml")
    out = tmp / "out"
    out.mkdir()
    runs = {  # label -> (source, kwargs)
        "officer": (src, {}),
        "officer-council": (src, {"council_convention": True}),
        "demo-2024-25-council": (DEMO_2024, {"council_convention": True}),
        "demo-2025-26": (DEMO_2025, {"previous": DEMO_2024}),
        "fixed-changes-council": (current, {"previous": previous, "council_convention": True}),
    }
    outputs, results, council = {}, {}, {}
    for label, (source, kwargs) in runs.items():
        outputs[label] = out / f"{label}.xlsx"
        results[label] = fill_budget_file(source, outputs[label], **kwargs)
        council[label] = bool(kwargs.get("council_convention"))
    control = tmp / "control" / "wrong-surplus.xlsx"
    control.parent.mkdir()
    book = open_book(outputs["officer"])
    book.set_name("Surplus", Formula("=TotalIncome-TotalExpenditure", 12345))
    book.save(control)
    return Filled(tmp, src, before, outputs, results, council, control)


# -- the template ----------------------------------------------------------------------------------


def test_template_contract(tmp_path: Path) -> None:
    path = build_budget(load_config()).save(tmp_path / "budget.xlsx")
    wb = openpyxl.load_workbook(path)
    for name in (*c.INPUT_NAMES, *c.OUTPUT_NAMES):
        dn = wb.defined_names[name]
        ((sheet, cell),) = list(dn.destinations)
        assert sheet == "Budget" and ":" not in cell, f"{name} must name one cell"
        target = wb[sheet][cell.replace("$", "")]
        assert target.protection.locked is (name not in c.INPUT_NAMES), f"{name}: only inputs are unlocked"
        if name not in ("Partnership", "FinancialYear"):
            assert "£" in target.number_format, f"{name} is not £ formatted"
    assert wb["Budget"].protection.sheet
    expected = {
        c.CONTRIBUTIONS: c.CONTRIBUTIONS_HEADERS,
        c.OTHER_INCOME: c.OTHER_INCOME_HEADERS,
        c.EXPENDITURE: c.EXPENDITURE_HEADERS,
    }
    for name, headers in expected.items():
        ws = wb[TABLE_OF[name]]
        c1, r1, c2, r2 = range_boundaries(ws.tables[name].ref)
        assert [ws.cell(r1, col).value for col in range(c1, c2 + 1)] == list(headers)
        assert r2 - r1 == BLANK_INPUT_ROWS == 12
        for r in range(r1 + 1, r2 + 1):
            for j, h in enumerate(headers):
                cell = ws.cell(r, c1 + j)
                assert cell.value is None and cell.protection.locked is False, f"{name} {cell.coordinate}"
                if h == "Share":
                    assert cell.number_format == c.PERCENT_FORMAT
                elif h in ("Amount", "Budget", "Actual"):
                    assert cell.number_format == c.MONEY_FORMAT and "£" in cell.number_format
        assert ws.protection.sheet and not ws.protection.insertRows
    choices = {
        (ws.title, str(dv.sqref)): dv.formula1 for ws in wb.worksheets for dv in ws.data_validations.dataValidation
    }
    assert choices[("Contributions", "C2:C13")] == '"share,fixed"'
    assert choices[("Contributions", "B2:B13")] == '"' + ",".join(c.SECTORS) + '"'
    assert choices[("Other income", "B2:B13")] == '"Funding stream,Income"'
    assert c.ANNUAL_REPORT in wb["Annual report"].tables
    ws = wb["Annual report"]
    assert [cell.value for cell in ws[1]][:3] == list(c.ANNUAL_REPORT_HEADERS)


def test_templates_command_writes_the_budget_workbook(tmp_path: Path) -> None:
    proc = run("templates", "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    wb = openpyxl.load_workbook(tmp_path / "budget.xlsx")
    assert set(c.INPUT_NAMES) <= set(wb.defined_names)
    assert {t for ws in wb.worksheets for t in ws.tables} >= {
        c.CONTRIBUTIONS,
        c.OTHER_INCOME,
        c.EXPENDITURE,
        c.ANNUAL_REPORT,
    }


# -- a workbook typed by a finance officer -------------------------------------------------------------


def test_officer_workbook_amounts_and_totals(filled: Filled) -> None:
    r = filled.results["officer"]
    assert r.amounts == OFFICER_AMOUNTS
    assert sum(r.amounts[:3]) == D(250_001)  # share-based partners cover the requirement exactly
    assert r.totals.as_names() == OFFICER_TOTALS
    assert r.warnings == ["a deficit of £17,908.49 is drawn down from reserves"]
    assert sha256(filled.officer_input) == filled.officer_input_sha, "the input workbook was modified"


@pytest.mark.parametrize("reader", ["openpyxl", "calamine"])
def test_filled_workbook_reads_back_as_numbers(filled: Filled, reader: str) -> None:
    out = filled.outputs["officer"]
    names = names_openpyxl(out) if reader == "openpyxl" else names_calamine(out)
    expected = {**OFFICER_TOTALS, "ReservesBroughtForward": D("52345.67"), "Requirement": D(250_001)}
    for name, value in expected.items():
        assert is_number(names[name]), f"{reader} reads {name} as {names[name]!r}"
        assert penny(names[name], value), (name, names[name], value)
    assert names["Partnership"] == load_config().partnership and names["FinancialYear"] == "2025/26"
    if reader == "calamine":
        rows = table(out, c.CONTRIBUTIONS)
        assert [r["Partner"] for r in rows] == [row[0] for row in OFFICER_CONTRIBUTIONS if row]
        assert [r["Amount"] for r in rows] == [float(a) for a in OFFICER_AMOUNTS]
        assert [r["Basis"] for r in rows] == ["share"] * 3 + ["fixed"] * 3
        assert rows[1]["Share"] == pytest.approx(1 / 3, abs=1e-12)
        assert [r["Amount"] for r in table(out, c.OTHER_INCOME)] == [18000, 1250.5, 840]
        assert [r["Kind"] for r in table(out, c.OTHER_INCOME)] == ["Funding stream", "Income", "Income"]
        assert all(is_number(a) for _s, _n, a in report(out))
    else:
        wb = openpyxl.load_workbook(out, data_only=True)
        ws = wb["Contributions"]
        amounts = [ws.cell(r, 5) for r in range(2, 8)]
        assert [a.value for a in amounts] == [float(a) for a in OFFICER_AMOUNTS]
        assert all(a.data_type == "n" and a.number_format == c.MONEY_FORMAT for a in amounts)
        assert all(ws.cell(r, 4).number_format == c.PERCENT_FORMAT for r in range(2, 5))


def test_filled_workbook_formats_and_formulas(filled: Filled) -> None:
    wb = openpyxl.load_workbook(filled.outputs["officer"])
    formulas = names_openpyxl(filled.outputs["officer"], data_only=False)
    for name in c.OUTPUT_NAMES:
        assert str(formulas[name]).startswith("="), f"{name} should be a live formula, is {formulas[name]!r}"
    budget = wb["Budget"]
    assert all("£" in budget[f"B{r}"].number_format for r in range(3, 12))
    ws = wb["Annual report"]
    ref = ws.tables[c.ANNUAL_REPORT].ref
    _c1, r1, _c2, r2 = range_boundaries(ref)
    assert r2 - r1 == len(OFFICER_REPORT)
    assert all(ws.cell(r, 3).number_format == c.MONEY_FORMAT for r in range(r1 + 1, r2 + 1))
    assert all(str(ws.cell(r, 3).value).startswith("=") for r in range(r1 + 1, r2 + 1))
    choices = {
        (w.title, str(dv.sqref).split(":")[0][0]) for w in wb.worksheets for dv in w.data_validations.dataValidation
    }
    assert {("Contributions", "B"), ("Contributions", "C"), ("Other income", "B")} <= choices


def test_annual_report_as_published(filled: Filled) -> None:
    lines = report(filled.outputs["officer"])
    assert [(s, n) for s, n, _a in lines] == [(s, n) for s, n, _a in OFFICER_REPORT]
    for (_s, n, a), (_s2, _n2, expected) in zip(lines, OFFICER_REPORT, strict=True):
        assert penny(a, expected), (n, a, expected)
    assert_reconciles(lines, names_openpyxl(filled.outputs["officer"]), council=False)


def test_annual_report_council_convention(filled: Filled) -> None:
    lines = report(filled.outputs["officer-council"])
    for (s, n, a), (_s2, _n2, expected) in zip(lines, OFFICER_REPORT, strict=True):
        sign = -1 if s in INCOME_SECTIONS or n == "TOTAL INCOME" else 1
        assert penny(a, sign * expected), (n, a, expected)
    assert report_line(lines, "TOTAL INCOME") < 0 < report_line(lines, "TOTAL")
    names = names_openpyxl(filled.outputs["officer-council"])
    assert penny(names["TotalIncome"], 276_091.50), "the defined names keep their natural sign"
    assert_reconciles(lines, names, council=True)


@pytest.mark.parametrize(
    "label", ["officer", "officer-council", "demo-2024-25-council", "demo-2025-26", "fixed-changes-council"]
)
def test_every_filled_budget_reconciles(filled: Filled, label: str) -> None:
    out = filled.outputs[label]
    names = names_openpyxl(out)
    assert all(is_number(names[n]) for n in (*c.OUTPUT_NAMES, "ReservesBroughtForward")), names
    for name, value in filled.results[label].totals.as_names().items():
        assert penny(names[name], value), (name, names[name], value)
    assert_reconciles(report(out), names, council=filled.council[label])


def test_refilling_a_filled_workbook_gives_the_same_numbers(filled: Filled, tmp_path: Path) -> None:
    first = filled.outputs["officer"]
    before = sha256(first)
    again = fill_budget_file(first, tmp_path / "again.xlsx")
    assert sha256(first) == before
    assert again.amounts == OFFICER_AMOUNTS and again.totals.as_names() == OFFICER_TOTALS
    assert report(tmp_path / "again.xlsx") == report(first)


@pytest.mark.parametrize("requirement", [None, 0, "£0"], ids=["blank", "zero", "text-zero"])
def test_all_fixed_budget_needs_no_requirement(tmp_path: Path, requirement: object) -> None:
    src = officer_workbook(
        tmp_path / "fixed.xlsx",
        names={"FinancialYear": "2025/26", "ReservesBroughtForward": 5000, "Requirement": requirement},
        contributions=[
            ["Council", "Local authority", "fixed", None, "£40,000"],
            ["Police", "Police", "fixed", None, 25000.5],
        ],
        expenditure=[["Business unit", 60000, None]],
    )
    r = fill_budget_file(src, tmp_path / "out.xlsx")
    assert r.amounts == [D(40_000), D("25000.50")] and r.warnings == []
    names = names_openpyxl(tmp_path / "out.xlsx")
    assert penny(names["TotalContributions"], 65_000.5) and penny(names["ReservesCarriedForward"], 10_000.5)
    assert names["Requirement"] in (None, 0)


# -- TOML, TOML + CSV, and last year ---------------------------------------------------------------------


def test_demo_budgets_fill_and_roll_reserves_forward(filled: Filled) -> None:
    y24, y25 = filled.results["demo-2024-25-council"], filled.results["demo-2025-26"]
    assert y24.input.financial_year == "2024/25" and y25.input.financial_year == "2025/26"
    assert y25.totals.reserves_brought_forward == y24.totals.reserves_carried_forward
    assert y24.totals.reserves_carried_forward == D("65347.05")
    for r, requirement in ((y24, 372_000), (y25, 386_000)):
        shares = [a for x, a in zip(r.input.contributions, r.amounts, strict=True) if x.basis == c.SHARE]
        assert len(shares) == 3 and sum(shares) == requirement
    assert [x.kind for x in y25.input.other_income] == ["Funding stream", "Income", "Income"]  # blank Kind
    names = names_openpyxl(filled.outputs["demo-2025-26"])
    assert penny(
        names["ReservesBroughtForward"],
        names_openpyxl(filled.outputs["demo-2024-25-council"])["ReservesCarriedForward"],
    )


def test_previous_year_changes_from_toml(filled: Filled) -> None:
    rows = {r["Partner"]: r for r in table(filled.outputs["demo-2025-26"], c.CHANGES)}
    council = rows["Northmoor Council"]
    assert (council["Previous"], council["Amount"], council["Change"]) == (148_800, 154_400, 5_600)
    assert council["Change %"] == pytest.approx(5_600 / 148_800)
    assert rows["Probation Service Moorlands"]["Change"] == 0
    new = rows["Tarnbeck District Council"]  # new this year: no previous, no change
    assert (new["Previous"], new["Amount"], new["Change"], new["Change %"]) == ("", 2500, "", "")
    assert len(rows) == 7


def test_previous_year_changes_n_a_and_blank(filled: Filled) -> None:
    rows = {r["Partner"]: r for r in table(filled.outputs["fixed-changes-council"], c.CHANGES)}
    assert (rows["Fellside Council"]["Previous"], rows["Fellside Council"]["Change"]) == (0, 250)
    assert rows["Fellside Council"]["Change %"] == "n/a"  # no percentage change from £0
    police = rows["FELLSIDE POLICE"]  # matched to last year's "Fellside Police" ignoring case
    assert (police["Previous"], police["Change"]) == (500, 50) and police["Change %"] == pytest.approx(0.1)
    trust = rows["Fellside Academy Trust"]
    assert (trust["Previous"], trust["Change"], trust["Change %"]) == ("", "", "")
    r = filled.results["fixed-changes-council"]
    assert r.warnings and r.warnings[0].startswith("reserves would go negative")
    assert r.totals.reserves_carried_forward == D("-399.50")


def test_previous_year_from_a_filled_workbook(filled: Filled, tmp_path: Path) -> None:
    """--previous accepts last year's filled workbook as well as its TOML: the same changes."""
    r = fill_budget_file(DEMO_2025, tmp_path / "b.xlsx", previous=filled.outputs["demo-2024-25-council"])
    assert r.changes == filled.results["demo-2025-26"].changes


def test_toml_with_csv_tables_leaves_its_files_alone(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    before = hashes(folder)
    r = fill_budget_file(
        folder / "demo-budget-2025-26.toml", tmp_path / "out.xlsx", previous=folder / "demo-budget-2024-25.toml"
    )
    assert hashes(folder) == before
    assert r.totals.total_contributions == D(386_000 + 2000 + 3500 + 3500 + 2500)


# -- LibreOffice: a real engine recalculates every formula ------------------------------------------


@pytest.fixture(scope="module")
def recalculated(filled: Filled) -> dict[str, tuple[Path, Path]]:
    """label -> (ours, LibreOffice's recalculation); the control under the label "control"."""
    require_soffice()
    sources = {**filled.outputs, "control": filled.control}
    outputs = recalculate_many(list(sources.values()), filled.folder / "libreoffice")
    return {label: (src, out) for (label, src), out in zip(sources.items(), outputs, strict=True)}


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    return {
        (ws.title, cell.coordinate): cell.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f" and isinstance(cell.value, str) and cell.value.startswith("=")
    }


def same(ours: object, theirs: object) -> bool:
    if is_number(ours) and is_number(theirs):
        return abs(float(ours) - float(theirs)) <= 1e-6  # type: ignore[arg-type]
    if ours in (None, "") and theirs in (None, ""):
        return True
    return type(ours) is type(theirs) and ours == theirs


def test_libreoffice_really_recalculated(recalculated: dict[str, tuple[Path, Path]]) -> None:
    ours, theirs = recalculated["control"]
    assert names_openpyxl(ours)["Surplus"] == 12345, "precondition: the control carries a wrong cached value"
    assert penny(names_openpyxl(theirs)["Surplus"], -17_908.49), "LibreOffice kept the cached value"


@pytest.mark.parametrize(
    "label", ["officer", "officer-council", "demo-2024-25-council", "demo-2025-26", "fixed-changes-council"]
)
def test_every_formula_cell_equals_libreoffice(
    recalculated: dict[str, tuple[Path, Path]], label: str, record_property: pytest.RecordProperty
) -> None:
    ours, theirs = recalculated[label]
    formulas = formula_cells(ours)
    per_sheet: dict[str, int] = {}
    for sheet, _cell in formulas:
        per_sheet[sheet] = per_sheet.get(sheet, 0) + 1
    n_report = len(table(ours, c.ANNUAL_REPORT))
    assert per_sheet.get("Budget") == len(c.OUTPUT_NAMES), per_sheet
    assert per_sheet.get("Annual report") == n_report > 0, per_sheet
    assert per_sheet.get("Changes", 0) == 2 * len(table(ours, c.CHANGES))  # Change and Change % per partner
    cached = openpyxl.load_workbook(ours, data_only=True)
    recalc = openpyxl.load_workbook(theirs, data_only=True)
    mismatches, blanks = [], 0
    for (sheet, cell), text in formulas.items():
        a, b = cached[sheet][cell].value, recalc[sheet][cell].value
        if a is None and sheet != "Changes":
            blanks += 1  # a formula cell without a cached number: downstream readers would see None
        if not same(a, b):
            mismatches.append(f"{sheet}!{cell} {text[:80]}: cached {a!r}, LibreOffice {b!r}")
    record_property("formula_cells_compared", len(formulas))
    print(f"{label}: compared {len(formulas)} formula cells {per_sheet}")
    assert formulas, "no formula cells compared"
    assert not mismatches, f"{len(mismatches)} of {len(formulas)} differ:\n" + "\n".join(mismatches)
    assert blanks == 0


@pytest.mark.parametrize(
    "label", ["officer", "officer-council", "demo-2024-25-council", "demo-2025-26", "fixed-changes-council"]
)
def test_recalculated_report_reconciles_to_the_penny(
    recalculated: dict[str, tuple[Path, Path]], filled: Filled, label: str
) -> None:
    _ours, theirs = recalculated[label]
    names = names_openpyxl(theirs)
    lines = report(theirs)
    council = filled.council[label]
    assert_reconciles(lines, names, council=council)
    t = filled.results[label].totals  # and LibreOffice agrees with Python
    assert penny(report_line(lines, "TOTAL INCOME"), (-1 if council else 1) * t.total_income)
    assert penny(report_line(lines, "TOTAL"), t.total_expenditure)
    assert penny(report_line(lines, "Reserves balance"), t.reserves_carried_forward)


def test_recalculated_changes_show_n_a_and_blank(recalculated: dict[str, tuple[Path, Path]]) -> None:
    _ours, theirs = recalculated["fixed-changes-council"]
    rows = {r["Partner"]: r for r in table(theirs, c.CHANGES)}
    assert rows["Fellside Council"]["Change %"] == "n/a"
    assert rows["Fellside Academy Trust"]["Change"] in ("", None)


def test_formula_like_partner_name_stays_text(recalculated: dict[str, tuple[Path, Path]]) -> None:
    name = '=HYPERLINK("http://example.invalid","Youth Club")'
    for path in recalculated["fixed-changes-council"]:  # ours, and after LibreOffice
        wb = openpyxl.load_workbook(path)
        found = [
            (ws.title, cell.data_type)
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for cell in row
            if cell.value == name
        ]
        assert sorted(found) == [("Annual report", "s"), ("Changes", "s"), ("Contributions", "s")], (path, found)


# -- the command line ----------------------------------------------------------------------------------


def test_cli_fill_workbook(tmp_path: Path) -> None:
    src = officer(tmp_path / "officer.xlsx")
    before = sha256(src)
    proc = run("budget", "fill", src, "--out", tmp_path / "filled.xlsx", "--council-convention")
    assert proc.returncode == 0, proc.stderr
    assert "276,091.50" in proc.stdout and "34,437.18" in proc.stdout
    assert "boardbook: warning: a deficit of £17,908.49 is drawn down from reserves" in proc.stderr
    assert sha256(src) == before
    assert report_line(report(tmp_path / "filled.xlsx"), "TOTAL INCOME") == pytest.approx(-276_091.50)


def test_cli_fill_warns_when_reserves_would_go_negative(tmp_path: Path) -> None:
    previous, current = write_toml_pair(tmp_path)
    proc = run("budget", "fill", current, "--out", tmp_path / "filled.xlsx", "--previous", previous)
    assert proc.returncode == 0, proc.stderr
    assert "boardbook: warning: reserves would go negative: -£399.50 carried forward" in proc.stderr
    assert "error" not in proc.stderr
    assert {r["Partner"]: r["Change %"] for r in table(tmp_path / "filled.xlsx", c.CHANGES)}[
        "Fellside Council"
    ] == "n/a"


def test_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    src = officer(tmp_path / "officer.xlsx")
    before = sha256(src)
    with pytest.raises(UsageError, match="also an input"):
        fill_budget_file(src, src)
    with pytest.raises(UsageError, match="also an input"):
        fill_budget_file(src, tmp_path / "." / "sub" / ".." / "officer.xlsx")  # another spelling of the same file
    previous, current = write_toml_pair(tmp_path / "toml")
    prev_xlsx = tmp_path / "prev.xlsx"
    fill_budget_file(previous, prev_xlsx)
    prev_sha = sha256(prev_xlsx)
    with pytest.raises(UsageError, match="also an input"):
        fill_budget_file(current, prev_xlsx, previous=prev_xlsx)
    assert sha256(prev_xlsx) == prev_sha
    proc = run("budget", "fill", src, "--out", src)
    assert proc.returncode == 2 and "boardbook: error:" in proc.stderr and "also an input" in proc.stderr
    assert sha256(src) == before


# -- next year's proposal --------------------------------------------------------------------------

SHARES_CSV = """Partner,Sector,Share,This year
"=HYPERLINK(""http://example.invalid"")",Other,1/3,"£33,334"
Northmoor ICB,Health,33.3333333333333%,"33,333"
Moorlands Police,Police,0.333333333333333,£0
"""


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_propose_from_csv_of_shares(tmp_path: Path) -> None:
    shares = tmp_path / "shares.csv"
    shares.write_text(SHARES_CSV, encoding="utf-8")
    before = sha256(shares)
    proc = run(
        "budget",
        "propose",
        "--requirement",
        "£100,001",
        "--shares",
        shares,
        "--out",
        tmp_path / "proposal.csv",
        "--year",
        "2026/27",
    )
    assert proc.returncode == 0, proc.stderr
    rows = read_csv(tmp_path / "proposal.csv")
    assert list(rows[0]) == list(c.PROPOSAL_HEADERS)
    assert [r["Next year"] for r in rows] == ["33334", "33334", "33333"]  # £100,001: the two extra pounds in order
    assert sum(int(r["Next year"]) for r in rows) == 100_001
    formula = rows[0]["Partner"]
    assert formula == "'" + '=HYPERLINK("http://example.invalid")', "a partner name must never become a formula"
    assert rows[1]["This year"] == "33333.00" and D(rows[1]["Change"]) == 1
    assert rows[2]["Change %"] == "n/a"  # from £0
    assert D(rows[0]["Change"]) == 0
    assert sha256(shares) == before
    proc = run("budget", "propose", "--requirement", "100001", "--shares", shares, "--out", tmp_path / "p.xlsx")
    assert proc.returncode == 0, proc.stderr
    proposal = table(tmp_path / "p.xlsx", c.PROPOSAL)
    assert [p["Next year"] for p in proposal] == [33_334, 33_334, 33_333]
    assert proposal[0]["Partner"] == '=HYPERLINK("http://example.invalid")'  # text, not a formula
    ws = openpyxl.load_workbook(tmp_path / "p.xlsx")["Proposal"]
    assert ws["A2"].data_type == "s" and "£" in ws["F2"].number_format


@pytest.mark.parametrize("source", ["toml", "workbook"])
def test_propose_from_this_years_budget(filled: Filled, tmp_path: Path, source: str) -> None:
    shares = DEMO_2025 if source == "toml" else filled.outputs["demo-2025-26"]
    partners = partners_from_file(shares)
    proposals = propose(D(400_000), partners)
    this_year = filled.results["demo-2025-26"]
    assert [p.partner for p in proposals] == [x.partner for x in this_year.input.contributions]
    share_based = [p for p in proposals if p.basis == c.SHARE]
    fixed = [p for p in proposals if p.basis == c.FIXED]
    assert len(share_based) == 3 and sum(p.next_year for p in share_based) == 400_000
    assert [p.next_year for p in share_based] == [D(160_000), D(133_332), D(106_668)]
    assert [p.this_year for p in proposals] == this_year.amounts
    assert all(p.next_year == p.this_year and p.change == 0 for p in fixed)
    for p in share_based:
        assert p.change == p.next_year - p.this_year
        assert p.change_pct == pytest.approx(float(p.change / p.this_year))
        assert abs(Fraction(p.next_year) - 400_000 * p.share) < 1
    out = write_proposal(proposals, tmp_path / f"proposal-{source}.xlsx", "2026/27")
    rows = table(out, c.PROPOSAL)
    assert [r["Next year"] for r in rows] == [float(p.next_year) for p in proposals]
    assert sum(r["Next year"] for r in rows if r["Basis"] == c.SHARE) == 400_000


def test_propose_keeps_thirds_reconciled(tmp_path: Path) -> None:
    partners = partners_from_file(_write(tmp_path / "thirds.csv", "Partner,Share\nA,1/3\nB,1/3\nC,1/3\n"))
    assert [p.share for p in partners] == [Fraction(1, 3)] * 3
    assert [p.next_year for p in propose(D(100), partners)] == [D(34), D(33), D(33)]


def test_propose_refuses_to_overwrite_its_input(filled: Filled, tmp_path: Path) -> None:
    budget = tmp_path / "budget.xlsx"
    shutil.copy(filled.outputs["officer"], budget)
    before = sha256(budget)
    proc = run("budget", "propose", "--requirement", "260000", "--shares", budget, "--out", budget)
    assert sha256(budget) == before, "the budget workbook was overwritten by the proposal"
    assert proc.returncode == 2 and "boardbook: error:" in proc.stderr


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
