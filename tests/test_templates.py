"""The standard workbooks: committed copies match the generator, and they hold what the contract says."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from boardbook.config import load_config
from boardbook.section11 import contract as c
from boardbook.templates import build_all
from tests.helpers import STANDARD_WORKBOOKS, canonical_parts

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("templates")
    build_all(out, load_config())
    return out


@pytest.mark.parametrize("name", STANDARD_WORKBOOKS)
def test_committed_workbook_matches_generator(generated: Path, name: str) -> None:
    """Part for part: the same XML (canonicalised, so it holds whichever writer openpyxl used, with lxml or
    without) and the same bytes for anything else; only the created/modified timestamps are masked."""
    committed, fresh = canonical_parts(ROOT / "workbooks" / name), canonical_parts(generated / name)
    assert sorted(committed) == sorted(fresh), "parts differ: run `boardbook templates --out workbooks`"
    changed = [n for n in committed if committed[n] != fresh[n]]
    assert not changed, f"{name}: parts differ from the generator: {changed}; run `boardbook templates --out workbooks`"


def test_return_template_contract(generated: Path) -> None:
    wb = openpyxl.load_workbook(generated / "section11-return.xlsx")
    assert wb.sheetnames[0] == "Cover"
    for name in c.RETURN_NAMES:
        dn = wb.defined_names[name]
        assert dn.localSheetId is None
        dests = list(dn.destinations)
        assert len(dests) == 1 and ":" not in dests[0][1], f"{name} must name one cell"
    ws = wb[c.ASSESSMENT]
    table = ws.tables[c.ASSESSMENT]
    header = [cell.value for cell in ws[table.ref.split(":")[0][1:]]][: len(c.ASSESSMENT_HEADERS)]
    assert header == list(c.ASSESSMENT_HEADERS)
    refs = [ws.cell(r, 1).value for r in range(2, 12)]
    assert refs == load_config().refs
    # Drop-down of scale labels on Rating
    dvs = ws.data_validations.dataValidation
    rating = [dv for dv in dvs if "C2" in str(dv.sqref).split(":")[0]]
    assert rating and rating[0].formula1 == '"' + ",".join(load_config().scale.labels) + '"'
    # Only input cells unlocked; protected without a password; frozen header; A4 landscape.
    for r in range(2, 12):
        for j, h in enumerate(c.ASSESSMENT_HEADERS, start=1):
            assert ws.cell(r, j).protection.locked is (h not in c.ASSESSMENT_INPUTS), (h, r)
    assert ws.protection.sheet and not ws.protection.password
    assert wb["Cover"].protection.sheet and not wb["Cover"].protection.password
    cover = wb["Cover"]
    version_cell = next(iter(wb.defined_names["TemplateVersion"].destinations))[1].replace("$", "")
    assert cover[version_cell].value == c.TEMPLATE_VERSION and cover[version_cell].protection.locked
    completed = next(iter(wb.defined_names["CompletedOn"].destinations))[1].replace("$", "")
    assert cover[completed].protection.locked is False
    assert ws.freeze_panes == "A2"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4


def test_summary_template_contract(generated: Path) -> None:
    wb = openpyxl.load_workbook(generated / "section11-summary.xlsx")
    tables = {name: ws for ws in wb.worksheets for name in ws.tables}
    expected = {
        c.RETURNS: c.RETURNS_HEADERS,
        c.PROBLEMS: c.PROBLEMS_HEADERS,
        c.LOG: c.LOG_HEADERS,
        c.COMPARISON: c.COMPARISON_HEADERS,
        c.MATRIX: tuple(c.matrix_headers(load_config().refs)),
        c.MISSING: c.MISSING_HEADERS,
        c.CHALLENGE: c.CHALLENGE_HEADERS,
        c.REMOVED: c.REMOVED_HEADERS,
    }
    for name, headers in expected.items():
        ws = tables[name]
        assert [ws.cell(1, j).value for j in range(1, len(headers) + 1)] == list(headers), name


def test_templates_follow_the_configured_scale_and_standards(tmp_path: Path) -> None:
    text = (ROOT / "python/boardbook/data/boardbook.toml").read_text()
    text = text.split("[[standards]]")[0]
    text += "".join(f'\n[[standards]]\nref = "Q{i}"\ntitle = "Question {i}"\n' for i in range(1, 37))
    cfg_path = tmp_path / "big.toml"
    cfg_path.write_text(text)
    build_all(tmp_path / "out", load_config(cfg_path))
    wb = openpyxl.load_workbook(tmp_path / "out" / "section11-return.xlsx")
    ws = wb[c.ASSESSMENT]
    assert ws.tables[c.ASSESSMENT].ref == "A1:H37"  # the contract's seven columns and Check
    assert ws.cell(37, 1).value == "Q36"
