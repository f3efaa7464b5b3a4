"""Filled performance workbooks, read back from disk as people and programs will read them.

The demo's two workbooks and an edge-case workbook (formula-like text, prevalence by plans with set
thresholds, a suppressed value) are written once per module. LibreOffice recalculates all of them in one
headless run, with a workbook carrying a deliberately wrong cached value to prove the run recalculated;
every formula cell's cached value must equal LibreOffice's. openpyxl and python-calamine read the tables;
the accessibility checks of ``test_accessibility`` run on the files.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree as SafeET
from python_calamine import CalamineWorkbook

from boardbook.book.base import Formula
from boardbook.book.openpyxl_book import OpenpyxlBook
from boardbook.config import load_config
from boardbook.errors import UsageError
from boardbook.performance import contract as c
from boardbook.performance import rules
from boardbook.performance.demo import INPUTS, run_performance_demo, write_demo_inputs
from boardbook.performance.model import InputError
from boardbook.performance.pipeline import fill_workbook
from boardbook.problems import PROBLEMS, PROBLEMS_HEADERS
from boardbook.recorded import CONFIG_HEADERS, CONFIG_SHEET, CONFIG_TABLE
from boardbook.templates.performance import (
    LENS_HIGHLIGHTS,
    POINT_COLOURS,
    QUADRANT_HIGHLIGHTS,
    RAG_HIGHLIGHTS,
    TREND_HIGHLIGHTS,
)
from boardbook.templates.styles import contrast_ratio
from tests.helpers import (
    AA,
    cell_pairs,
    chart_frames,
    conditional_pairs,
    failing,
    hashes,
    recalculate_many,
    require_soffice,
    sha256,
)

FORMULA_LIKE = [
    "=SUM(1,1) children seen",
    "+44 7700 900123 is the out-of-hours line",
    "-18 % missing episodes",
    "@risk register reviewed",
    '=HYPERLINK("http://example.invalid","minutes")',
]


def edge_inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    priority = f'"{FORMULA_LIKE[0]}"'  # quoted: it holds a comma
    files = {
        "indicators.csv": "Priority,Indicator,Period,Numerator,Denominator,Per,Value,Previous,Target,Polarity,"
        "Tolerance,Source,Note\n"
        f"{priority},=1+1,2024/25,0,58410,,,0,0,lower,0,=cmd|' /C calc'!A0,\n"
        f"{priority},Missing episodes per 10000,2024/25,1044,58410,,,,180,lower,15,,\n"
        f"{priority},Suppressed count,2024/25,,,,c,,10,lower,,DfE,\n"
        f"{priority},Return interviews,2024/25,187,262,100,,,80,higher,10,,\n"
        "Nothing but evidence,Audit score,2024/25,1,16,100,,,5,higher,,,\n",
        "evidence.csv": "Priority,Lens,Finding,RAG,Source,Date\n"
        + "".join(
            f'{priority},Qualitative data,"{t.replace(chr(34), chr(34) * 2)}",Red,=Audit,\n' for t in FORMULA_LIKE
        )
        + "Only evidence,Child and family views,A parent said nobody listened,,,\n",
        "risk.csv": "Factor,Assessments,Plans\n=Domestic abuse,1240,318\nNeglect,690,242\nGangs,72,9\n"
        # Self-harm has 24 plans and Learning disability 25 %: exactly at the thresholds
        "Young carer,96,6\nSelf-harm,351,24\nLearning disability (parent),100,25\n",
    }
    out = {}
    for name, text in files.items():
        out[name] = folder / name
        out[name].write_text(text, encoding="utf-8")
    return out


def wrong_cache_workbook(path: Path) -> Path:
    """A performance-style Value formula with a deliberately wrong cached value (99 instead of 24.4)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for j, h in enumerate(("Numerator", "Denominator", "Per", "Value"), start=1):
        ws.cell(1, j, h)
    ws.add_table(openpyxl.worksheet.table.Table(displayName="Check", ref="A1:D2"))
    book = OpenpyxlBook(wb)
    book.write_table("Check", [[41, 168, 100, Formula("=ROUND(A2/B2*C2,1)", 99)]])
    return book.save(path)


@dataclass
class Filled:
    folder: Path
    inputs: Path  # the demo's input folder
    before: dict[str, str]  # hashes of the demo inputs before the fills
    workbooks: dict[str, Path]  # label -> workbook
    edge_inputs: dict[str, Path]
    control: Path


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Filled:
    tmp = tmp_path_factory.mktemp("performance")
    demo = run_performance_demo(tmp / "demo")
    inputs = tmp / "demo" / "performance-inputs"
    before = hashes(inputs)
    # Fill the demo once more from its written inputs, exactly as the CLI would, and compare inputs after.
    again = fill_workbook(
        tmp / "again" / "quadrant-performance-again.xlsx",
        load_config(),
        indicators=[inputs / "indicators.csv"],
        evidence=inputs / "evidence.csv",
        risk_factors=inputs / "risk-factors.csv",
        previous=tmp / "demo" / "quadrant-performance-2023-24.xlsx",
        now=datetime(2025, 5, 19, 9, 0),
    )
    edge = edge_inputs(tmp / "edge-inputs")
    edge_out = fill_workbook(
        tmp / "edge" / "quadrant-performance-edge.xlsx",
        load_config(),
        indicators=[edge["indicators.csv"]],
        evidence=edge["evidence.csv"],
        risk_factors=edge["risk.csv"],
        prevalence_measure=c.PLANS,
        prevalence_threshold=24,
        impact_threshold=0.25,
    )
    return Filled(
        tmp,
        inputs,
        before,
        {
            "demo": demo,
            "demo 2023/24": tmp / "demo" / "quadrant-performance-2023-24.xlsx",
            "demo again": again.out,
            "edge": edge_out.out,
        },
        edge,
        wrong_cache_workbook(tmp / "wrong-cache.xlsx"),
    )


@pytest.fixture(scope="module")
def recalculated(filled: Filled) -> dict[str, tuple[Path, Path]]:
    require_soffice()
    labels = ["demo", "demo 2023/24", "edge"]
    outputs = recalculate_many([*(filled.workbooks[k] for k in labels), filled.control], filled.folder / "libreoffice")
    return {
        **{k: (filled.workbooks[k], o) for k, o in zip(labels, outputs, strict=False)},
        "control": (filled.control, outputs[-1]),
    }


def table(path: Path, name: str) -> list[dict[str, object]]:
    t = CalamineWorkbook.from_path(str(path), load_tables=True).get_table_by_name(name)
    return [dict(zip(t.columns, row, strict=True)) for row in t.to_python()]


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    return {
        (ws.title, cell.coordinate): cell.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= 1e-9
    return (a in (None, "") and b in (None, "")) or a == b


# -- the contract -----------------------------------------------------------------------------------------------
def test_tables_and_headers_are_the_contract(filled: Filled) -> None:
    wb = openpyxl.load_workbook(filled.workbooks["demo"])
    assert wb.sheetnames == [
        c.ABOUT,
        c.QUADRANT,
        c.INDICATORS,
        c.EVIDENCE,
        c.REFLECTIONS,
        c.RISK_SHEET,
        c.CHART_SHEET,
        PROBLEMS,
        CONFIG_SHEET,
    ]
    assert wb[CONFIG_SHEET].sheet_state == "hidden"
    tables = {t.name: (ws, t) for ws in wb.worksheets for t in ws.tables.values()}
    expected = {
        c.INDICATORS: c.INDICATORS_HEADERS,
        c.EVIDENCE: c.EVIDENCE_HEADERS,
        c.REFLECTIONS: c.REFLECTIONS_HEADERS,
        c.RISK_FACTORS: c.RISK_FACTORS_HEADERS,
        c.QUADRANT: c.QUADRANT_HEADERS,
        c.THRESHOLD_LINES: c.THRESHOLD_LINES_HEADERS,
        CONFIG_TABLE: CONFIG_HEADERS,
        PROBLEMS: PROBLEMS_HEADERS,
    }
    assert set(tables) == set(expected)
    for name, headers in expected.items():
        _ws, t = tables[name]
        assert [col.name for col in t.tableColumns] == list(headers), name
    assert tables[c.QUADRANT][0].title == "Quadrant"
    for name in c.NAMES:
        assert wb.defined_names[name].localSheetId is None
    assert CalamineWorkbook.from_path(str(filled.workbooks["demo"]), load_tables=True).get_table_by_name(
        c.INDICATORS
    ).columns == list(c.INDICATORS_HEADERS)


def test_demo_content(filled: Filled) -> None:
    """Three priorities, a dozen indicators, evidence for every lens of every priority, fifteen risk factors."""
    demo = filled.workbooks["demo"]
    indicators, evidence, risk = table(demo, c.INDICATORS), table(demo, c.EVIDENCE), table(demo, c.RISK_FACTORS)
    priorities = list(dict.fromkeys(r["Priority"] for r in indicators))
    assert priorities == ["Neglect", "Child exploitation", "Safeguarding in education"]
    assert len(indicators) == 12 and len(risk) == 15
    assert {(r["Priority"], r["Lens"]) for r in evidence} == {(p, lens) for p in priorities for lens in c.LENSES}
    assert {r["RAG"] for r in indicators} == {"Green", "Amber", "Red", ""}
    assert {r["Quadrant"] for r in risk} == set(c.QUADRANT_LABELS)
    panel = next(r for r in indicators if r["Indicator"] == "Referrals to the exploitation panel")
    assert (panel["Value"], panel["Previous"]) == (626, 422)  # +48.3 %, in the Quadrant text
    grid = table(demo, c.QUADRANT)
    assert any("626; changed from 422 (+48.3 %)" in str(r["Finding (left)"]) for r in grid)


def test_values_are_computed_as_live_formulas_with_cached_values(filled: Filled) -> None:
    path = filled.workbooks["demo"]
    wb = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    ws, values = wb[c.INDICATORS], cached[c.INDICATORS]
    headers = [cell.value for cell in ws[1]]
    col = {h: headers.index(h) + 1 for h in headers}
    checked = 0
    for r in range(2, ws.max_row + 1):
        n, d, per = (ws.cell(r, col[h]).value for h in ("Numerator", "Denominator", "Per"))
        value = ws.cell(r, col["Value"])
        if n is None:
            assert value.data_type == "n", f"a Value given as a number stays a number (row {r})"
            continue
        assert value.value == f"=ROUND(E{r}/F{r}*G{r},1)"
        assert values.cell(r, col["Value"]).value == rules.rate(n, d, per)
        checked += 1
    assert checked == 9
    assert ws["E2"].value == 41 and ws["F2"].value == 168 and cached[c.INDICATORS]["H2"].value == 24.4  # by hand


def test_risk_factor_formulas_and_formats(filled: Filled) -> None:
    ws = openpyxl.load_workbook(filled.workbooks["demo"])[c.RISK_SHEET]
    assert ws["D2"].value == '=IF(B2>0,C2/B2,"")' and ws["D2"].number_format == "0.0%"
    assert ws["E2"].value.startswith('=IF(D2="","",IF(B2>=PrevalenceThreshold,')
    edge = openpyxl.load_workbook(filled.workbooks["edge"])[c.RISK_SHEET]
    assert "IF(C2>=PrevalenceThreshold" in edge["E2"].value  # prevalence by plans: column C
    about = openpyxl.load_workbook(filled.workbooks["edge"], data_only=True)[c.ABOUT]
    values = {about.cell(r, 1).value: about.cell(r, 2).value for r in range(1, about.max_row + 1)}
    assert values["Prevalence threshold"] == 24 and values["Impact threshold"] == 0.25
    assert values["Prevalence measure"] == "children who went on to a plan"


def test_readers_see_numbers_in_formula_columns(filled: Filled) -> None:
    for label in ("demo", "edge"):
        computed = [r for r in table(filled.workbooks[label], c.INDICATORS) if r["Numerator"] != ""]
        assert computed and all(isinstance(r["Value"], float) for r in computed), label
        risk = table(filled.workbooks[label], c.RISK_FACTORS)
        assert all(isinstance(r["Conversion"], float) and r["Quadrant"] in c.QUADRANT_LABELS for r in risk)


def test_pandas_sees_numbers(filled: Filled) -> None:
    pd = pytest.importorskip("pandas", reason="pandas not installed (optional downstream reader)")
    frame = pd.read_excel(filled.workbooks["demo"], sheet_name=c.RISK_SHEET, engine="calamine")
    assert pd.api.types.is_numeric_dtype(frame["Conversion"]) and not frame["Conversion"].isna().any()


def test_previous_comes_from_the_previous_workbook(filled: Filled) -> None:
    rows = {r["Indicator"]: r for r in table(filled.workbooks["demo"], c.INDICATORS)}
    repeat = rows["Repeat child protection plans"]
    assert (repeat["Previous"], repeat["Trend"]) == (22.1, "Worsening")  # 38 ÷ 172 × 100 in 2023/24
    assert "Previous: 2023/24 from quadrant-performance-2023-24.xlsx" in repeat["Note"]
    assert rows["Referrals to the exploitation panel"]["Previous"] == 422  # the input's own value wins


def test_the_quadrant_grid(filled: Filled) -> None:
    grid = table(filled.workbooks["demo"], c.QUADRANT)
    lenses_allowed = {*c.LENSES, c.SUMMARY, ""}
    assert all(r["Lens (left)"] in lenses_allowed and r["Lens (right)"] in lenses_allowed for r in grid)
    for priority in ("Neglect", "Child exploitation", "Safeguarding in education"):
        rows = [r for r in grid if r["Priority"] == priority]
        assert rows[0]["Lens (left)"] == c.SUMMARY and "indicators" in str(rows[0]["Finding (left)"])
        pairs = [(r["Lens (left)"], r["Lens (right)"]) for r in rows[1:]]
        top, bottom = c.GRID
        assert pairs == sorted(pairs, key=lambda p: c.GRID.index(p)) and set(pairs) == {top, bottom}
        assert all(r["RAG (left)"] in ("", *c.RAG_LABELS) and r["RAG (right)"] in ("", *c.RAG_LABELS) for r in rows)
    edge = table(filled.workbooks["edge"], c.QUADRANT)
    only = [r for r in edge if r["Priority"] == "Only evidence"]
    assert only[1]["Finding (left)"] == "No findings recorded for this lens"
    assert "nothing yet from: quantitative data, qualitative data, practitioner views" in only[0]["Finding (left)"]


def test_inputs_are_never_modified(filled: Filled) -> None:
    assert hashes(filled.inputs) == filled.before
    bundled = resources.files("boardbook.data").joinpath("performance")
    for name in INPUTS:  # the demo's own fills left its inputs as bundled
        assert (filled.inputs / name).read_bytes() == bundled.joinpath(name).read_bytes(), name
    assert filled.edge_inputs["indicators.csv"].read_text().startswith("Priority,Indicator,Period")


def test_outputs_leave_no_temporary_files(filled: Filled) -> None:
    for path in filled.workbooks.values():
        assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


# -- recalculation by an independent engine ------------------------------------------------------------------
def test_harness_really_recalculates(recalculated: dict[str, tuple[Path, Path]]) -> None:
    ours, theirs = recalculated["control"]
    assert openpyxl.load_workbook(ours, data_only=True)["Data"]["D2"].value == 99
    assert openpyxl.load_workbook(theirs, data_only=True)["Data"]["D2"].value == 24.4


@pytest.mark.parametrize("label", ["demo", "demo 2023/24", "edge"])
def test_every_cached_value_equals_libreoffice(recalculated: dict[str, tuple[Path, Path]], label: str) -> None:
    ours, theirs = recalculated[label]
    formulas = formula_cells(ours)
    mine = openpyxl.load_workbook(ours, data_only=True)
    lo = openpyxl.load_workbook(theirs, data_only=True)
    per_sheet = {s: sum(1 for (sheet, _c) in formulas if sheet == s) for s in {s for s, _c in formulas}}
    computed = sum(1 for r in table(ours, c.INDICATORS) if r["Numerator"] != "")
    factors = len(table(ours, c.RISK_FACTORS)) if label != "demo 2023/24" else 0
    assert per_sheet.get(c.INDICATORS, 0) == computed > 0
    assert per_sheet.get(c.RISK_SHEET, 0) == 2 * factors
    differ = [
        f"{s}!{cell} {text}: ours {mine[s][cell].value!r}, LibreOffice {lo[s][cell].value!r}"
        for (s, cell), text in formulas.items()
        if not _same(mine[s][cell].value, lo[s][cell].value)
    ]
    assert not differ, "\n".join(differ)


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_text_from_inputs_never_becomes_a_formula(recalculated: dict[str, tuple[Path, Path]], text: str) -> None:
    ours, theirs = recalculated["edge"]
    for path in (ours, theirs):
        wb = openpyxl.load_workbook(path)
        found = [
            (ws.title, cell.coordinate, cell.data_type)
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for cell in row
            if cell.value == text
        ]
        assert found and all(dt == "s" for *_x, dt in found), (path.name, found)
    formulas = formula_cells(ours)
    assert all(t.startswith(("=ROUND(", "=IF(")) for t in formulas.values()), set(formulas.values())


def test_indicator_text_stays_text(filled: Filled) -> None:
    rows = table(filled.workbooks["edge"], c.INDICATORS)
    assert rows[0]["Indicator"] == "=1+1" and rows[0]["Source"] == "=cmd|' /C calc'!A0"
    assert rows[0]["Value"] == 0.0 and rows[0]["RAG"] == "Green"  # 0 of 58,410 against a target of 0
    assert rows[1]["Per"] == 10_000 and rows[1]["Value"] == 178.7  # Per defaults to 10,000
    assert rows[2]["Value"] == "" and "suppressed" in rows[2]["Note"]
    assert rows[4]["Value"] == 6.3  # 1 ÷ 16 × 100 = 6.25, half away from zero as ROUND does


# -- accessibility ------------------------------------------------------------------------------------------------
def test_palette_contrast() -> None:
    for h in (*RAG_HIGHLIGHTS, *TREND_HIGHLIGHTS, *QUADRANT_HIGHLIGHTS, *LENS_HIGHLIGHTS):
        assert contrast_ratio(h.font, h.fill) >= AA, h
    for colour in POINT_COLOURS.values():  # markers on the white plot area: non-text contrast 3:1
        assert contrast_ratio(colour, "FFFFFF") >= 3.0, colour


@pytest.mark.parametrize("label", ["demo", "edge"])
def test_colours_have_contrast_and_only_repeat_the_text(filled: Filled, label: str) -> None:
    path = filled.workbooks[label]
    pairs = conditional_pairs(path)
    assert pairs and not failing(pairs), failing(pairs)
    cells = cell_pairs(path)
    assert not failing(cells), failing(cells)[:10]
    keyed = {p.rule.strip('"') for p in pairs}
    assert keyed <= {*c.RAG_LABELS, *c.TRENDS, *c.QUADRANT_LABELS, *c.LENSES, c.SUMMARY}
    rules_per_range = [(p.where, p.fill) for p in pairs]
    assert len(rules_per_range) == len(set(rules_per_range)), "re-applied highlights must replace, not add"


def test_rag_cells_hold_the_label_text(filled: Filled) -> None:
    rag_columns = ((c.INDICATORS, ("RAG",)), (c.EVIDENCE, ("RAG",)), (c.QUADRANT, ("RAG (left)", "RAG (right)")))
    for name, columns in rag_columns:
        for row in table(filled.workbooks["demo"], name):
            assert all(row[col] in ("", *c.RAG_LABELS) for col in columns), row


@pytest.mark.parametrize("label", ["demo", "edge"])
def test_structure_no_merged_cells_header_rows_meaningful_names(filled: Filled, label: str) -> None:
    path = filled.workbooks[label]
    with zipfile.ZipFile(path) as zf:
        assert not [n for n in zf.namelist() if n.startswith("xl/worksheets/") and b"<mergeCell" in zf.read(n)]
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert not re.fullmatch(r"sheet\s*\d*", ws.title, re.I)
        for t in ws.tables.values():
            assert t.headerRowCount != 0
            assert all(isinstance(col.name, str) and col.name.strip() for col in t.tableColumns)


def test_scatter_chart_alt_text_and_series(filled: Filled) -> None:
    path = filled.workbooks["demo"]
    frames = chart_frames(path)
    assert len(frames) == 1
    descr = frames[0][2]
    assert descr.startswith("Scatter chart of 15 risk factors")
    assert "threshold lines at a prevalence of 351 (the median)" in descr
    for label in c.QUADRANT_LABELS:
        assert f"{label}:" in descr
    assert "Low prevalence / High impact: Sexual abuse (adult on child), Learning disability (parent)." in descr
    with zipfile.ZipFile(path) as zf:
        chart = SafeET.fromstring(
            next(zf.read(n) for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        )
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    scatter = chart.find(".//c:scatterChart", ns)
    assert scatter is not None
    series = scatter.findall("c:ser", ns)
    assert len(series) == 15 + 2
    refs = [s.findtext("c:xVal/c:numRef/c:f", "", ns) for s in series]
    assert refs[0] == "'Risk factors'!$B$2" and refs[14] == "'Risk factors'!$B$16"  # one point per factor
    assert refs[15:] == ["'Risk factor chart'!$B$5:$B$6", "'Risk factor chart'!$B$7:$B$8"]  # ThresholdLines
    labels = [s.findtext("c:tx/c:strRef/c:f", "", ns) for s in series]
    assert labels[0] == "'Risk factors'!$A$2"  # each point is labelled with its factor
    deleted = [e.get("val") for e in chart.findall(".//c:legend/c:legendEntry/c:delete", ns)]
    assert len(deleted) == 15  # the legend names only the two threshold lines
    lines = table(path, c.THRESHOLD_LINES)
    assert [r["Line"] for r in lines] == ["Prevalence threshold (median)"] * 2 + ["Impact threshold (median)"] * 2
    assert lines[0]["Assessments"] == lines[1]["Assessments"] == 351
    assert lines[2]["Conversion"] == lines[3]["Conversion"] == pytest.approx(88 / 402)


def test_no_risk_factors_no_chart(filled: Filled) -> None:
    path = filled.workbooks["demo 2023/24"]
    assert chart_frames(path) == [] and table(path, c.RISK_FACTORS) in ([], [dict.fromkeys(c.RISK_FACTORS_HEADERS, "")])


# -- where it writes ------------------------------------------------------------------------------------------------
def test_refill_replaces_an_existing_performance_workbook(filled: Filled, tmp_path: Path) -> None:
    out = tmp_path / "perf.xlsx"
    out.write_bytes(filled.workbooks["demo"].read_bytes())
    inputs = write_demo_inputs(tmp_path / "in")
    fill_workbook(
        out, load_config(), indicators=[inputs["indicators-2023-24.csv"]], risk_factors=inputs["risk-factors.csv"]
    )
    assert len(table(out, c.INDICATORS)) == 11 and len(table(out, c.EVIDENCE)) <= 1
    assert len(chart_frames(out)) == 1


def test_refuses_to_overwrite_an_input_or_another_workbook(filled: Filled, tmp_path: Path) -> None:
    inputs = write_demo_inputs(tmp_path / "in")
    with pytest.raises(UsageError, match=r"an \.xlsx file"):
        fill_workbook(inputs["indicators.csv"], load_config(), indicators=[inputs["indicators.csv"]])
    workbook = tmp_path / "perf.xlsx"
    workbook.write_bytes(filled.workbooks["demo"].read_bytes())
    with pytest.raises(UsageError, match="also an input"):
        fill_workbook(workbook, load_config(), indicators=[inputs["indicators.csv"]], previous=workbook)
    other = tmp_path / "summary.xlsx"
    other.write_bytes(b"not a workbook")
    before = sha256(other)
    with pytest.raises(UsageError, match="exists but is not a performance workbook"):
        fill_workbook(other, load_config(), indicators=[inputs["indicators.csv"]])
    assert sha256(other) == before


def test_a_bad_input_leaves_the_existing_output_untouched(filled: Filled, tmp_path: Path) -> None:
    out = tmp_path / "perf.xlsx"
    out.write_bytes(filled.workbooks["demo"].read_bytes())
    before = sha256(out)
    bad = tmp_path / "bad.csv"
    bad.write_text("Priority,Indicator,Period,Value\nNeglect,X,2024/25,lots\n")
    with pytest.raises(InputError):
        fill_workbook(out, load_config(), indicators=[bad])
    assert sha256(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "perf.xlsx"]  # no temporary file left


def test_a_filled_workbook_is_a_valid_indicator_input(filled: Filled, tmp_path: Path) -> None:
    """Last quarter's workbook can be this quarter's starting list: its Indicators table is read by name."""
    source = filled.workbooks["demo"]
    again = fill_workbook(tmp_path / "from-workbook.xlsx", load_config(), indicators=[source])
    keep = ("Priority", "Indicator", "Period", "Value", "Previous", "Target", "RAG", "Trend")
    original = [[r[k] for k in keep] for r in table(source, c.INDICATORS)]
    assert [[r[k] for k in keep] for r in table(again.out, c.INDICATORS)] == original
