"""Shared test helpers: the one module tests import helpers from (test modules never import each other).

Fixtures and hooks live in ``conftest.py``; everything else two or more test files (or the corpus generator,
``tests/corpus/make_corpus.py``) share lives here: real returns and budgets written through boardbook's own
template code, file hashes, table readers, WCAG contrast and chart checks, and LibreOffice as an independent
recalculation engine.
"""

from __future__ import annotations

import colorsys
import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import canonicalize

import openpyxl
import pytest
import python_calamine as pc
from defusedxml import ElementTree as SafeET
from openpyxl.styles.colors import COLOR_INDEX, Color
from openpyxl.utils.cell import range_boundaries

import boardbook.data
from boardbook.addin.verify import find_soffice  # one finder for the product and its tests
from boardbook.budget import contract as bc
from boardbook.config import Config, load_config
from boardbook.ooxml import NS_MAIN, sheet_parts
from boardbook.section11 import contract as c
from boardbook.templates.budget import build_budget
from boardbook.templates.section11_return import build_return
from boardbook.templates.styles import contrast_ratio

BIN = str(Path(sys.executable).with_name("boardbook"))  # the installed command, run as people run it
DATA = Path(boardbook.data.__file__).parent  # the packaged demo inputs (budgets, indicator lists)


# -- section 11 returns ---------------------------------------------------------------------------------------

# Evidence that passes every evidence check: what a good return says against each standard.
GOOD_EVIDENCE = "Policy approved by the board on 12/02/2026; audit of 40 case files; training at 94%."


# Every standard workbook `boardbook templates` writes (and workbooks/ commits), by file name.
STANDARD_WORKBOOKS = (
    "section11-return.xlsx",
    "section11-summary.xlsx",
    "budget.xlsx",
    "quadrant-performance.xlsx",
    "training-evaluation.xlsx",
    "learning-improvement.xlsx",
    "concerns-matrix.xlsx",
)


def make_return(
    folder: Path,
    config: Config,
    agency: str = "Moorlands Police",
    *,
    ratings: Sequence[object] | None = None,
    evidence: Sequence[object] | None = None,
    completed_on: object = date(2026, 5, 1),
    partnership: str | None = None,
    sector: str = "Police",
    round_: str = "2026",
    file_name: str | None = None,
    rows: list[list[object]] | None = None,
) -> Path:
    """Write a filled return (template + port) and return its path. ``rows`` replaces the table body."""
    book = build_return(config)
    book.set_name("Agency", agency)
    book.set_name("Sector", sector)
    book.set_name("Partnership", partnership or config.partnership)
    book.set_name("Round", round_)
    book.set_name("CompletedBy", "A. Tester")
    book.set_name("CompletedOn", completed_on)
    if rows is None:
        n = len(config.standards)
        ratings = list(ratings) if ratings is not None else ["Fully met"] * n
        evidence = list(evidence) if evidence is not None else [GOOD_EVIDENCE] * n
        rows = [[s.ref, s.title, ratings[i], evidence[i], None, None, None] for i, s in enumerate(config.standards)]
    book.write_table(c.ASSESSMENT, rows)
    path = folder / (file_name or f"{agency}.xlsx")
    book.save(path)
    return path


# -- files: hashes and tables --------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    """SHA-256 of one file: an input must be byte-identical after a run."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``: inputs must be byte-identical after any run."""
    return {str(p.relative_to(folder)): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def table(path: Path, name: str) -> list[dict[str, object]]:
    """The non-blank rows of Excel table ``name`` as a downstream reader (calamine) sees them."""
    t = pc.CalamineWorkbook.from_path(str(path), load_tables=True).get_table_by_name(name)
    return [dict(zip(t.columns, row, strict=True)) for row in t.to_python() if any(v != "" for v in row)]


# -- budgets --------------------------------------------------------------------------------------------------


def officer_budget(
    path: Path,
    config: Config,
    names: dict[str, object],
    contributions: Sequence[Sequence[object] | None] = (),
    other_income: Sequence[Sequence[object] | None] = (),
    expenditure: Sequence[Sequence[object] | None] = (),
) -> Path:
    """The budget template filled in as a finance officer types it: into the defined-name cells and the
    template's blank table rows (``None`` leaves a row blank). Returns ``path``. One maker for the corpus
    (``make_corpus``) and the budget tests."""
    build_budget(config).save(path)
    wb = openpyxl.load_workbook(path)
    for name, value in names.items():
        ((sheet, cell),) = list(wb.defined_names[name].destinations)
        wb[sheet][cell.replace("$", "")].value = value
    for table, rows in (
        (bc.CONTRIBUTIONS, contributions),
        (bc.OTHER_INCOME, other_income),
        (bc.EXPENDITURE, expenditure),
    ):
        ws = next(ws for ws in wb.worksheets if table in ws.tables)
        c1, r1, _c2, r2 = range_boundaries(ws.tables[table].ref)
        assert len(rows) <= r2 - r1, f"{table}: more rows than the template's blank rows"
        for i, row in enumerate(rows):
            for j, value in enumerate(row or ()):
                ws.cell(r1 + 1 + i, c1 + j).value = value
    wb.save(path)
    return path


def officer_workbook(
    path: Path,
    *,
    names: dict[str, object],
    contributions: list | tuple = (),
    other_income: list | tuple = (),
    expenditure: list | tuple = (),
) -> Path:
    """``officer_budget`` with the packaged configuration and keyword arguments, as the budget tests call it."""
    return officer_budget(path, load_config(), names, contributions, other_income, expenditure)


# The Northmoor budget as its finance officer typed it (the budget tests' shared input). Row 3 of Contributions,
# row 4 of Other income and row 5 of Expenditure are left blank; amounts are typed as text with £ and commas;
# shares as numbers (Excel stores 40 % as 0.4) or as text; 40 / 33.33 / 26.67 % of £250,001 leaves two pounds
# to place.
OFFICER_NAMES = {"FinancialYear": "2025/26", "ReservesBroughtForward": "£52,345.67", "Requirement": "£250,001"}
OFFICER_CONTRIBUTIONS = [
    ["Northmoor Council", "Local authority", "share", 0.4, None],
    ["Northmoor and Eastvale ICB", "Health", "share", "33.3333333333333%", None],
    None,
    ["Moorlands Police", "Police", "share", 0.266666666666667, None],
    ["Probation Service Moorlands", "Probation", "fixed", None, "£2,500"],
    ["Fellside District Council", "District council", "fixed", None, 3500],
    ["Northmoor Schools Forum", "Schools", "Fixed", None, 0],
]
OFFICER_OTHER_INCOME = [
    ["Dedicated Schools Grant", "Funding stream", "£18,000"],
    ["Training fees", None, "1,250.50"],  # Kind blank: Income
    None,
    ["Non-attendance charges", "Income", 840],
]
OFFICER_EXPENDITURE = [
    ["Independent scrutineer", "38,500", "£37,999.99"],
    ["Business unit staffing", 256000, None],  # no actual yet: the budget counts
    ["Child safeguarding practice reviews", 40000, 0],  # an actual of £0 is an actual
    None,
    ["Subgroup development", None, None],
]
OFFICER_AMOUNTS = [Decimal(100_000), Decimal(83_334), Decimal(66_667), Decimal(2500), Decimal(3500), Decimal(0)]
OFFICER_TOTALS = {
    "TotalContributions": Decimal("256001"),
    "TotalIncome": Decimal("276091.50"),
    "TotalExpenditure": Decimal("293999.99"),
    "Surplus": Decimal("-17908.49"),
    "Drawdown": Decimal("17908.49"),
    "AddToReserves": Decimal(0),
    "ReservesCarriedForward": Decimal("34437.18"),
}


def pasted_into_new_workbook(src: Path, dst: Path) -> Path:
    """What an agency does with Ctrl+A, Ctrl+C on each sheet and Paste Values into a new workbook: the same
    sheets, names and cells, no table, no defined names."""
    old = openpyxl.load_workbook(src)
    new = openpyxl.Workbook()
    new.remove(new.active)
    for ws in old.worksheets:
        copy = new.create_sheet(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    copy[cell.coordinate] = cell.value
    new.save(dst)
    return dst


def names_openpyxl(path: Path, *, data_only: bool = True) -> dict[str, object]:
    """Every single-cell defined name and its value, read by openpyxl (cached values unless ``data_only=False``)."""
    wb = openpyxl.load_workbook(path, data_only=data_only)
    out = {}
    for name, dn in wb.defined_names.items():
        ((sheet, cell),) = list(dn.destinations)
        out[name] = wb[sheet][cell.replace("$", "")].value
    return out


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the installed ``boardbook`` command (UTF-8, no terminal size), as the budget tests drive it."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [BIN, *map(str, args)], capture_output=True, text=True, encoding="utf-8", timeout=120, env=env
    )


# -- accessibility: WCAG contrast of every text/fill pair, chart alt text -------------------------------------

AA = 4.5  # WCAG 1.4.3, normal-size text
NS = {
    "m": NS_MAIN,
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
}
BLACK, WHITE = "000000", "FFFFFF"

# Built-in table styles we know the colours of: (header fill, header font, row-stripe fill) as theme
# colour index (with tint) or RGB. TableStyleMedium2: white bold on accent1, stripes accent1 at 80 % tint.
TABLE_STYLES: dict[str, tuple[tuple[int, float], str, tuple[int, float]]] = {
    "TableStyleMedium2": ((4, 0.0), WHITE, (4, 0.7999816888943144)),
}


# colours, resolved the way Excel does from the package's own theme
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
    """One text colour on one fill colour, and where it is: what a contrast check measures."""

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
                    fills = (
                        []
                        if fill is None or fill.get("patternType") == "none"
                        else [resolve(fill.find(f"m:{k}", NS), theme) for k in ("bgColor", "fgColor")]
                    )
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
                    pairs.append(
                        Pair(where + " (table header)", font if explicit_font else style_font, fill, "header", ws.title)
                    )
                elif direct_fill:
                    pairs.append(
                        Pair(where, font or BLACK, resolve(cell.fill.fgColor, theme) or WHITE, "direct", ws.title)
                    )
                elif cell.value not in (None, ""):
                    backgrounds = [WHITE] + ([striped[cell.coordinate]] if cell.coordinate in striped else [])
                    pairs.extend(Pair(where, font or BLACK, b, "text", ws.title) for b in backgrounds)
    return pairs


def failing(pairs: list[Pair]) -> list[str]:
    """The pairs below WCAG AA contrast, one readable line each (for assertion messages)."""
    return [f"{p.where}: #{p.text} on #{p.fill} = {p.ratio:.2f}:1" for p in pairs if p.ratio < AA]


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


def chart_parts(path: Path) -> list[Any]:
    """The parsed chart parts of the package, in part order."""
    with zipfile.ZipFile(path) as zf:
        names = sorted(n for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return [SafeET.fromstring(zf.read(n)) for n in names]


# -- packages, whichever XML writer openpyxl used -------------------------------------------------------------

TIMESTAMPS = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def canonical_parts(path: Path) -> dict[str, bytes]:
    """Every part of the package in a form that does not depend on how openpyxl serialised it.

    XML parts are canonicalised (C14N 2.0): the same elements, attributes, text and namespaces compare equal
    whatever the attribute order, quoting, empty-element form, character references or where a namespace is
    declared — what differs between openpyxl's lxml and standard-library writers — and nothing else does.
    Other parts stay as they are. Only the created/modified timestamps (which always vary) are masked.
    """
    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = TIMESTAMPS.sub(b"", zf.read(name))
            if name.endswith((".xml", ".rels", ".vml")):
                data = canonicalize(data.decode("utf-8")).encode("utf-8")
            out[name] = data
    return out


# -- LibreOffice as an independent spreadsheet engine ---------------------------------------------------------
#
# LibreOffice only recalculates an .xlsx on load when its profile says so; by default it keeps the cached
# values, which would make any "recalculated" comparison vacuous. ``recalculate`` therefore runs soffice
# headless with a throwaway user profile whose ``registrymodifications.xcu`` sets
# ``/org.openoffice.Office.Calc/Formula/Load`` ``OOXMLRecalcMode`` to 0 (always recalculate).

TIMEOUT_S = 180
INSTALL_HINT = "LibreOffice (soffice) not installed: apt-get install libreoffice-calc-nogui"

# OOXMLRecalcMode / ODFRecalcMode: 0 = always recalculate, 1 = never, 2 = ask (the default; run headless
# with a fresh profile it keeps the cached values, as NEVER does: measured with LibreOffice 7.4).
ALWAYS, NEVER = 0, 1
REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>{mode}</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    """soffice failed, timed out, or wrote no output."""


def _profile(mode: int) -> Path:
    """A fresh user profile directory with the recalculation setting written before its first run."""
    root = Path(tempfile.mkdtemp(prefix="boardbook-lo-profile-"))
    user = root / "user"
    user.mkdir()
    (user / "registrymodifications.xcu").write_text(REGISTRY.format(mode=mode), encoding="utf-8")
    return root


def recalculate_many(
    sources: Sequence[Path],
    outdir: Path,
    *,
    timeout: float = TIMEOUT_S,
    recalc_mode: int = ALWAYS,
    to: str = "xlsx",
) -> list[Path]:
    """Open every source in one soffice run, recalculate all formulas, save as .xlsx into ``outdir``.

    ``recalc_mode`` NEVER exists only to prove, in tests, that ALWAYS is what makes the difference.
    Returns the output paths in the order of ``sources``. Raises LibreOfficeError (with soffice's
    output) when soffice is missing, fails, times out, or leaves an output missing.
    """
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeError(INSTALL_HINT)
    sources = [Path(s).resolve() for s in sources]
    if not sources:
        raise ValueError("no files to recalculate")
    stems = [s.stem for s in sources]
    if len(set(stems)) != len(stems):
        raise ValueError(f"sources must have distinct names (outputs share one folder): {stems}")
    for s in sources:
        if not s.is_file():
            raise FileNotFoundError(s)
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    outputs = [outdir / f"{s.stem}.{to.split(':')[0]}" for s in sources]
    for out in outputs:
        if out in sources:
            raise ValueError(f"output {out} would overwrite its source: choose another outdir")
        out.unlink(missing_ok=True)

    profile = _profile(recalc_mode)
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        to,
        "--outdir",
        str(outdir),
        *map(str, sources),
    ]
    env = {**os.environ, "HOME": str(profile)}  # keep soffice away from the real home directory
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise LibreOfficeError(
            f"soffice timed out after {timeout:.0f} s: {' '.join(cmd)}\nstdout: {exc.stdout!r}\nstderr: {exc.stderr!r}"
        ) from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    missing = [o for o in outputs if not o.is_file()]
    if proc.returncode != 0 or missing:
        raise LibreOfficeError(
            f"soffice exited {proc.returncode}; missing outputs: {[str(m) for m in missing]}\n"
            f"command: {' '.join(cmd)}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
        )
    return outputs


def recalculate(src: Path, outdir: Path, *, timeout: float = TIMEOUT_S, recalc_mode: int = ALWAYS) -> Path:
    """Recalculate one workbook with LibreOffice; returns the converted .xlsx in ``outdir``."""
    return recalculate_many([src], outdir, timeout=timeout, recalc_mode=recalc_mode)[0]


# LibreOffice's CSV filter: comma-separated, "-quoted, UTF-8 (76), first line 1, cells written as shown.
CSV_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1"


def as_shown(src: Path, outdir: Path) -> list[list[str]]:
    """The first sheet of ``src`` as LibreOffice shows it (each cell rendered through its number format)."""
    out = recalculate_many([src], outdir, to=CSV_AS_SHOWN)[0]
    with out.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def in_ci() -> bool:
    """True when the CI environment variable is set (LibreOffice is then required, not optional)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_soffice() -> None:
    """CI must have LibreOffice; elsewhere its absence skips the tests that need it (saying why)."""
    if find_soffice() is None:
        if in_ci():
            pytest.fail(f"CI is set but {INSTALL_HINT}")
        pytest.skip(INSTALL_HINT)


WRITER_HINT = "LibreOffice Writer not installed: apt-get install libreoffice-writer-nogui (scripts/ensure-libreoffice)"


def require_writer() -> None:
    """LibreOffice with Writer (a .docx to PDF needs it; soffice exits 0 and writes nothing without it): required in
    CI, else its absence skips the test, saying why."""
    require_soffice()
    soffice = find_soffice()
    assert soffice is not None
    if not (Path(os.path.realpath(soffice)).parent / "libswlo.so").exists():
        if in_ci():
            pytest.fail(f"CI is set but {WRITER_HINT}")
        pytest.skip(WRITER_HINT)


# -- training evaluation exports, as Microsoft Forms writes them ----------------------------------------------

FORMS_HEADERS = (
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Course",
    "Date",
    "Agency",
    "Sector",
    "Before",
    "After",
    "Impact",
)
# Name, e-mail, course, date, agency, sector, before, after, impact: names and addresses must never reach an output.
Evaluation = tuple[str, str, object, object, str, str, object, object, str]
EVALUATION_ROWS: list[Evaluation] = [
    ("Alice Brown", "alice.brown@police.example", "Neglect", "14/03/2026", "Northmoor Police", "Police", 2, 4,
     "I will use the neglect toolkit in every home visit"),
    ("Bob Carter", "bob.carter@police.example", "Neglect", "14/03/2026", "Northmoor Police", "Police", 2, 4, ""),
    ("Cara Dunn", "cara.dunn@nhs.example", "Neglect", "14/03/2026", "Northmoor NHS Trust", "Health", 2, 3, ""),
    ("Dev Evans", "dev.evans@nhs.example", "Neglect", "14/03/2026", "Northmoor NHS Trust", "health", 2, 5,
     "Better chronologies"),
    ("Ella Ford", "ella.ford@council.example", "Neglect", "14/03/2026", "Northmoor Council", "Local authority", 2, 4,
     ""),
    ("Finn Gray", "finn.gray@school.example", "Neglect", "14/03/2026", "Moor Academy", "Education", 2, 4, ""),
    ("Gail Hart", "gail.hart@charity.example", "Neglect", "14/03/2026", "Moor Families", "Voluntary sector", 2, 2,
     ""),
    ("Hal Irving", "hal.irving@example.com", "Neglect", "14/03/2026", "", "", 3, 3, ""),
    ("Ian Jones", "ian.jones@council.example", "Exploitation", "21/03/2026", "Northmoor Council", "Local authority",
     1, 3, "I will refer to the exploitation panel sooner"),
    ("Jo King", "jo.king@police.example", "Exploitation", "21/03/2026", "Northmoor Police", "Police", 3, 4, ""),
    ("Kim Lee", "kim.lee@nhs.example", "Exploitation", "21/03/2026", "Northmoor NHS Trust", "Health", 4, 4, ""),
    ("Lou Moss", "lou.moss@charity.example", "Domestic abuse", "28/03/2026", "Moor Families", "Voluntary sector", 3,
     "5 - Very confident", "Ask the question every time"),
    # left out, with a warning each: off the scale, a blank answer, no course
    ("Max Nash", "max.nash@police.example", "Exploitation", "21/03/2026", "Northmoor Police", "Police", 2, 7, ""),
    ("Nia Owen", "nia.owen@nhs.example", "Domestic abuse", "28/03/2026", "Northmoor NHS Trust", "Health", "", 4, ""),
    ("Oli Pike", "oli.pike@council.example", "", "28/03/2026", "Northmoor Council", "Local authority", 2, 4, ""),
]  # fmt: skip


def forms_export(
    path: Path,
    rows: Sequence[Evaluation] = EVALUATION_ROWS,
    *,
    headers: Sequence[str] = FORMS_HEADERS,
    as_table: bool = True,
) -> Path:
    """A Microsoft Forms response export: "CSV UTF-8" (byte-order mark, CRLF) or .xlsx (sheet "Sheet1", the
    responses an Excel table "Table1" unless ``as_table`` is False), with ID, start and completion times, e-mail
    and name columns before the questions. Numbers in an .xlsx are numbers, as Forms writes a rating question's."""
    records = [
        [i, f"3/{14 + i % 9}/26 9:{i:02d}:11", f"3/{14 + i % 9}/26 9:{i + 3:02d}:48", email, name, *rest]
        for i, (name, email, *rest) in enumerate(rows, start=1)
    ]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(headers)
            writer.writerows([["" if v is None else v for v in r] for r in records])
        return path
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(list(headers))
    for r in records:
        ws.append([None if v == "" else v for v in r])
    if as_table:
        from openpyxl.worksheet.table import Table

        ws.add_table(
            Table(displayName="Table1", ref=f"A1:{openpyxl.utils.get_column_letter(len(headers))}{len(records) + 1}")
        )
    wb.save(path)
    return path


# -- the six filled workbooks the annual report pack is made from -------------------------------------------------
def six_filled_workbooks(folder: Path) -> dict[str, Path]:
    """The partnership's six filled workbooks, made by the real fills from the bundled demo data and named as a
    business unit might name them, by ``build_report``'s keyword (budget, performance, s11, learning, training,
    concerns)."""
    from datetime import datetime

    from boardbook.budget.pipeline import fill_budget_file
    from boardbook.concerns.pipeline import fill_concerns_file
    from boardbook.learning.pipeline import fill_tracker_file
    from boardbook.performance.demo import write_demo_inputs
    from boardbook.performance.pipeline import fill_workbook
    from boardbook.section11.pipeline import collate
    from boardbook.training.pipeline import fill_training_file

    folder.mkdir(parents=True, exist_ok=True)
    config = load_config()
    paths = {
        "budget": folder / "Budget 2025-26.xlsx",
        "performance": folder / "Quadrant Q4.xlsx",
        "s11": folder / "Section 11 summary 2026.xlsx",
        "learning": folder / "Learning tracker.xlsx",
        "training": folder / "Training evaluation.xlsx",
        "concerns": folder / "Matrix of concerns.xlsx",
    }
    fill_budget_file(DATA / "demo-budget-2025-26.toml", paths["budget"])
    demo = write_demo_inputs(folder / "performance-inputs")
    fill_workbook(
        paths["performance"],
        config,
        indicators=[demo["indicators.csv"]],
        evidence=demo["evidence.csv"],
        risk_factors=demo["risk-factors.csv"],
        now=datetime(2026, 4, 1, 9, 0),
    )
    returns = folder / "returns"
    returns.mkdir(exist_ok=True)
    labels = config.scale.labels
    for k, agency in enumerate(("Moorlands Police", "Northmoor ICB")):
        ratings = [labels[(i + k) % len(labels)] for i in range(len(config.standards))]
        make_return(returns, config, agency, ratings=ratings, evidence=[GOOD_EVIDENCE] * len(config.standards))
    collate([returns], paths["s11"], config)
    fill_tracker_file(DATA / "demo-recommendations.csv", paths["learning"], as_at=date(2026, 3, 31))
    fill_training_file([forms_export(folder / "forms.csv")], paths["training"], config)
    fill_concerns_file(DATA / "demo-concerns.csv", paths["concerns"])
    return paths
