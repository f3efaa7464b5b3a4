"""DESIGN.md's accessibility rules, checked on the workbooks people actually get.

The templates as committed (built by ``build_all``) and collated summaries (a first collation and a
re-collation into the same file) are read back from disk: colours from the package's own styles and
theme, chart alt text from the drawing parts, tables, sheet names and merged cells from the sheets.
"""

from __future__ import annotations

import colorsys
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree as SafeET
from openpyxl.styles.colors import COLOR_INDEX, Color
from openpyxl.utils.cell import range_boundaries
from python_calamine import CalamineWorkbook

from boardbook.config import Agency, Config, load_config
from boardbook.ooxml import NS_MAIN, sheet_parts
from boardbook.section11 import contract as c
from boardbook.section11.pipeline import collate
from boardbook.templates import build_all
from boardbook.templates.styles import contrast_ratio
from tests.conftest import GOOD_EVIDENCE, make_return

AA = 4.5  # WCAG 1.4.3, normal-size text
NS = {"m": NS_MAIN,
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
      "c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
BLACK, WHITE = "000000", "FFFFFF"

# Built-in table styles we know the colours of: (header fill, header font, row-stripe fill) as theme
# colour index (with tint) or RGB. TableStyleMedium2: white bold on accent1, stripes accent1 at 80 % tint.
TABLE_STYLES: dict[str, tuple[tuple[int, float], str, tuple[int, float]]] = {
    "TableStyleMedium2": ((4, 0.0), WHITE, (4, 0.7999816888943144)),
}

AGENCIES = [Agency("Moorlands Police", "Police"), Agency("Northmoor ICB", "Health"),
            Agency("Fellside Council", "District council"), Agency("Dale Academy Trust", "Education")]


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
        make_return(returns, config, a.name, ratings=ratings[a.name], sector=a.sector,
                    evidence=[GOOD_EVIDENCE] * len(config.standards))
    first = collate([returns], tmp / "first" / "section11-summary.xlsx", config, agencies=AGENCIES)
    assert first.accepted == len(AGENCIES), [p.row() for p in first.problems]
    again = tmp / "again" / "section11-summary.xlsx"
    again.parent.mkdir()
    again.write_bytes(first.out.read_bytes())
    ratings[AGENCIES[0].name] = _ratings(config, 3)  # an agency changes its mind; collate into the same file
    make_return(returns, config, AGENCIES[0].name, ratings=ratings[AGENCIES[0].name], sector="Police")
    second = collate([returns], again, config, agencies=AGENCIES)
    assert second.accepted == len(AGENCIES), [p.row() for p in second.problems]
    by_name = {p.name: p for p in templates}
    from boardbook.budget.pipeline import fill_budget_file

    budget = tmp / "budget.xlsx"
    fill_budget_file(ROOT / "python/boardbook/data/demo-budget-2025-26.toml", budget,
                     previous=ROOT / "python/boardbook/data/demo-budget-2024-25.toml")
    return Workbooks(config, {
        "budget template": by_name["budget.xlsx"],
        "filled budget": budget,
        "return template": by_name["section11-return.xlsx"],
        "summary template": by_name["section11-summary.xlsx"],
        "collated summary": first.out,
        "re-collated summary": second.out,
    }, {agency: dict(zip(config.refs, labels, strict=True)) for agency, labels in ratings.items()})


ALL = ["return template", "summary template", "collated summary", "re-collated summary", "budget template",
       "filled budget"]
EMPTY_TEMPLATES = ("summary template", "budget template")  # no table rows with text yet
FILLED = ["collated summary", "re-collated summary"]


# -- colours, resolved the way Excel does from the package's own theme ---------------------------------
def theme_colours(zf: zipfile.ZipFile) -> list[str]:
    """Theme colours in Excel's index order: lt1, dk1, lt2, dk2, accent1..6, hlink, folHlink."""
    root = SafeET.fromstring(zf.read("xl/theme/theme1.xml"))
    scheme = root.find(".//a:clrScheme", NS)
    assert scheme is not None, "the package has no theme colour scheme"
    colours = {}
    for child in scheme:
        name = child.tag.split("}")[1]
        srgb, sys_ = child.find("a:srgbClr", NS), child.find("a:sysClr", NS)
        colours[name] = srgb.get("val") if srgb is not None else sys_.get("lastClr")  # type: ignore[union-attr]
    order = ["lt1", "dk1", "lt2", "dk2", *(f"accent{i}" for i in range(1, 7)), "hlink", "folHlink"]
    return [colours[n].upper() for n in order]


def tinted(rgb: str, tint: float) -> str:
    """Excel's tint: lighten (tint > 0) or darken (tint < 0) the HLS luminance."""
    if not tint:
        return rgb
    r, g, b = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    lum = lum * (1 + tint) if tint < 0 else lum * (1 - tint) + tint
    return "".join(f"{round(v * 255):02X}" for v in colorsys.hls_to_rgb(h, lum, s))


def resolve(colour: object, theme: list[str]) -> str | None:
    """RRGGBB of an openpyxl Color or a styles.xml <color> element; None when it names no colour."""
    if colour is None:
        return None
    if isinstance(colour, Color):  # only the attribute its type names is meaningful
        kind, value, tint = colour.type, colour.value, float(colour.tint or 0)
    else:  # an XML element: rgb | theme | indexed | auto attribute
        kind = next((k for k in ("rgb", "theme", "indexed") if colour.get(k) is not None), None)  # type: ignore[attr-defined]
        value, tint = (colour.get(kind) if kind else None), float(colour.get("tint") or 0)  # type: ignore[attr-defined]
    if kind == "rgb" and isinstance(value, str):
        return value[-6:].upper()
    if kind == "theme" and value is not None:
        return tinted(theme[int(value)], tint)
    if kind == "indexed" and value is not None:
        i = int(value)
        return COLOR_INDEX[i][-6:].upper() if i < 64 else (BLACK if i == 64 else WHITE)
    return None


@dataclass
class Pair:
    where: str
    text: str  # RRGGBB
    fill: str  # RRGGBB
    kind: str  # conditional | header (table style) | direct (cell fill) | text (coloured or default text)
    sheet: str = ""
    rule: str = ""  # a conditional format's formula (the text it matches)

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.text, self.fill)


def conditional_pairs(path: Path) -> list[Pair]:
    """Text/fill of every conditional-format rule: the dxf's font colour (default black) on each fill colour."""
    pairs = []
    with zipfile.ZipFile(path) as zf:
        theme = theme_colours(zf)
        styles = SafeET.fromstring(zf.read("xl/styles.xml"))
        dxfs = styles.findall("m:dxfs/m:dxf", NS)
        for sheet, part in sheet_parts(zf).items():
            root = SafeET.fromstring(zf.read(part))
            for cf in root.findall("m:conditionalFormatting", NS):
                for rule in cf.findall("m:cfRule", NS):
                    if rule.get("dxfId") is None:
                        continue
                    dxf = dxfs[int(rule.get("dxfId"))]  # type: ignore[arg-type]
                    where = f"{sheet}!{cf.get('sqref')} {rule.get('type')} {rule.findtext('m:formula', '', NS)}"
                    text = resolve(dxf.find("m:font/m:color", NS), theme) or BLACK
                    fill = dxf.find("m:fill/m:patternFill", NS)
                    fills = [] if fill is None or fill.get("patternType") == "none" else [
                        resolve(fill.find(f"m:{k}", NS), theme) for k in ("bgColor", "fgColor")]
                    fills = list(dict.fromkeys(f for f in fills if f)) or [WHITE]
                    formula = rule.findtext("m:formula", "", NS)
                    pairs.extend(Pair(where, text, f, "conditional", sheet, formula) for f in fills)
    return pairs


def cell_pairs(path: Path) -> list[Pair]:
    """Text/fill of every cell with a direct fill, a coloured font, or sitting in a table (table style)."""
    with zipfile.ZipFile(path) as zf:
        theme = theme_colours(zf)
    wb = openpyxl.load_workbook(path)
    pairs = []
    for ws in wb.worksheets:
        headers: dict[str, tuple[str, str]] = {}  # cell -> (fill, font) from the table style
        striped: dict[str, str] = {}  # data cell -> stripe fill
        for table in ws.tables.values():
            style = table.tableStyleInfo.name if table.tableStyleInfo else None
            if style is None:
                continue
            assert style in TABLE_STYLES, f"{ws.title}: table {table.name} uses {style}: add its colours here"
            (h_idx, h_tint), h_font, (s_idx, s_tint) = TABLE_STYLES[style]
            c1, r1, c2, r2 = range_boundaries(table.ref)
            for col in range(c1, c2 + 1):
                headers[ws.cell(r1, col).coordinate] = (tinted(theme[h_idx], h_tint), h_font)
                if table.tableStyleInfo.showRowStripes:
                    for row in range(r1 + 1, r2 + 1):
                        striped[ws.cell(row, col).coordinate] = tinted(theme[s_idx], s_tint)
        for row in ws.iter_rows():
            for cell in row:
                direct_fill = cell.fill.fill_type not in (None, "none")
                font = resolve(cell.font.color, theme) if cell.font and cell.font.color is not None else None
                explicit_font = cell.font.color is not None and cell.font.color.type == "rgb"
                where = f"{ws.title}!{cell.coordinate}"
                if cell.coordinate in headers:
                    style_fill, style_font = headers[cell.coordinate]
                    fill = resolve(cell.fill.fgColor, theme) if direct_fill else style_fill
                    pairs.append(Pair(where + " (table header)", font if explicit_font else style_font, fill,
                                      "header", ws.title))
                elif direct_fill:
                    pairs.append(Pair(where, font or BLACK, resolve(cell.fill.fgColor, theme) or WHITE, "direct",
                                      ws.title))
                elif cell.value not in (None, ""):
                    backgrounds = [WHITE] + ([striped[cell.coordinate]] if cell.coordinate in striped else [])
                    pairs.extend(Pair(where, font or BLACK, b, "text", ws.title) for b in backgrounds)
    return pairs


def failing(pairs: list[Pair]) -> list[str]:
    return [f"{p.where}: #{p.text} on #{p.fill} = {p.ratio:.2f}:1" for p in pairs if p.ratio < AA]


# -- contrast_ratio itself --------------------------------------------------------------------------------
@pytest.mark.parametrize(("a", "b", "expected"), [
    ("000000", "FFFFFF", 21.0),
    ("FFFFFF", "000000", 21.0),
    ("777777", "FFFFFF", 4.478),  # the classic near-miss grey
    ("767676", "FFFFFF", 4.542),  # the lightest grey that passes AA on white
    ("FF0000", "FFFFFF", 3.998),
    ("0000FF", "FFFFFF", 8.592),
    ("00FF00", "000000", 15.304),
    ("808080", "808080", 1.0),
    ("FF777777", "FFFFFFFF", 4.478),  # ARGB, as openpyxl stores colours
])
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
def chart_frames(path: Path) -> list[tuple[str, str, str]]:
    """(drawing part, frame name, descr) of every chart frame in the package."""
    frames = []
    with zipfile.ZipFile(path) as zf:
        for part in sorted(n for n in zf.namelist() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)):
            root = SafeET.fromstring(zf.read(part))
            for frame in root.iter(f"{{{NS['xdr']}}}graphicFrame"):
                if frame.find(".//c:chart", NS) is None:
                    continue
                nv = frame.find("xdr:nvGraphicFramePr/xdr:cNvPr", NS)
                assert nv is not None, f"{part}: a chart frame without cNvPr"
                frames.append((part, nv.get("name", ""), nv.get("descr", "")))
    return frames


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
        assert [col.name for col in t.tableColumns] == header, \
            f"{what}: table {t.name} column names differ from its header cells"


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
    assert keyed == set(workbooks.config.scale.labels), f"{what}: Matrix rules keyed on {keyed}"
