"""The same workbook whatever XML writer openpyxl uses.

openpyxl serialises with lxml when lxml is installed (it is for the tests: the ``test`` extra) unless the
environment says ``OPENPYXL_LXML=False``, and with the standard library otherwise; it chooses once, when it is
imported. The two write the same XML in different forms (``<v></v>`` or ``<v />``, namespace declarations on
the root or further down, non-ASCII text as character references or as UTF-8), and boardbook edits the saved
package (``ooxml.patch_package``, ``book/sheetrows.py``). So:

- each run says which writer it uses (``make test`` runs the package-editing tests a second time with
  ``OPENPYXL_LXML=False``, and the two runs must differ);
- the demo's workbooks and a collation, re-collation and budget fill come out the same under both writers,
  each in a fresh process, part for part;
- the patterns accept every form either writer produces, and the forms the XML grammar allows beside them;
- what they do not recognise stops the save with ``PackageEditError``, naming the part and what was expected,
  instead of writing a workbook without its cached values, alt text or rows.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path
from subprocess import PIPE
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table

import boardbook.book.openpyxl_book as ob
from boardbook.book import Formula, OpenpyxlBook
from boardbook.book.sheetrows import StreamedRows, splice, strip_rows
from boardbook.config import load_config
from boardbook.ooxml import (
    NS_DRAWING,
    NS_MAIN,
    PackageEditError,
    _add_alt_text,
    _fill_values,
    part_text,
    patch_package,
)
from boardbook.section11 import contract as c
from tests.helpers import OFFICER_CONTRIBUTIONS, OFFICER_NAMES, canonical_parts, make_return, officer_budget

ROOT = Path(__file__).resolve().parents[1]
M = f"{{{NS_MAIN}}}"


# -- which writer -----------------------------------------------------------------------------------------------


def test_the_xml_writer_is_the_one_this_run_asked_for(tmp_path: Path) -> None:
    """lxml is a test dependency, so openpyxl uses it unless OPENPYXL_LXML=False: the two runs of ``make test``
    really use the two writers (and a formula cell's empty ``<v>`` shows which one wrote the file)."""
    assert importlib.util.find_spec("lxml") is not None, "lxml is a test dependency: pip install -e '.[test]'"
    asked = os.environ.get("OPENPYXL_LXML", "True") == "True"
    assert openpyxl.LXML is asked, (
        f"OPENPYXL_LXML={os.environ.get('OPENPYXL_LXML')!r} but openpyxl.LXML is {openpyxl.LXML}"
    )
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"  # type: ignore[index]
    wb.save(tmp_path / "w.xlsx")
    with zipfile.ZipFile(tmp_path / "w.xlsx") as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert (b"<v></v>" in sheet) is asked and (b"<v />" in sheet) is not asked, sheet[-200:]


# -- both writers, end to end -----------------------------------------------------------------------------------

SCENARIO = """
import shutil, sys
from datetime import datetime
from pathlib import Path

import openpyxl

from boardbook.budget.pipeline import fill_budget_file
from boardbook.config import load_config
from boardbook.demo import run_budget_demo
from boardbook.performance.demo import run_performance_demo
from boardbook.section11.pipeline import collate

returns, budget, out = map(Path, sys.argv[1:4])
config = load_config()
collate([returns], out / "summary.xlsx", config, now=datetime(2026, 7, 1, 10, 0))
shutil.copy(out / "summary.xlsx", out / "recollated.xlsx")  # collated again: the lean load of its own file
collate([returns], out / "recollated.xlsx", config, now=datetime(2026, 7, 2, 10, 0))
collate([returns], out / "against.xlsx", config, previous=out / "summary.xlsx", now=datetime(2026, 7, 3, 10, 0))
fill_budget_file(budget, out / "budget.xlsx")
run_budget_demo(out, lambda message: None)
run_performance_demo(out)
print("LXML", openpyxl.LXML)
"""


@pytest.fixture(scope="module")
def both_writers(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    """The same jobs from the same inputs, once with each writer (each in a fresh process): lxml -> its outputs."""
    base = tmp_path_factory.mktemp("writers")
    config = load_config()
    returns = base / "returns"
    returns.mkdir()
    ratings = ["Fully met", "Mostly met", "Partially met", "Not met"]
    for i, agency in enumerate(["Moorlands Police", "Northmoor ICB", "Fellside Council", "Northmoor Council"]):
        make_return(returns, config, agency, ratings=[ratings[(i + k) % 4] for k in range(10)])
    budget = officer_budget(base / "budget-in.xlsx", config, OFFICER_NAMES, OFFICER_CONTRIBUTIONS)
    outs = {lxml: base / ("lxml" if lxml else "stdlib") for lxml in (True, False)}
    procs = {}
    for lxml, out in outs.items():
        out.mkdir()
        env = {**os.environ, "OPENPYXL_LXML": str(lxml)}
        args = [sys.executable, "-c", textwrap.dedent(SCENARIO), str(returns), str(budget), str(out)]
        procs[lxml] = subprocess.Popen(args, env=env, cwd=ROOT, stdout=PIPE, stderr=PIPE, text=True)
    for lxml, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, stderr[-3000:]
        assert f"LXML {lxml}" in stdout, f"the run asked for OPENPYXL_LXML={lxml} said: {stdout[-500:]}"
    return outs


def test_both_writers_give_the_same_workbooks(both_writers: dict[bool, Path]) -> None:
    names = sorted(p.relative_to(both_writers[True]) for p in both_writers[True].rglob("*.xlsx"))
    assert names == sorted(p.relative_to(both_writers[False]) for p in both_writers[False].rglob("*.xlsx"))
    assert len(names) >= 9, names
    for name in names:
        lx, std = canonical_parts(both_writers[True] / name), canonical_parts(both_writers[False] / name)
        assert sorted(lx) == sorted(std), name
        assert [p for p in lx if lx[p] != std[p]] == [], f"{name}: parts differ between the two writers"


def _blank_by_rule(summary: Path) -> int:
    """Formula cells of the summary whose value is blank by rule (issue 14): Over-optimism where nothing was
    moderated. Any other formula cell without a value fails the caller's count."""
    formulas = openpyxl.load_workbook(summary)
    values = openpyxl.load_workbook(summary, data_only=True)
    n = 0
    for name in (c.MODERATION, c.MODERATION_BY_STANDARD):
        ws, cached = formulas[name], values[name]
        headers = [cell.value for cell in ws[1]]
        for r in range(2, ws.max_row + 1):
            if str(ws.cell(r, headers.index("Over-optimism") + 1).value).startswith("="):
                moderated = cached.cell(r, headers.index("Moderated") + 1).value
                n += cached.cell(r, headers.index("Over-optimism") + 1).value in (None, "") and moderated == 0
    assert n, "the fixture should have rows with nothing moderated"
    return n


def test_both_writers_cache_the_values_readers_need(both_writers: dict[bool, Path]) -> None:
    """What issue 11 found missing with lxml: the budget's totals, the summary's Met %, the quadrant's formulas."""
    import python_calamine as pc

    from tests.helpers import names_openpyxl

    for out in both_writers.values():
        names = names_openpyxl(out / "budget-2025-26.xlsx")
        assert all(isinstance(names[n], int | float) for n in ("TotalContributions", "TotalIncome", "Surplus")), names
        for book in ("summary.xlsx", "quadrant-performance.xlsx"):  # (a budget formula may be blank: "")
            with zipfile.ZipFile(out / book) as zf:
                sheets = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
            formulas = sum(len(re.findall(rb"</f>", s)) for s in sheets)
            empty = sum(len(re.findall(rb"</f>(?:<v\s*/>|<v></v>|</c>)", s)) for s in sheets)
            blank = _blank_by_rule(out / book) if book == "summary.xlsx" else 0
            assert formulas and empty == blank, f"{out.name}/{book}: {empty} of {formulas} formula cells have no value"
        matrix = pc.CalamineWorkbook.from_path(str(out / "summary.xlsx")).get_sheet_by_name("Matrix").to_python()
        assert any(isinstance(v, float) for row in matrix[1:] for v in row), "the Matrix sheet's Met % is blank"


# -- every form either writer writes, and those the XML grammar allows beside them ------------------------------


def _sheet(rows: str, *, declaration: bool = False, dimension: str = '<dimension ref="A1:C5"/>') -> str:
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' if declaration else ""
    return f'{head}<worksheet xmlns="{NS_MAIN}">{dimension}<sheetData>{rows}</sheetData></worksheet>'


FORMULA_CELLS = {
    "standard library": '<c r="B5" s="7"><f>SUM(A1:A4)</f><v /></c>',
    "lxml": '<c r="B5" s="7"><f>SUM(A1:A4)</f><v></v></c>',
    "compact": '<c r="B5" s="7"><f>SUM(A1:A4)</f><v/></c>',
    "no <v>": '<c r="B5" s="7"><f>SUM(A1:A4)</f></c>',
    "a value already": '<c r="B5" s="7" t="n"><f>SUM(A1:A4)</f><v>3</v></c>',
    "attributes reordered, single quotes, spaces, line breaks": (
        "<c  s='7'\n r = 'B5' >\n  <f>SUM(A1:A4)</f >\n  <v/>\n</c >"
    ),
    "a shared formula": '<c r="B5" s="7"><f t="shared" si="0"/><v></v></c>',
}


@pytest.mark.parametrize("form", FORMULA_CELLS)
@pytest.mark.parametrize("declaration", [False, True])
@pytest.mark.parametrize(("value", "t", "v"), [(42.5, None, "42.5"), ("a < b", "str", "a < b"), (True, "b", "1")])
def test_cached_values_go_into_either_form(form: str, declaration: bool, value: object, t: str | None, v: str) -> None:
    xml = _sheet(f'<row r="5"><c r="A5" t="n"><v>1</v></c>{FORMULA_CELLS[form]}</row>', declaration=declaration)
    out = _fill_values(part_text("sheet.xml", xml.encode(), "worksheet", NS_MAIN), {"B5": value}, "sheet.xml")
    cell = ET.fromstring(out.encode()).find(f".//{M}c[@r='B5']")
    assert cell is not None and cell.get("s") == "7" and cell.get("t") == t
    assert cell.findtext(f"{M}v") == v and cell.find(f"{M}f") is not None


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ('<x:c r="B5" xmlns:x="{ns}"><x:f>SUM(A1:A4)</x:f><x:v/></x:c>', "a namespace prefix"),
        ('<c r="B5"><f>SUM(A1:A4)</f><v/><extLst/></c>', "something more in the cell"),
        ('<c r="B5"><v/></c>', "not a formula cell"),
        ('<c r="B6"><f>SUM(A1:A4)</f><v/></c>', "another cell"),
    ],
)
def test_a_formula_cell_not_recognised_is_named(cell: str, why: str) -> None:
    xml = _sheet(f'<row r="5">{cell.format(ns=NS_MAIN)}</row>')
    with pytest.raises(PackageEditError, match=r"xl/worksheets/sheet3\.xml: 1 formula cell\(s\) .* not found .*: B5"):
        _fill_values(xml, {"B5": 1, "C9": None}, "xl/worksheets/sheet3.xml")  # (C9 has no value to cache)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (f'<x:worksheet xmlns:x="{NS_MAIN}"><x:sheetData/></x:worksheet>'.encode(), "default namespace"),
        (b'<worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"/>', "default namespace"),
        (f'<chartsheet xmlns="{NS_MAIN}"/>'.encode(), "root element <worksheet"),
        (f'<worksheet xmlns="{NS_MAIN}"><!-- a note --></worksheet>'.encode(), "comment"),
        (f'<worksheet xmlns="{NS_MAIN}"><sheetData><![CDATA[<c>]]></sheetData></worksheet>'.encode(), "CDATA"),
        (f'<?xml version="1.0" encoding="UTF-16"?><worksheet xmlns="{NS_MAIN}"/>'.encode(), "encoding 'UTF-16'"),
        (f'<worksheet xmlns="{NS_MAIN}">\xe9</worksheet>'.encode("latin-1"), "not UTF-8"),
        (b"garbage", "does not start with a <worksheet> element"),
    ],
)
def test_a_part_not_recognised_is_refused(data: bytes, expected: str) -> None:
    with pytest.raises(PackageEditError, match=re.escape(expected)) as caught:
        part_text("xl/worksheets/sheet1.xml", data, "worksheet", NS_MAIN)
    assert str(caught.value).startswith("xl/worksheets/sheet1.xml: ")
    assert "XML writer); the workbook was not saved" in str(caught.value)


DRAWINGS = {
    "standard library": (
        '<wsDr xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns="{ns}">'
        '<oneCellAnchor><graphicFrame><nvGraphicFramePr><cNvPr id="1" name="Chart 1" /><cNvGraphicFramePr />'
        "</nvGraphicFramePr></graphicFrame></oneCellAnchor><twoCellAnchor><graphicFrame><nvGraphicFramePr>"
        '<cNvPr id="2" name="Chart 2" descr="old" /></nvGraphicFramePr></graphicFrame></twoCellAnchor></wsDr>'
    ),
    "lxml": (
        '<wsDr xmlns="{ns}"><twoCellAnchor><graphicFrame><nvGraphicFramePr><cNvPr id="2" name="Chart 2"/>'
        "</nvGraphicFramePr></graphicFrame></twoCellAnchor><oneCellAnchor><graphicFrame><nvGraphicFramePr>"
        "<cNvPr name='Chart 1' id='1'></cNvPr></nvGraphicFramePr></graphicFrame></oneCellAnchor>"
        '<oneCellAnchor><pic><nvPicPr><cNvPr id="3" name="Image 3"/></nvPicPr></pic></oneCellAnchor></wsDr>'
    ),
}


@pytest.mark.parametrize("form", DRAWINGS)
def test_alt_text_goes_on_each_chart_by_its_name_in_either_form(form: str) -> None:
    xml = part_text("d.xml", DRAWINGS[form].format(ns=NS_DRAWING).encode(), "wsDr", NS_DRAWING)
    out = _add_alt_text(xml, ['First "chart" & more\x01', "Second"], "d.xml")  # (\x01: no XML can hold it)
    frames = {e.get("name"): e.get("descr") for e in ET.fromstring(out).iter(f"{{{NS_DRAWING}}}cNvPr")}
    assert frames["Chart 1"] == 'First "chart" & more' and frames["Chart 2"] == "Second"
    assert frames.get("Image 3") is None
    assert _add_alt_text(xml, ["", ""], "d.xml") == xml  # no alt text: nothing touched


def test_alt_text_without_its_chart_frame_is_named() -> None:
    xml = DRAWINGS["lxml"].format(ns=NS_DRAWING)
    with pytest.raises(PackageEditError, match=r"xl/drawings/drawing1\.xml: no chart frame .* Chart 3"):
        _add_alt_text(xml, ["a", "b", "c"], "xl/drawings/drawing1.xml")
    excel = xml.replace("<cNvPr", "<xdr:cNvPr").replace("</cNvPr", "</xdr:cNvPr")  # prefixed, as Excel writes it
    with pytest.raises(PackageEditError, match="Chart 1, Chart 2"):
        _add_alt_text(excel, ["a", "b"], "xl/drawings/drawing1.xml")


FIRST_ROWS = {
    "standard library": '<row r="4"><c r="A4" s="3" t="inlineStr"><is><t>x</t></is></c><c r="B4" s="5" /></row>',
    "lxml": '<row r="4"><c r="A4" s="3" t="inlineStr"><is><t>x</t></is></c><c r="B4" s="5"></c></row>',
    "row attributes first, single quotes": (
        "<row spans='1:2' ht='30' customHeight='1' r='4'><c s='3' r='A4'><v>1</v></c><c s='5' r='B4'/></row>"
    ),
}


@pytest.mark.parametrize("form", FIRST_ROWS)
def test_streamed_rows_go_after_the_first_row_in_either_form(form: str) -> None:
    xml = _sheet(f'<row r="3"><c r="A3"><v>0</v></c></row>{FIRST_ROWS[form]}<row r="9"><c r="A9"/></row>')
    block = StreamedRows(after_row=4, first_col=1, rows=[["a", 1], ["b", 2], ["c", 3]], heights=[None, 30.0, None])
    root = ET.fromstring("".join(splice(xml, [block])))
    rows = {int(r.get("r", "")): r for r in root.iter(f"{M}row")}
    assert sorted(rows) == [3, 4, 5, 6, 7, 9]
    assert [(c.get("r"), c.get("s")) for c in rows[6]] == [("A6", "3"), ("B6", "5")]
    assert rows[6].get("ht") == "30.0" and rows[7].find(f"{M}c[@r='B7']/{M}v").text == "3"  # type: ignore[union-attr]
    assert root.find(f"{M}dimension").get("ref") == "A1:C7"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("rows", "dimension", "expected"),
    [
        ('<row r="3"/>', '<dimension ref="A1:C5"/>', "row 4 (a table's first data row) is missing"),
        (f'<x:row r="4" xmlns:x="{NS_MAIN}"><x:c r="A4" s="3"/></x:row>', "", "row 4 (a table's first data row)"),
        ('<row r="4"><x:c r="A4" s="3" xmlns:x="{ns}"/></row>', "", "cells of row 4 not recognised"),
        ('<row r="4"><c s="3"/></row>', "", "a cell of row 4 without its reference"),
        ('<row r="4"><c r="A4"/></row><row r="5"/>', "", "row 5 is inside streamed rows 5-6"),
        ('<row r="4"><c r="A4"/></row>', '<dimension ref="everything"/>', "<dimension ref='everything'> is not"),
        ('<row r="4"><c r="A4"/></row>', '<dimension ref="A1:C5" x:y="1" xmlns:x="u">', "dimension> element is not"),
    ],
)
def test_streamed_rows_that_cannot_go_in_are_named(rows: str, dimension: str, expected: str) -> None:
    xml = _sheet(rows.format(ns=NS_MAIN), dimension=dimension)
    block = StreamedRows(after_row=4, first_col=1, rows=[["a"], ["b"]], heights=[None, None])
    with pytest.raises(PackageEditError, match=re.escape(expected)):
        "".join(splice(xml, [block]))


LEAN = (  # a summary's sheet as lxml writes it: the rows re-collation leaves out of openpyxl's load
    '<row r="1"><c r="A1" t="inlineStr"><is><t>H</t></is></c></row><row r="2"><c r="A2" s="1"></c></row>'
    '<row r="3"><c r="A3" t="n"><v>3</v></c></row><row r="4"><c r="A4" t="e"><v>#N/A</v></c></row>'
    '<row r="9"><c r="A9"><v>9</v></c></row>'
)


@pytest.mark.parametrize(
    ("form", "kept"),
    [
        (lambda x: x, True),
        (lambda x: x.replace('"', "'"), True),  # quoted the other way
        (lambda x: x.replace(' r="', ' r = "'), True),  # spaced
        (lambda x: x.replace('<row r="3">', '<row spans="1:1" r="3" outlineLevel="2">'), False),  # grouped (level 2)
        (lambda x: x.replace('<row r="3">', "<row r='3' hidden='true'>"), False),
        (lambda x: x.replace('<c r="A3" t="n">', "<c r='A3' t = 'shared'>"), False),
    ],
)
def test_rows_left_out_of_a_load_in_any_form(form: Callable[[str], str], kept: bool) -> None:
    """Re-collation leaves a big table's rows out of openpyxl's load when ``strip_rows`` can vouch for them:
    in either writer's form (or quoted and spaced otherwise), never past a grouped or hidden row or a shared
    formula, and not where values are read and an error value (which calamine reads as a blank) is there."""
    xml = form(_sheet(LEAN))
    stripped = strip_rows(xml, 3, 4, 1, 1, values_read=False)
    assert (stripped is not None) is kept
    if stripped is not None:
        rows = [r.get("r") for r in ET.fromstring(stripped).iter(f"{M}row")]
        assert rows == ["1", "2", "9"]
        assert strip_rows(xml, 3, 4, 1, 1, values_read=True) is None  # row 4 holds an error value


# -- a save that cannot patch stops, and says so ----------------------------------------------------------------


def _book(tmp_path: Path) -> OpenpyxlBook:
    """A workbook with a table (three rows: the first as cells, two streamed) and a defined name, both with
    formulas whose values are to be cached."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    ws.append(["Name", "Count", "Double"])
    ws.append([None, None, None])
    ws.add_table(Table(displayName="Data", ref="A1:C2"))
    ws["E1"] = 0
    wb.defined_names["Total"] = DefinedName("Total", attr_text="'Data'!$E$1")
    wb.save(tmp_path / "template.xlsx")
    book = OpenpyxlBook.open(tmp_path / "template.xlsx")
    book.write_table("Data", [[f"r{i}", i, Formula(f"=B{i + 2}*2", 2 * i)] for i in range(3)])
    book.set_name("Total", Formula("=SUM(B2:B4)", 3))
    return book


def _mangled(mangle: Callable[[str], str], part: str) -> Callable[..., None]:
    """``patch_package`` as it would go if openpyxl wrote ``part`` as ``mangle`` makes it."""

    def patched(src: str, dst: str, *args: object, **kwargs: object) -> None:
        data = io.BytesIO()
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(data, "w") as zout:
            for info in zin.infolist():
                body = zin.read(info.filename)
                zout.writestr(info, mangle(body.decode()).encode() if info.filename == part else body)
        Path(src).write_bytes(data.getvalue())
        patch_package(src, dst, *args, **kwargs)  # type: ignore[arg-type]

    return patched


def _prefixed(xml: str) -> str:
    """The worksheet with every element in the ``x:`` prefix, as some writers (Excel among them) do."""
    xml = re.sub(r"<(/?)(?!\?)(\w+)", r"<\1x:\2", xml)
    return xml.replace('xmlns="', 'xmlns:x="', 1)


@pytest.mark.parametrize(
    ("mangle", "expected"),
    [
        (_prefixed, 'expected the root element <worksheet xmlns="'),
        (lambda xml: xml.replace("<v></v>", "<v/><extLst/>").replace("<v />", "<v/><extLst/>"), ": C2, E1 ("),
        (lambda xml: xml.replace('<row r="2"', "<row"), "a <row> without a row number (r=)"),
    ],
)
def test_a_save_that_cannot_patch_stops_and_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mangle: Callable[[str], str], expected: str
) -> None:
    target = tmp_path / "out" / "book.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"the previous workbook")
    book = _book(tmp_path)
    monkeypatch.setattr(ob, "patch_package", _mangled(mangle, "xl/worksheets/sheet1.xml"))
    with pytest.raises(PackageEditError, match=re.escape(expected)) as caught:
        book.save(target)
    assert str(caught.value).startswith("xl/worksheets/sheet1.xml: ")
    assert target.read_bytes() == b"the previous workbook"
    assert sorted(p.name for p in target.parent.iterdir()) == ["book.xlsx"]  # nothing half-written left behind


def test_patch_package_leaves_no_output_when_it_fails(tmp_path: Path) -> None:
    book = _book(tmp_path)
    book.save(tmp_path / "good.xlsx")
    with pytest.raises(PackageEditError, match="has no worksheet named 'Nowhere'"):
        patch_package(str(tmp_path / "good.xlsx"), str(tmp_path / "bad.xlsx"), {"Nowhere": {"A1": 1}}, {})
    with pytest.raises(PackageEditError, match=r"xl/worksheets/sheet1\.xml: has 0 drawing relationships"):
        patch_package(str(tmp_path / "good.xlsx"), str(tmp_path / "bad.xlsx"), {}, {"Data": ["a chart"]})
    assert not (tmp_path / "bad.xlsx").exists()


def test_a_formula_written_over_is_not_asked_for(tmp_path: Path) -> None:
    """Only cells that still hold a formula get (and must get) a cached value: one written over or cleared
    since is no longer asked for, so the strict patcher does not refuse a good save."""
    book = _book(tmp_path)
    book.set_name("Total", 7)
    book.write_table("Data", [["only", 1, 5]])
    out = book.save(tmp_path / "over.xlsx")
    ws = openpyxl.load_workbook(out)["Data"]
    assert (ws["E1"].value, ws["C2"].value, ws["C3"].value) == (7, 5, None)


def test_the_package_keeps_its_values_and_rows(tmp_path: Path) -> None:
    """The small book above, saved for real: every cached value, and the rows streamed after the first."""
    book = _book(tmp_path)
    out = book.save(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(out, data_only=True)
    ws = wb["Data"]
    assert [[c.value for c in row] for row in ws["A2:C4"]] == [["r0", 0, 0], ["r1", 1, 2], ["r2", 2, 4]]
    assert ws["E1"].value == 3 and ws.tables["Data"].ref == "A1:C4"
