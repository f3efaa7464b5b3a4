"""What a package claims, checked before python-calamine builds it (package.py): the extent of a sheet's cells
holding something, however the cells are written; a table's range; legacy .xls/.ods claims.

Each file is a real return (the template, filled) with its sheet XML edited as other tools write it.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from boardbook.book.fast import read_workbook
from boardbook.budget.pipeline import fill_budget_file
from boardbook.config import Config
from boardbook.errors import WorkbookError
from boardbook.package import MAX_CELLS, Extent, check_legacy, open_package
from boardbook.performance.reader import read_indicators
from boardbook.section11 import contract as c
from tests.corpus import make_corpus as mc
from tests.helpers import make_return, officer_budget

FAR = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'


@pytest.fixture
def good(tmp_path: Path, config: Config) -> Path:
    return make_return(tmp_path, config, "Northmoor ICB", sector="Health")


def with_sheet(path: Path, change: Callable[[bytes], bytes]) -> Path:
    """``path`` with the Assessment sheet's XML changed."""
    data = path.read_bytes()
    path.write_bytes(mc.rezip(data, {mc.part_of_sheet(data, c.ASSESSMENT): change}))
    return path


def extent(path: Path) -> Extent:
    return open_package(path).extent(c.ASSESSMENT, exact=True)


def test_a_good_return_is_what_it_looks_like(good: Path) -> None:
    pkg = open_package(good)
    quick = pkg.extent(c.ASSESSMENT)  # every cell within A1:Z99: counted as A1:Z99, without a look at each
    # 11 rows × 8 columns: the contract's seven and Check
    assert (quick.rows, quick.cols, pkg.extent(c.ASSESSMENT, exact=True).cells) == (99, 26, 88)
    assert pkg.extent(c.ASSESSMENT, exact=True).culprits() == []  # nothing stray
    info = pkg.check_table(c.ASSESSMENT)
    assert (info.ref, info.data_rows, info.columns[:3]) == ("A1:H11", 10, ["Ref", "Standard", "Rating"])
    assert pkg.cells_left == MAX_CELLS - 88 - 99 * 26


def test_a_bigger_sheet_is_counted_cell_by_cell(good: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="AB{r}"><v>1</v></c></row>' for r in range(500, 1500))
    path = with_sheet(good, lambda x: x.replace(b"</sheetData>", rows.encode() + b"</sheetData>"))
    quick = open_package(path).extent(c.ASSESSMENT)
    assert (quick.rows, quick.cols) == (1499, 28)


@pytest.mark.parametrize(
    ("how", "change"),
    [
        ("as Excel writes it", lambda x: x.replace(b"</sheetData>", FAR.encode())),
        (
            "with a namespace prefix",
            lambda x: x.replace(b"</sheetData>", FAR.replace("<c ", "<x:c ").replace("</c>", "</x:c>").encode()),
        ),
        (
            "the reference last",
            lambda x: x.replace(
                b"</sheetData>", FAR.replace('r="XFD1048576" t="inlineStr"', 't="inlineStr" r="XFD1048576"').encode()
            ),
        ),
        (
            "in single quotes",
            lambda x: x.replace(b"</sheetData>", FAR.replace('r="XFD1048576"', "r='XFD1048576'").encode()),
        ),
    ],
)
def test_a_far_cell_is_found_however_written(how: str, change: Callable[[bytes], bytes], good: Path) -> None:
    path = with_sheet(good, change)
    found = extent(path)
    assert (found.rows, found.cols, found.culprits()) == (1_048_576, 16_384, ["XFD1048576"]), how
    with pytest.raises(WorkbookError, match=r"the sheet 'Assessment' has data as far as XFD1048576") as info:
        read_workbook(path, tables=(c.ASSESSMENT,))
    assert (info.value.location.sheet, info.value.location.cell) == ("Assessment", "XFD1048576")


def test_cells_without_references_take_their_place_from_the_row(good: Path) -> None:
    """A tool may leave the reference out: the cell is then where the row and the cells before it put it."""
    far = '<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c></row></sheetData>'
    path = with_sheet(good, lambda x: x.replace(b"</sheetData>", far.encode()))
    found = extent(path)
    assert (found.rows, found.cols, found.culprits()) == (1_048_576, 8, ["B1048576"])  # H is the table's own
    with pytest.raises(WorkbookError, match=r"has data as far as H1048576 \(a stray keystroke in B1048576\?\)"):
        read_workbook(path, tables=(c.ASSESSMENT,))


def test_empty_cells_are_formatting_not_data(good: Path) -> None:
    """``<c r="XFD1048576" s="1"/>`` holds nothing: the quick scan counts it, the exact one (as the reader) not."""
    formatted = b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>'
    path = with_sheet(good, lambda x: x.replace(b"</sheetData>", formatted))
    pkg = open_package(path)
    assert pkg.extent(c.ASSESSMENT).cells > MAX_CELLS
    assert pkg.extent(c.ASSESSMENT, exact=True).cells == 88
    raw = read_workbook(path, tables=(c.ASSESSMENT,))
    assert len(raw.tables[c.ASSESSMENT].rows) == 10


def test_two_stray_cells_are_both_named(good: Path) -> None:
    path = good
    wb = openpyxl.load_workbook(path)
    wb[c.ASSESSMENT]["C1048576"] = "x"
    wb[c.ASSESSMENT]["XFD7"] = "y"
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, tables=(c.ASSESSMENT,))
    assert "has data as far as XFD1048576 (a stray keystroke in C1048576 and XFD7?)" in str(info.value)
    assert "delete what is in C1048576 and XFD7" in str(info.value)


def test_the_allowance_is_per_file(tmp_path: Path, config: Config) -> None:
    """Sheets under the limit each, over it together: refused, saying so."""
    path = make_return(tmp_path, config)
    wb = openpyxl.load_workbook(path)
    wb["Cover"]["B1000000"] = "x"  # 1,000,000 rows × 2 columns
    wb[c.ASSESSMENT]["A600000"] = "x"  # 600,000 rows × 8 columns
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, tables=(c.ASSESSMENT,), names=c.RETURN_NAMES)
    assert "4,800,000 cells, more than the 2,999,912 left of the 5,000,000 boardbook reads from one file" in str(
        info.value
    )  # 5,000,000 - 2,000,000 (Cover, A1:B1000000) - 88 (the table)
    assert (info.value.location.sheet, info.value.location.cell) == (c.ASSESSMENT, "A600000")


def test_big_data_is_not_called_a_stray_keystroke(good: Path) -> None:
    """A sheet full of data beyond the limit is too big, not a slip of the finger: no cell is blamed."""
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{col}{r}"><v>1</v></c>' for col in ("H", "I", "J")) + "</row>"
        for r in range(12, 12 + 20)
    )
    far = '<row r="800000"><c r="J800000"><v>1</v></c></row>'
    path = with_sheet(good, lambda x: x.replace(b"</sheetData>", (rows + far).encode() + b"</sheetData>"))
    found = extent(path)
    assert (found.rows, found.cols) == (800_000, 10) and found.culprits() == ["J800000"]
    dense = "".join(f'<row r="{r}"><c r="J{r}"><v>1</v></c></row>' for r in range(400_000, 800_001, 1000))
    path = with_sheet(good, lambda x: x.replace(far.encode(), dense.encode()))
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, tables=(c.ASSESSMENT,))
    assert "has data as far as J800000: 800,000 rows × 10 columns" in str(info.value)
    assert "stray" not in str(info.value) and "keep only what boardbook needs" in str(info.value)


def test_the_first_of_two_sheets_of_one_name_is_the_one_checked(good: Path) -> None:
    """The reader takes the first sheet of a name: a second, harmless one must not hide a first with a stray."""
    data = good.read_bytes()
    part = mc.part_of_sheet(data, c.ASSESSMENT)
    far = mc.rezip(data, {part: lambda x: x.replace(b"</sheetData>", FAR.encode())})
    with zipfile.ZipFile(io.BytesIO(far)) as z:
        stray = z.read(part)
    doubled = mc.rezip(
        data,
        {
            "xl/workbook.xml": lambda x: re.sub(
                rb"<sheets>",
                b'<sheets><sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships" name="Assessment" sheetId="99" r:id="rIdStray"/>',
                x,
            ),
            "xl/_rels/workbook.xml.rels": lambda x: x.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdStray" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/worksheet" Target="worksheets/stray.xml"/></Relationships>',
            ),
        },
    )
    buf = io.BytesIO(doubled)
    with zipfile.ZipFile(buf, "a") as z:
        z.writestr("xl/worksheets/stray.xml", stray)
    good.write_bytes(buf.getvalue())
    assert open_package(good).sheets()[c.ASSESSMENT] == "xl/worksheets/stray.xml"
    with pytest.raises(WorkbookError, match="Assessment"):  # refused: never read unchecked
        read_workbook(good, tables=(c.ASSESSMENT,))


def test_a_table_range_beyond_the_limit(good: Path) -> None:
    resized = mc.rezip(
        good.read_bytes(), {"xl/tables/table1.xml": lambda x: re.sub(rb'ref="[^"]*"', b'ref="A1:ZZ9999"', x)}
    )
    good.write_bytes(resized)
    with pytest.raises(
        WorkbookError, match=r"the table 'Assessment' covers A1:ZZ9999 \(resized too far\?\): 7,019,298"
    ):
        read_workbook(good, tables=(c.ASSESSMENT,))


# -- legacy .xls and .ods ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    soffice = mc.find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    from boardbook.config import load_config

    folder = tmp_path_factory.mktemp("legacy")
    config = load_config()
    plain = make_return(folder, config, file_name="plain.xlsx")
    stray = make_return(folder, config, file_name="stray.xlsx")
    wb = openpyxl.load_workbook(stray)
    wb[c.ASSESSMENT]["IV65536"] = "x"
    wb.save(stray)
    out = {}
    for fmt in ("xls", "ods"):
        profile = f"-env:UserInstallation={(folder / 'lo').as_uri()}"
        subprocess.run(
            [
                soffice,
                profile,
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(folder / fmt),
                str(plain),
                str(stray),
            ],
            capture_output=True,
            timeout=300,
            check=True,
        )
        for name in ("plain", "stray"):
            out[f"{name}.{fmt}"] = folder / fmt / f"{name}.{fmt}"
    shutil.rmtree(folder / "lo", ignore_errors=True)
    return out


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_legacy_claims(fmt: str, legacy: dict[str, Path]) -> None:
    plain, stray = legacy[f"plain.{fmt}"], legacy[f"stray.{fmt}"]
    check_legacy(plain.read_bytes(), str(plain))  # the template's sheets: well within
    with pytest.raises(
        WorkbookError,
        match=r"the sheet 'Assessment' claims data as far as IV65536 \(a stray keystroke in IV65536\?\): 65,536 rows",
    ) as caught:
        check_legacy(stray.read_bytes(), str(stray))
    assert (caught.value.location.sheet, caught.value.location.cell) == ("Assessment", "IV65536")


def test_legacy_damaged(tmp_path: Path) -> None:
    ole = mc.OLE_MAGIC + b"\0" * 100  # a header cut short
    with pytest.raises(WorkbookError, match="damaged or incomplete"):
        check_legacy(ole, "cut.xls")


# -- Strict Open XML: refused by name, for every domain that opens a workbook ------------------------------------

STRICT = "saved as Strict Open XML Spreadsheet, which boardbook does not read: open it in Excel and save it as Excel"


def test_strict_workbook_is_named_for_every_domain(tmp_path: Path, config: Config) -> None:
    """The package is what Excel's Strict option writes (purl.oclc.org namespaces and relationship types): the
    reader would find its sheets but none of its tables, so the file is refused by name, not half read."""
    ret = mc.to_strict(make_return(tmp_path, config).read_bytes())
    with zipfile.ZipFile(io.BytesIO(ret)) as z:
        assert b"purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" in z.read("_rels/.rels")
        assert b'conformance="strict"' in z.read("xl/workbook.xml")
    strict_return = tmp_path / "strict return.xlsx"
    strict_return.write_bytes(ret)
    with pytest.raises(WorkbookError, match=STRICT):
        read_workbook(strict_return, tables=(c.ASSESSMENT,))

    budget = officer_budget(tmp_path / "budget.xlsx", config, {"Partnership": "Northmoor", "FinancialYear": "2025/26"})
    strict_budget = tmp_path / "strict budget.xlsx"
    strict_budget.write_bytes(mc.to_strict(budget.read_bytes()))
    with pytest.raises(WorkbookError, match=STRICT):
        fill_budget_file(strict_budget, tmp_path / "out.xlsx")

    wb = openpyxl.Workbook()
    wb.active.append(["Priority", "Indicator", "Period", "Value", "Target", "Polarity"])
    wb.active.append(["Neglect", "Re-referrals", "2024/25", 21.2, 20, "lower"])
    wb.save(tmp_path / "indicators.xlsx")
    strict_indicators = tmp_path / "strict indicators.xlsx"
    strict_indicators.write_bytes(mc.to_strict((tmp_path / "indicators.xlsx").read_bytes()))
    with pytest.raises(WorkbookError, match=STRICT):
        read_indicators(strict_indicators)
