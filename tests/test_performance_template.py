"""The empty performance workbook (``workbooks/quadrant-performance.xlsx`` once committed): the contract's
tables and names, drop-downs, and a generator that writes the same bytes every time (so a committed copy
can be compared with it, as test_templates does for the section 11 workbooks)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from boardbook.config import load_config
from boardbook.performance import contract as c
from boardbook.problems import PROBLEMS, PROBLEMS_HEADERS
from boardbook.recorded import CONFIG_HEADERS, CONFIG_SHEET, CONFIG_TABLE
from boardbook.templates.performance import build_performance
from tests.helpers import cell_pairs, failing

TIMESTAMPS = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_performance(load_config()).save(tmp_path_factory.mktemp("tpl") / "quadrant-performance.xlsx")


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: TIMESTAMPS.sub(b"", zf.read(n)) for n in zf.namelist()}


def test_generator_is_deterministic(template: Path, tmp_path: Path) -> None:
    again = build_performance(load_config()).save(tmp_path / "quadrant-performance.xlsx")
    assert parts(again) == parts(template)


def test_template_contract(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    sheets = [
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
    assert wb.sheetnames == sheets
    assert wb[CONFIG_SHEET].sheet_state == "hidden"
    headers = {
        t.name: [ws.cell(1 if t.name != c.THRESHOLD_LINES else 4, j).value for j in range(1, len(t.tableColumns) + 1)]
        for ws in wb.worksheets
        for t in ws.tables.values()
    }
    assert headers == {
        c.INDICATORS: list(c.INDICATORS_HEADERS),
        c.EVIDENCE: list(c.EVIDENCE_HEADERS),
        c.REFLECTIONS: list(c.REFLECTIONS_HEADERS),
        c.RISK_FACTORS: list(c.RISK_FACTORS_HEADERS),
        c.QUADRANT: list(c.QUADRANT_HEADERS),
        c.THRESHOLD_LINES: list(c.THRESHOLD_LINES_HEADERS),
        CONFIG_TABLE: list(CONFIG_HEADERS),
        PROBLEMS: list(PROBLEMS_HEADERS),
    }
    for name in c.NAMES:
        [(sheet, cell)] = list(wb.defined_names[name].destinations)
        assert sheet == c.ABOUT and ":" not in cell
    version = next(iter(wb.defined_names["TemplateVersion"].destinations))[1].replace("$", "")
    assert wb[c.ABOUT][version].value == c.TEMPLATE_VERSION
    partnership = next(iter(wb.defined_names["Partnership"].destinations))[1].replace("$", "")
    assert wb[c.ABOUT][partnership].value == load_config().partnership
    assert wb[c.INDICATORS].freeze_panes == "A2"


def test_drop_downs(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    lists = {
        (ws.title, str(dv.sqref)): dv.formula1 for ws in wb.worksheets for dv in ws.data_validations.dataValidation
    }
    assert lists[(c.EVIDENCE, "B2")] == '"' + ",".join(c.LENSES) + '"'
    assert lists[(c.EVIDENCE, "D2")] == '"Green,Amber,Red"'
    assert lists[(c.INDICATORS, "K2")] == '"higher,lower"'
    assert lists[(c.REFLECTIONS, "B2:B11")] == '"What went well,Even better if"'


def test_template_text_and_fills_have_contrast(template: Path) -> None:
    pairs = cell_pairs(template)
    assert pairs and not failing(pairs), failing(pairs)
