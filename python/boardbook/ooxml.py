"""Small, safe readers and patchers for the parts of an .xlsx package that libraries leave out.

- ``defined_names``: calamine exposes no defined names; they sit in ``xl/workbook.xml``.
- ``sheet_parts``: which ``xl/worksheets/sheetN.xml`` holds which sheet.
- ``patch_package``: after openpyxl saves, put back what it cannot write — cached values of formula
  cells (so pandas/calamine readers see numbers) and alt text on charts (WCAG 1.1.1).

XML from agencies is parsed with defusedxml only (no entity expansion, no external entities).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree as SafeET
from openpyxl.utils.datetime import to_excel

from boardbook.textsafe import clean_text

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part path for ``part``."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    if rels_path not in zf.namelist():
        return {}
    root = SafeET.fromstring(zf.read(rels_path))
    out = {}
    for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = path
    return out


def workbook_part(zf: zipfile.ZipFile) -> str:
    """Path of the workbook part (``xl/workbook.xml`` in every file seen, but the package says)."""
    for rid, target in _rels(zf, "").items():
        del rid
        if target.endswith(".xml") and "workbook" in posixpath.basename(target).lower():
            return target
    return "xl/workbook.xml"


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part path, in workbook order."""
    wb_part = workbook_part(zf)
    root = SafeET.fromstring(zf.read(wb_part))
    rels = _rels(zf, wb_part)
    out = {}
    for sheet in root.iter(f"{{{NS_MAIN}}}sheet"):
        rid = sheet.get(f"{{{NS_REL}}}id", "")
        if rid in rels:
            out[sheet.get("name", "")] = rels[rid]
    return out


def table_parts(zf: zipfile.ZipFile) -> dict[str, tuple[str, str, str]]:
    """Table display name -> (sheet name, worksheet part, ref) for every table in the package."""
    out = {}
    for sheet, part in sheet_parts(zf).items():
        for target in _rels(zf, part).values():
            if "/tables/" not in target or target not in zf.NameToInfo:
                continue
            root = SafeET.fromstring(zf.read(target))
            name = root.get("displayName") or root.get("name") or ""
            out[name] = (sheet, part, root.get("ref", ""))
    return out


_REF = re.compile(r"^\s*=?\s*(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?([0-9]+)\s*$")


def defined_names(zf: zipfile.ZipFile) -> dict[str, tuple[str, str] | None]:
    """Workbook-scoped defined names -> (sheet, cell) when they name one cell, else None.

    Read once per return, so the common case is quick: when the package says its workbook is
    ``xl/workbook.xml``, only that part's ``<definedNames>`` element is parsed. Anything unusual (another
    workbook part, a DTD, CDATA, comments, namespace prefixes) takes the full, package-driven parse.
    """
    rels = zf.read("_rels/.rels") if "_rels/.rels" in zf.NameToInfo else b""
    if b'Target="xl/workbook.xml"' in rels or b'Target="/xl/workbook.xml"' in rels:
        quick = _defined_names_element(zf.read("xl/workbook.xml")) if "xl/workbook.xml" in zf.NameToInfo else None
        if quick is not None:
            return quick
    root = SafeET.fromstring(zf.read(workbook_part(zf)))
    return _workbook_names(root.iter(f"{{{NS_MAIN}}}definedName"))


def _defined_names_element(data: bytes) -> dict[str, tuple[str, str] | None] | None:
    """Names from just the ``<definedNames>`` element of a workbook part; None when that is not safe."""
    if b"<!" in data or data.count(b"definedNames") > 2:  # DTD, CDATA, comments, a second element: full parse
        return None
    start = data.find(b"<definedNames")
    if start < 0:
        return None if b"definedName" in data else {}
    end = data.find(b"</definedNames>", start)
    head = data[start : data.find(b">", start) + 1]
    if end < 0 or b"xmlns" in head:
        return None
    try:
        root = SafeET.fromstring(data[start : end + len(b"</definedNames>")])
    except SafeET.ParseError:
        return None
    return _workbook_names(root.iter("definedName"))


def _workbook_names(elements: Iterable) -> dict[str, tuple[str, str] | None]:
    out: dict[str, tuple[str, str] | None] = {}
    for dn in elements:
        if dn.get("localSheetId") is None:
            out[dn.get("name", "")] = parse_ref(dn.text or "")
    return out


def parse_ref(text: str) -> tuple[str, str] | None:
    """``'My sheet'!$B$3`` -> ("My sheet", "B3"); None for ranges, constants and formulas."""
    m = _REF.match(text)
    if not m:
        return None
    sheet = (m.group(1) or "").replace("''", "'") or (m.group(2) or "").strip()
    return sheet, f"{m.group(3)}{m.group(4)}"


def cached_xml(value: object) -> tuple[str, str] | None:
    """(``t`` attribute, ``<v>`` text) for a value stored in a cell, or None to leave the cell empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, Decimal):
        return "", str(value) if value.is_finite() else "0"
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            return ' t="e"', "#NUM!"
        return "", repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, datetime | date | time | timedelta):
        return "", repr(float(to_excel(value)))  # openpyxl's own conversion (its 1900 leap-year rule included)
    return ' t="str"', escape(clean_text(str(value)))


_FORMULA_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f><v\s*/>(</c>)')


def _fill_values(xml: str, values: Mapping[str, object]) -> str:
    def repl(m: re.Match[str]) -> str:
        coord, attrs, formula, end = m.groups()
        cached = cached_xml(values.get(coord))
        if cached is None:
            return m.group(0)
        t, v = cached
        attrs = re.sub(r'\s+t="[^"]*"', "", attrs)
        return f'<c r="{coord}"{attrs}{t}><f>{formula}</f><v>{v}</v>{end}'

    return _FORMULA_CELL.sub(repl, xml)


def _add_alt_text(xml: str, alt_texts: list[str]) -> str:
    """Set ``descr`` on the n-th chart frame's cNvPr (openpyxl writes them in chart order)."""
    frames = iter(alt_texts)

    def repl(m: re.Match[str]) -> str:
        text = next(frames, None)
        if not text:
            return m.group(0)
        tag = re.sub(r"\s+descr=\"[^\"]*\"", "", m.group(1))
        return f"{tag} descr={quoteattr(text)}{m.group(2)}"

    return re.sub(r'(<(?:xdr:)?cNvPr\b[^>]*?name="Chart \d+"[^>]*?)(\s*/?>)', repl, xml)


def patch_package(
    src: str,
    dst: str,
    values: Mapping[str, Mapping[str, object]],
    alt_texts: Mapping[str, list[str]],
    rewrite: Mapping[str, Callable[[str], Iterable[str]]] | None = None,
) -> None:
    """Copy package ``src`` to ``dst``, adding cached formula values and chart alt text.

    Args:
        values: sheet name -> {cell: value} for formula cells.
        alt_texts: sheet name -> alt text of each chart on it, in the order they were added.
        rewrite: sheet name -> function giving the sheet's final XML, in pieces, from its XML (after the
            cached values are in): how streamed table rows are spliced in without a second copy.
    """
    rewrite = rewrite or {}
    with zipfile.ZipFile(src) as zin:
        parts = sheet_parts(zin)
        by_part_values = {parts[s]: v for s, v in values.items() if s in parts and v}
        by_part_rewrite = {parts[s]: f for s, f in rewrite.items() if s in parts}
        drawing_alt: dict[str, list[str]] = {}
        for sheet, texts in alt_texts.items():
            if sheet in parts and texts:
                for target in _rels(zin, parts[sheet]).values():
                    if "/drawings/" in target:
                        drawing_alt[target] = texts
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename in by_part_values:
                    data = _fill_values(data.decode("utf-8"), by_part_values[info.filename]).encode("utf-8")
                elif info.filename in drawing_alt:
                    data = _add_alt_text(data.decode("utf-8"), drawing_alt[info.filename]).encode("utf-8")
                if info.filename in by_part_rewrite:
                    with zout.open(info, "w") as fh:  # no forced zip64 headers (cf. Apache POI bug 57342)
                        for piece in by_part_rewrite[info.filename](data.decode("utf-8")):
                            fh.write(piece.encode("utf-8"))
                    continue
                zout.writestr(info, data)
