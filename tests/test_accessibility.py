"""DESIGN.md's accessibility rules, checked on the workbooks people actually get.

The templates as committed (built by ``build_all``) and collated summaries (a first collation and a
re-collation into the same file) are read back from disk: colours from the package's own styles and
theme, chart alt text from the drawing parts, tables, sheet names and merged cells from the sheets.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries
from python_calamine import CalamineWorkbook

from boardbook.config import Agency, Config, load_config
from boardbook.section11 import contract as c
from boardbook.section11.pipeline import collate
from boardbook.templates import build_all
from boardbook.templates.styles import contrast_ratio
from tests.helpers import (
    GOOD_EVIDENCE,
    WHITE,
    cell_pairs,
    chart_frames,
    conditional_pairs,
    failing,
    forms_export,
    make_return,
    tinted,
)

AGENCIES = [
    Agency("Moorlands Police", "Police"),
    Agency("Northmoor ICB", "Health"),
    Agency("Fellside Council", "District council"),
    Agency("Dale Academy Trust", "Education"),
]


# -- the workbooks ------------------------------------------------------------------------------------
@dataclass
class Workbooks:
    config: Config
    paths: dict[str, Path]  # what -> file
    expected_matrix: dict[str, dict[str, str]]  # agency -> ref -> label, of the re-collation


def _ratings(config: Config, shift: int) -> list[str]:
    labels = config.scale.labels
    return [labels[(i + shift) % len(labels)] for i in range(len(config.standards))]


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> Workbooks:
    config = load_config()
    tmp = tmp_path_factory.mktemp("a11y")
    templates = build_all(tmp / "templates", config)
    returns = tmp / "returns"
    returns.mkdir()
    ratings = {a.name: _ratings(config, k) for k, a in enumerate(AGENCIES)}  # every label, every colour
    for a in AGENCIES:
        make_return(
            returns,
            config,
            a.name,
            ratings=ratings[a.name],
            sector=a.sector,
            evidence=[GOOD_EVIDENCE] * len(config.standards),
        )
    first = collate([returns], tmp / "first" / "section11-summary.xlsx", config, agencies=AGENCIES)
    assert first.accepted == len(AGENCIES), [p.table_row() for p in first.problems]
    again = tmp / "again" / "section11-summary.xlsx"
    again.parent.mkdir()
    again.write_bytes(first.out.read_bytes())
    ratings[AGENCIES[0].name] = _ratings(config, 3)  # an agency changes its mind; collate into the same file
    make_return(returns, config, AGENCIES[0].name, ratings=ratings[AGENCIES[0].name], sector="Police")
    second = collate([returns], again, config, agencies=AGENCIES)
    assert second.accepted == len(AGENCIES), [p.table_row() for p in second.problems]
    by_name = {p.name: p for p in templates}
    from boardbook.budget.pipeline import fill_budget_file

    budget = tmp / "budget.xlsx"
    fill_budget_file(
        ROOT / "python/boardbook/data/demo-budget-2025-26.toml",
        budget,
        previous=ROOT / "python/boardbook/data/demo-budget-2024-25.toml",
    )
    from boardbook.section11.pipeline import write_feedback

    feedback = write_feedback(second.out, tmp / "feedback", config)[0]
    from boardbook.training.pipeline import fill_training_file

    training = fill_training_file([forms_export(tmp / "forms.csv")], tmp / "training.xlsx", config).out
    assert training is not None
    from boardbook.learning.pipeline import fill_tracker_file

    tracker = tmp / "learning-improvement.xlsx"
    fill_tracker_file(ROOT / "python/boardbook/data/demo-recommendations.csv", tracker, as_at=date(2026, 3, 31))
    from boardbook.concerns.pipeline import fill_concerns_file

    concerns = tmp / "concerns-matrix.xlsx"
    fill_concerns_file(ROOT / "python/boardbook/data/demo-concerns.csv", concerns)
    from boardbook.performance.demo import run_performance_demo
    from boardbook.report.pipeline import build_report

    report = build_report(
        tmp / "report",
        budget=budget,
        performance=run_performance_demo(tmp / "performance"),
        s11=second.out,
        learning=tracker,
        training=training,
        concerns=concerns,
    ).data
    return Workbooks(
        config,
        {
            "agency feedback": feedback,
            "budget template": by_name["budget.xlsx"],
            "filled budget": budget,
            "training template": by_name["training-evaluation.xlsx"],
            "filled training": training,
            "return template": by_name["section11-return.xlsx"],
            "summary template": by_name["section11-summary.xlsx"],
            "collated summary": first.out,
            "re-collated summary": second.out,
            "tracker template": by_name["learning-improvement.xlsx"],
            "filled tracker": tracker,
            "concerns template": by_name["concerns-matrix.xlsx"],
            "filled concerns": concerns,
            "annual report data": report,
        },
        {agency: dict(zip(config.refs, labels, strict=True)) for agency, labels in ratings.items()},
    )


ALL = [
    "return template",
    "summary template",
    "collated summary",
    "re-collated summary",
    "budget template",
    "filled budget",
    "agency feedback",
    "training template",
    "filled training",
    "tracker template",
    "filled tracker",
    "concerns template",
    "filled concerns",
    "annual report data",
]
# no table rows with text yet
EMPTY_TEMPLATES = ("summary template", "budget template", "training template", "tracker template", "concerns template")
FILLED = ["collated summary", "re-collated summary"]


# -- contrast_ratio itself --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("000000", "FFFFFF", 21.0),
        ("FFFFFF", "000000", 21.0),
        ("777777", "FFFFFF", 4.478),  # the classic near-miss grey
        ("767676", "FFFFFF", 4.542),  # the lightest grey that passes AA on white
        ("FF0000", "FFFFFF", 3.998),
        ("0000FF", "FFFFFF", 8.592),
        ("00FF00", "000000", 15.304),
        ("808080", "808080", 1.0),
        ("FF777777", "FFFFFFFF", 4.478),  # ARGB, as openpyxl stores colours
    ],
)
def test_contrast_ratio_matches_wcag(a: str, b: str, expected: float) -> None:
    assert contrast_ratio(a, b) == pytest.approx(expected, abs=0.001)


def test_colour_resolution_of_this_test() -> None:
    """The helpers above: Excel's tint and theme order, checked on known values."""
    assert tinted("4F81BD", 0.7999816888943144) == "DCE6F2"  # Excel shows DCE6F1 (it rounds in HLS 0-240)
    assert tinted("4F81BD", -0.249977111117893) == "376092"
    assert tinted("ABCDEF", 0) == "ABCDEF"


# -- contrast in the workbooks ---------------------------------------------------------------------------
@pytest.mark.parametrize("what", ALL)
def test_conditional_format_colours_have_contrast(workbooks: Workbooks, what: str) -> None:
    pairs = conditional_pairs(workbooks.paths[what])
    if what in FILLED:
        labels = workbooks.config.scale.labels
        assert len(pairs) >= len(labels), f"{what}: expected rating highlights, found {len(pairs)} rules"
        rules = [(p.where, p.fill) for p in pairs]
        assert len(rules) == len(set(rules)), f"{what}: duplicated rules (re-fills must replace, not add)"
    assert not failing(pairs), f"{what}: " + "\n".join(failing(pairs))


@pytest.mark.parametrize("what", ALL)
def test_direct_fills_and_coloured_text_have_contrast(workbooks: Workbooks, what: str) -> None:
    pairs = [p for p in cell_pairs(workbooks.paths[what]) if p.kind != "header"]
    assert any(p.kind == "direct" for p in pairs), f"{what}: no cell has a direct fill (the label/value rows do)"
    if what not in EMPTY_TEMPLATES:
        assert any(p.kind == "text" and p.fill != WHITE for p in pairs), f"{what}: no text on table row stripes"
    assert not failing(pairs), f"{what}:\n" + "\n".join(failing(pairs)[:25])


@pytest.mark.parametrize("what", ALL)
def test_table_header_text_has_contrast_on_the_table_style_fill(workbooks: Workbooks, what: str) -> None:
    """Header rows are drawn by the table style from the package's own theme (xl/theme/theme1.xml)."""
    pairs = [p for p in cell_pairs(workbooks.paths[what]) if p.kind == "header"]
    assert pairs, f"{what}: no table headers found"
    bad = failing(pairs)
    assert not bad, f"{what}: {len(bad)} header cells fail, e.g.\n" + "\n".join(bad[:5])


# -- charts ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("what", FILLED)
def test_every_chart_has_alt_text(workbooks: Workbooks, what: str) -> None:
    frames = chart_frames(workbooks.paths[what])
    assert frames, f"{what}: no chart found"
    assert len(frames) == 1, f"{what}: expected the one ratings chart, found {frames}"
    missing = [(part, name) for part, name, descr in frames if not descr.strip()]
    assert not missing, f"{what}: charts without alt text (cNvPr descr): {missing}"
    descr = frames[0][2]
    assert f"{len(AGENCIES)} agencies" in descr and f"{len(workbooks.config.standards)} standards" in descr, descr


# -- structure: tables, merged cells, sheet names ---------------------------------------------------------
@pytest.mark.parametrize("what", ALL)
def test_no_merged_cells(workbooks: Workbooks, what: str) -> None:
    wb = openpyxl.load_workbook(workbooks.paths[what])
    merged = {ws.title: [str(r) for r in ws.merged_cells.ranges] for ws in wb.worksheets if ws.merged_cells.ranges}
    assert not merged, f"{what}: merged cells {merged}"
    with zipfile.ZipFile(workbooks.paths[what]) as zf:
        raw = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and b"<mergeCell" in zf.read(n)]
    assert not raw, f"{what}: mergeCells in {raw}"


@pytest.mark.parametrize("what", ALL)
def test_tables_have_header_rows_of_text(workbooks: Workbooks, what: str) -> None:
    wb = openpyxl.load_workbook(workbooks.paths[what])
    tables = [(ws, t) for ws in wb.worksheets for t in ws.tables.values()]
    assert tables, f"{what}: no Excel tables"
    for ws, t in tables:
        assert t.headerRowCount != 0, f"{what}: table {t.name} has no header row"
        c1, r1, c2, _r2 = range_boundaries(t.ref)
        header = [ws.cell(r1, col).value for col in range(c1, c2 + 1)]
        blank = [i for i, h in enumerate(header) if not isinstance(h, str) or not h.strip()]
        assert not blank, f"{what}: table {t.name} header {header} has blank/non-text cells"
        assert [col.name for col in t.tableColumns] == header, (
            f"{what}: table {t.name} column names differ from its header cells"
        )


@pytest.mark.parametrize("what", ALL)
def test_sheet_names_are_meaningful(workbooks: Workbooks, what: str) -> None:
    names = openpyxl.load_workbook(workbooks.paths[what], read_only=True).sheetnames
    default = re.compile(r"(sheet|feuil|tabelle|hoja|blad)\s*\d*|chart\s*\d+", re.I)  # Excel's, in a few languages
    bad = [n for n in names if not n.strip() or default.fullmatch(n.strip())]
    assert not bad, f"{what}: default-looking sheet names {bad} in {names}"
    assert len(names) > 1


# -- colour is never the only signal -------------------------------------------------------------------
@pytest.mark.parametrize("what", FILLED)
def test_matrix_holds_the_label_text_for_every_agency_and_standard(workbooks: Workbooks, what: str) -> None:
    config = workbooks.config
    table = CalamineWorkbook.from_path(workbooks.paths[what], load_tables=True).get_table_by_name(c.MATRIX)
    assert table.columns == c.matrix_headers(config.refs)
    rows = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.to_python()}
    expected = workbooks.expected_matrix if what == "re-collated summary" else None
    assert sorted(rows) == sorted(a.name for a in AGENCIES), f"{what}: Matrix agencies {sorted(rows)}"
    labels = set(config.scale.labels)
    for agency, row in rows.items():
        for ref in config.refs:
            value = row[ref]
            assert isinstance(value, str) and value in labels, f"{what}: Matrix {agency} × {ref} = {value!r}"
            if expected is not None:
                assert value == expected[agency][ref], f"{what}: Matrix {agency} × {ref}"
    seen = {row[ref] for row in rows.values() for ref in config.refs}
    assert seen == labels, f"{what}: the fixture should show every label, saw {seen}"


@pytest.mark.parametrize("what", FILLED)
def test_matrix_colours_are_keyed_to_the_label_text(workbooks: Workbooks, what: str) -> None:
    """Each highlight rule on the Matrix matches a label's text, so colour only repeats what the cell says."""
    pairs = [p for p in conditional_pairs(workbooks.paths[what]) if p.sheet == c.MATRIX]
    keyed = {p.rule.strip('"') for p in pairs}
    labels = workbooks.config.scale.labels
    moderated = {label + c.MODERATED_SUFFIX for label in labels}  # a moderated label keeps its label's colour
    assert keyed == {*labels, *moderated}, f"{what}: Matrix rules keyed on {keyed}"
    colour = {p.rule.strip('"'): (p.fill, p.text) for p in pairs}
    assert all(colour[label] == colour[label + c.MODERATED_SUFFIX] for label in labels), colour
