"""openxml-audit on what boardbook writes: the standard workbooks, as ``boardbook templates`` writes them in CI,
get no finding beyond what a plain openpyxl workbook also gets (Excel opens those without repair); and the
calibration really accepts only openpyxl's own findings."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boardbook.addin import audit as a
from boardbook.cli import app
from tests.helpers import STANDARD_WORKBOOKS

STANDARD = set(STANDARD_WORKBOOKS)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("templates")
    result = CliRunner().invoke(app, ["templates", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_every_standard_workbook_gets_only_what_openpyxl_gets(templates: Path) -> None:
    books = sorted(templates.glob("*.xlsx"))
    assert {p.name for p in books} >= STANDARD
    found = {p.name: [str(f) for f in a.unaccepted(p)] for p in books}
    assert found == {p.name: [] for p in books}


def test_the_baseline_is_openpyxls_font_order_and_inline_strings() -> None:
    """Calibrated, not hard-coded: but if openpyxl or openxml-audit changed what the plain workbook gets, this says
    so, so that the acceptance is looked at again rather than widened silently."""
    kinds = a.baseline()
    assert {(k[0], k[2]) for k in kinds} <= {
        ("excel_app_compat", "Excel_InlineStrCells"),
        *{("sdk_proxy", f"Unexpected element '{e}' found") for e in ("b", "i", "color", "sz", "u", "name")},
    }
    assert any(k[2] == "Excel_InlineStrCells" for k in kinds) and any(k[1] == "error" for k in kinds)


def _rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = change.get(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info, data)
    return target


def test_a_finding_openpyxl_does_not_get_is_reported(templates: Path, tmp_path: Path) -> None:
    """A workbook without its theme (the add-in's old fault) and a worksheet with an element out of place."""
    source = templates / "budget.xlsx"
    with zipfile.ZipFile(source) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels")
        sheet = zf.read("xl/worksheets/sheet1.xml")
    themeless = _rewrite(
        source,
        tmp_path / "themeless.xlsx",
        {
            "xl/theme/theme1.xml": None,
            "xl/_rels/workbook.xml.rels": re.sub(rb"<Relationship [^>]*relationships/theme\"[^>]*/>", b"", rels),
        },
    )
    assert any("relationships/theme' is missing" in str(f) for f in a.unaccepted(themeless))
    # <sheetPr> must come first in a worksheet: moved after sheetData, Excel repairs the sheet
    sheet_pr = re.search(rb"<sheetPr>.*?</sheetPr>", sheet, re.S)
    assert sheet_pr is not None
    moved = sheet.replace(sheet_pr.group(), b"").replace(b"</sheetData>", b"</sheetData>" + sheet_pr.group())
    disordered = _rewrite(source, tmp_path / "disordered.xlsx", {"xl/worksheets/sheet1.xml": moved})
    assert [(f.part, f.description) for f in a.unaccepted(disordered)] == [
        ("/xl/worksheets/sheet1.xml", "Unexpected element 'sheetPr' found")
    ]
    assert a.unaccepted(source) == []


def test_a_part_that_is_not_xml_at_all_is_reported(templates: Path, tmp_path: Path) -> None:
    """openxml-audit 0.8 passes over a part it cannot parse without a word; the audit does not."""
    source = templates / "budget.xlsx"
    with zipfile.ZipFile(source) as zf:
        sheet = zf.read("xl/worksheets/sheet2.xml")
    broken = _rewrite(
        source, tmp_path / "broken.xlsx", {"xl/worksheets/sheet2.xml": sheet.replace(b"</sheetData>", b"")}
    )
    found = a.unaccepted(broken)
    assert [f.part for f in found] == ["/xl/worksheets/sheet2.xml"]
    assert "not well-formed XML" in found[0].description
