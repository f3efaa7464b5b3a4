"""Filled summaries carry the values a real spreadsheet engine computes (DESIGN.md, "Filled workbooks").

LibreOffice recalculates every formula of real summaries (the demo's 2024 and 2026 rounds, moderated, and a
summary on a percent scale with formula-like evidence and all-"N/A" rows); each cached value boardbook wrote
must equal LibreOffice's result. A workbook with a deliberately wrong cached value goes through the same
soffice run, proving that run really recalculated. LibreOffice runs twice in the whole module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import Table
from python_calamine import CalamineWorkbook

from boardbook.book.base import Formula
from boardbook.book.openpyxl_book import OpenpyxlBook
from boardbook.config import parse_config
from boardbook.demo import DemoResult
from boardbook.section11 import contract as c
from boardbook.section11.pipeline import collate
from tests.helpers import NEVER, make_return, recalculate, recalculate_many, require_soffice

# Text that a spreadsheet would evaluate if it were written as a formula: each must stay text.
FORMULA_LIKE = {
    "Alpha Trust": ["=1+1", "+1+1", ""],
    "Beta Council": ["-1+3", "@SUM(1,1)", ""],
    "Gamma College": ['=HYPERLINK("http://example.invalid","minutes")', "=SUM(2,3) as in the minutes", ""],
}
RATINGS = {
    "Alpha Trust": ["100%", "75%", "N/A"],
    "Beta Council": ["50%", "0%", "N/A"],
    "Gamma College": ["N/A", "N/A", "N/A"],  # nothing rated: Met % is blank ("")
}
DEMO_FORMULA_TEXT = "=Policy signed off by the board, see minutes 12/02/2026"  # boardbook.demo, "formula-text"

PERCENT_CONFIG = """
[partnership]
name = "Edgecase Safeguarding Children Partnership"

[scale]
kind = "percent"
step = 25
met_from = 75
not_applicable = "N/A"

[[standards]]
ref = "T1"
title = "Clear line of accountability"

[[standards]]
ref = "T2"
title = "Safer recruitment"

[[standards]]
ref = "T3"
title = "Nobody rates this one"  # all N/A: Met % and Mean score are blank ("")
"""


def wrong_cache_workbook(path: Path) -> Path:
    """A workbook whose formula =1+1 carries the deliberately wrong cached value 5."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"], ws["B1"] = "Label", "Value"
    ws.add_table(Table(displayName="Check", ref="A1:B2"))
    book = OpenpyxlBook(wb)
    book.write_table("Check", [["two", Formula("=1+1", 5)]])
    return book.save(path)


def edge_summary(folder: Path) -> Path:
    config = parse_config(PERCENT_CONFIG, "test percent scale")
    returns = folder / "returns"
    returns.mkdir(parents=True)
    for agency, evidence in FORMULA_LIKE.items():
        make_return(returns, config, agency, ratings=RATINGS[agency], evidence=evidence, sector="Health")
    result = collate([returns], folder / "section11-summary-edge.xlsx", config)
    assert result.accepted == len(FORMULA_LIKE), [p.table_row() for p in result.problems]
    return result.out


@dataclass
class Summaries:
    """The files boardbook wrote, read by the downstream-reader tests (no LibreOffice needed)."""

    folder: Path
    summaries: dict[str, Path]  # label -> summary
    wrong_cache: Path


@dataclass
class Recalculated:
    summaries: dict[str, tuple[Path, Path]]  # label -> (ours, LibreOffice-recalculated)
    wrong_cache: tuple[Path, Path]


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory, demo_run: DemoResult) -> Summaries:
    tmp = tmp_path_factory.mktemp("recalc")
    demo = demo_run
    return Summaries(
        tmp,
        {
            "demo 2024": demo.folder / "section11-summary-2024.xlsx",
            "demo 2026": demo.folder / "section11-summary.xlsx",
            "edge cases": edge_summary(tmp / "edge"),
        },
        wrong_cache_workbook(tmp / "wrong-cache.xlsx"),
    )


@pytest.fixture(scope="module")
def recalculated(summaries: Summaries) -> Recalculated:
    require_soffice()
    ours = summaries.summaries
    # One soffice run for all, the wrong-cache workbook included: it proves this very run recalculated.
    outputs = recalculate_many([*ours.values(), summaries.wrong_cache], summaries.folder / "libreoffice")
    return Recalculated(
        summaries={label: (src, out) for (label, src), out in zip(ours.items(), outputs[:-1], strict=True)},
        wrong_cache=(summaries.wrong_cache, outputs[-1]),
    )


# -- the harness itself ------------------------------------------------------------------------------
def test_harness_recalculates_a_wrong_cached_value(recalculated: Recalculated) -> None:
    ours, theirs = recalculated.wrong_cache
    assert openpyxl.load_workbook(ours)["Data"]["B2"].value == "=1+1"
    assert openpyxl.load_workbook(ours, data_only=True)["Data"]["B2"].value == 5, (
        "precondition: the Book port stores the given cached value"
    )
    assert openpyxl.load_workbook(theirs, data_only=True)["Data"]["B2"].value == 2, (
        "LibreOffice kept the cached value: OOXMLRecalcMode=0 did not take effect"
    )


def test_harness_control_without_recalculation_keeps_the_cached_value(
    recalculated: Recalculated, tmp_path: Path
) -> None:
    """Without the profile setting LibreOffice trusts cached values, so the setting is what matters."""
    ours, _ = recalculated.wrong_cache
    out = recalculate(ours, tmp_path / "never", recalc_mode=NEVER)
    assert openpyxl.load_workbook(out, data_only=True)["Data"]["B2"].value == 5


# -- cached values equal a real engine's ---------------------------------------------------------------
def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _same(ours: object, theirs: object) -> bool:
    if _is_number(ours) and _is_number(theirs):
        return abs(float(ours) - float(theirs)) <= 1e-9  # type: ignore[arg-type]
    if ours in (None, "") and theirs in (None, ""):
        return True
    return type(ours) is type(theirs) and ours == theirs


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    """(sheet, cell) -> formula text, for every formula cell (text starting "=" is not a formula)."""
    wb = openpyxl.load_workbook(path)
    return {
        (ws.title, cell.coordinate): cell.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f" and isinstance(cell.value, str) and cell.value.startswith("=")
    }


@pytest.mark.parametrize("label", ["demo 2024", "demo 2026", "edge cases"])
def test_every_cached_value_equals_libreoffice_recalculation(
    recalculated: Recalculated, label: str, record_property: pytest.RecordProperty
) -> None:
    ours, theirs = recalculated.summaries[label]
    formulas = formula_cells(ours)
    cached = openpyxl.load_workbook(ours, data_only=True)
    recalc = openpyxl.load_workbook(theirs, data_only=True)

    per_sheet: dict[str, int] = {}
    for sheet, _cell in formulas:
        per_sheet[sheet] = per_sheet.get(sheet, 0) + 1
    tables = CalamineWorkbook.from_path(ours, load_tables=True)
    matrix, standards = tables.get_table_by_name(c.MATRIX), tables.get_table_by_name(c.STANDARDS)
    # Matrix: one Met % per agency; Standards: every column after Ref and Standard, on every row.
    expected = {c.MATRIX: len(matrix.to_python()), c.STANDARDS: len(standards.to_python()) * (standards.width - 2)}
    assert all(n > 0 for n in expected.values()), expected
    assert {s: per_sheet.get(s, 0) for s in expected} == expected, f"formula cells per sheet: {per_sheet}"

    mismatches = []
    for (sheet, cell), text in formulas.items():
        a, b = cached[sheet][cell].value, recalc[sheet][cell].value
        if not _same(a, b):
            mismatches.append(f"{sheet}!{cell} {text[:90]}: cached {a!r}, LibreOffice {b!r}")
    if label == "demo 2026":  # moderators typed in every round of the demo: the moderation formulas have work
        over = [r[-1] for r in tables.get_table_by_name(c.MODERATION).to_python() if isinstance(r[-1], float)]
        assert per_sheet.get(c.MODERATION) and over and max(over) > 0, per_sheet
    record_property("formula_cells_compared", len(formulas))
    print(f"{label}: compared {len(formulas)} formula cells {per_sheet}")
    assert not mismatches, f"{len(mismatches)} of {len(formulas)} differ:\n" + "\n".join(mismatches[:25])


def test_blank_results_are_compared_too(recalculated: Recalculated) -> None:
    """The edge summary has Met % and Mean score formulas whose result is "" (nothing rated)."""
    ours, theirs = recalculated.summaries["edge cases"]
    cached = openpyxl.load_workbook(ours, data_only=True)
    recalc = openpyxl.load_workbook(theirs, data_only=True)
    blanks = [(s, cell) for (s, cell) in formula_cells(ours) if cached[s][cell].value in (None, "")]
    # Moderation: nothing moderated (Over-optimism), and an agency with nothing rated (its met percentages).
    assert {s for s, _ in blanks} == {c.MATRIX, c.STANDARDS, c.MODERATION, c.MODERATION_BY_STANDARD}, blanks
    assert all(recalc[s][cell].value in (None, "") for s, cell in blanks)


# -- what downstream readers see -------------------------------------------------------------------
def _formula_columns(config_labels: list[str]) -> list[str]:
    return [*config_labels, "Rated", "Met", "Met %", "Mean score"]


def test_calamine_sees_numbers_in_formula_columns(summaries: Summaries) -> None:
    wb = CalamineWorkbook.from_path(summaries.summaries["demo 2026"], load_tables=True)
    checked = 0
    for name, first_formula_col in ((c.STANDARDS, 2), (c.MATRIX, -1)):
        table = wb.get_table_by_name(name)
        headers, rows = table.columns, table.to_python()
        assert rows, f"table {name} is empty"
        cols = list(range(first_formula_col, len(headers))) if first_formula_col >= 0 else [len(headers) - 1]
        for i, row in enumerate(rows):
            for j in cols:
                v = row[j]
                assert _is_number(v), f"calamine reads {name}[{headers[j]}] row {i + 1} as {v!r}"
                checked += 1
    assert checked > 0


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_pandas_sees_numbers_in_formula_columns(summaries: Summaries, engine: str) -> None:
    pd = pytest.importorskip("pandas", reason="pandas not installed (optional downstream reader)")
    ours = summaries.summaries["demo 2026"]
    std = pd.read_excel(ours, sheet_name=c.STANDARDS, engine=engine)
    matrix = pd.read_excel(ours, sheet_name=c.MATRIX, engine=engine)
    labels = [h for h in std.columns[2:] if h not in ("Rated", "Met", "Met %", "Mean score")]
    assert len(std) > 0 and len(matrix) > 0 and labels
    for frame, columns in ((std, _formula_columns(labels)), (matrix, ["Met %"])):
        for col in columns:
            assert pd.api.types.is_numeric_dtype(frame[col]), f"pandas reads {col} as {frame[col].dtype}"
            assert not frame[col].isna().any(), f"pandas reads blanks in {col}: {frame[col].tolist()}"


# -- text that looks like a formula stays text -------------------------------------------------------
def _text_cells(path: Path, text: str) -> list[tuple[str, str, str]]:
    """(sheet, cell, data_type) of every cell whose value is exactly ``text``."""
    wb = openpyxl.load_workbook(path)
    return [
        (ws.title, cell.coordinate, cell.data_type)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value == text
    ]


@pytest.mark.parametrize("text", [t for ev in FORMULA_LIKE.values() for t in ev if t])
def test_formula_like_evidence_stays_text_after_recalculation(recalculated: Recalculated, text: str) -> None:
    ours, theirs = recalculated.summaries["edge cases"]
    _text_safe(ours, theirs, text)


def test_demo_formula_like_evidence_stays_text_after_recalculation(recalculated: Recalculated) -> None:
    ours, theirs = recalculated.summaries["demo 2026"]
    _text_safe(ours, theirs, DEMO_FORMULA_TEXT)


def _text_safe(ours: Path, theirs: Path, text: str) -> None:
    returns = CalamineWorkbook.from_path(ours, load_tables=True).get_table_by_name(c.RETURNS)
    evidence = returns.columns.index("Evidence")
    assert text in [row[evidence] for row in returns.to_python()], f"{text!r} not in the Returns table"
    found = _text_cells(ours, text)
    assert found and all(dt == "s" for _s, _c, dt in found), f"written as {found}"
    recalc = openpyxl.load_workbook(theirs)
    recalc_values = openpyxl.load_workbook(theirs, data_only=True)
    for sheet, cell, _dt in found:
        after = recalc[sheet][cell]
        assert after.data_type == "s" and after.value == text, (
            f"{sheet}!{cell} after LibreOffice: {after.value!r} ({after.data_type})"
        )
        assert recalc_values[sheet][cell].value == text
