"""Small, safe readers and patchers for the parts of an .xlsx package that libraries leave out.

- ``defined_names`` / ``all_defined_names``: calamine exposes no defined names; they sit in ``xl/workbook.xml``
  (workbook-scoped, sheet-scoped as a copied sheet has them, or pointing at ``#REF!``).
- ``sheet_parts``: which ``xl/worksheets/sheetN.xml`` holds which sheet.
- ``patch_package``: after openpyxl saves, put back what it cannot write — cached values of formula
  cells (so pandas/calamine readers see numbers) and alt text on charts (WCAG 1.1.1) — in either form
  openpyxl writes (with lxml or without); a part it does not recognise raises ``PackageEditError``.

XML from agencies is parsed with defusedxml only (no entity expansion, no external entities).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import openpyxl
from defusedxml import ElementTree as SafeET
from openpyxl.utils.datetime import to_excel

from boardbook.textsafe import clean_text

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _relationships(zf: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(relationship id, target part path, relationship type) of each relationship of ``part``."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    if rels_path not in zf.NameToInfo:
        return []
    root = SafeET.fromstring(zf.read(rels_path))
    out = []
    for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out.append((rel.get("Id", ""), path, rel.get("Type", "")))
    return out


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part path for ``part``."""
    return {rid: target for rid, target, _kind in _relationships(zf, part)}


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


@dataclass(frozen=True)
class DefinedName:
    """Where a defined name points: (sheet, cell) when it names one cell, else None.

    ``sheet_index`` is the 0-based position of the sheet a sheet-scoped name belongs to (Excel gives the copy of
    a sheet its own copies of the names on it); None for a workbook-scoped name. ``deleted``: the name refers to
    ``#REF!`` because the cell it named was deleted.
    """

    ref: tuple[str, str] | None
    sheet_index: int | None = None
    deleted: bool = False


def defined_names(zf: zipfile.ZipFile) -> dict[str, tuple[str, str] | None]:
    """Workbook-scoped defined names -> (sheet, cell) when they name one cell, else None."""
    return {name: dn.ref for name, dn in all_defined_names(zf).items() if dn.sheet_index is None}


def all_defined_names(zf: zipfile.ZipFile) -> dict[str, DefinedName]:
    """Every defined name: the workbook-scoped one, or, where there is none, the first sheet-scoped one.

    Read once per return, so the common case is quick: when the package says its workbook is
    ``xl/workbook.xml``, only that part's ``<definedNames>`` element is parsed. Anything unusual (another
    workbook part, a DTD, CDATA, comments, namespace prefixes) takes the full, package-driven parse.
    """
    rels = zf.read("_rels/.rels") if "_rels/.rels" in zf.NameToInfo else b""
    if b'Target="xl/workbook.xml"' in rels or b'Target="/xl/workbook.xml"' in rels:
        quick = _names_element(zf.read("xl/workbook.xml")) if "xl/workbook.xml" in zf.NameToInfo else None
        if quick is not None:
            return _names(quick)
    root = SafeET.fromstring(zf.read(workbook_part(zf)))
    return _names(root.iter(f"{{{NS_MAIN}}}definedName"))


def _names_element(data: bytes) -> list | None:
    """The ``<definedName>`` elements of just the ``<definedNames>`` element; None when that is not safe."""
    if b"<!" in data or data.count(b"definedNames") > 2:  # DTD, CDATA, comments, a second element: full parse
        return None
    start = data.find(b"<definedNames")
    if start < 0:
        return None if b"definedName" in data else []
    end = data.find(b"</definedNames>", start)
    head = data[start : data.find(b">", start) + 1]
    if end < 0 or b"xmlns" in head:
        return None
    try:
        root = SafeET.fromstring(data[start : end + len(b"</definedNames>")])
    except SafeET.ParseError:
        return None
    return list(root.iter("definedName"))


def _defined_names_element(data: bytes) -> dict[str, tuple[str, str] | None] | None:
    """Workbook-scoped names from just the ``<definedNames>`` element; None when that is not safe."""
    elements = _names_element(data)
    return None if elements is None else _workbook_names(elements)


def _workbook_names(elements: Iterable) -> dict[str, tuple[str, str] | None]:
    return {name: dn.ref for name, dn in _names(elements).items() if dn.sheet_index is None}


def _names(elements: Iterable) -> dict[str, DefinedName]:
    out: dict[str, DefinedName] = {}
    for dn in elements:
        name, text, local = dn.get("name", ""), dn.text or "", dn.get("localSheetId")
        if local is not None and (name in out or not local.strip().isdigit()):
            continue  # a workbook-scoped name, or an earlier sheet's, wins
        found = DefinedName(parse_ref(text), None if local is None else int(local), "#REF!" in text.upper())
        if local is None or name not in out:
            out[name] = found
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


# -- editing a package openpyxl has just saved -----------------------------------------------------------
#
# openpyxl serialises with lxml when lxml is installed (unless the environment says OPENPYXL_LXML=False) and
# with the standard library otherwise. The two differ in form only: ``<v></v>`` against ``<v />``, ``<x/>``
# against ``<x />``, namespace declarations on the root or on the element that first needs them, non-ASCII
# text as character references or as UTF-8. The patterns below accept any such form: attributes in any
# order, quoted either way, whitespace wherever the XML grammar allows it, empty elements either way, an XML
# declaration or none. What they do not recognise (a root element of another kind or namespace, a namespace
# prefix on an element they edit, a comment or CDATA section) is refused: every edit asked for is made, or
# ``PackageEditError`` names the part and what was expected. Nothing is saved half-patched.


class PackageEditError(RuntimeError):
    """A part of a package openpyxl has just written is not as expected, so it cannot be edited.

    Raised instead of saving a workbook that would silently lack cached values, alt text or rows.
    ``part`` is the part's path in the package ("" while a caller that knows it has not yet said).
    """

    def __init__(self, part: str, problem: str):
        self.part = part
        self.problem = problem
        writer = "lxml" if openpyxl.LXML else "standard-library"
        super().__init__(
            f"{part or 'a part of the saved package'}: {problem} (openpyxl {openpyxl.__version__}, "
            f"{writer} XML writer); the workbook was not saved"
        )


_NAME = r"[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?"
XML_ATTRS = rf"""(?:\s+{_NAME}\s*=\s*(?:"[^"<]*"|'[^'<]*'))*"""
"""Pattern text of a start tag's attribute list (attributes in any order, either quote, any spacing)."""
_ATTR = re.compile(rf"""({_NAME})\s*=\s*(?:"([^"<]*)"|'([^'<]*)')""")
_ENTITY = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _unescape(text: str) -> str:
    if "&" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        hexa, decimal, named = m.groups()
        return chr(int(hexa, 16)) if hexa else chr(int(decimal)) if decimal else _NAMED[named]

    return _ENTITY.sub(one, text)


def attributes(text: str) -> dict[str, str]:
    """Name -> value (references resolved) of the attributes in ``text``, a start tag's attribute list."""
    return {m.group(1): _unescape(m.group(2) if m.group(2) is not None else m.group(3)) for m in _ATTR.finditer(text)}


def _without(name: str) -> re.Pattern[str]:
    """Pattern of the attribute ``name`` (with the space before it) in an attribute list."""
    return re.compile(rf"""\s+{name}\s*=\s*(?:"[^"<]*"|'[^'<]*')""")


_PROLOG = re.compile(
    rf"\A\ufeff?\s*(?:<\?xml(?P<decl>{XML_ATTRS})\s*\?>\s*)?<(?P<tag>{_NAME})(?P<attrs>{XML_ATTRS})\s*/?>"
)
NS_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
REL_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"


def part_text(part: str, data: bytes, root: str, namespace: str) -> str:
    """The text of a part about to be edited, once it is known to be what the patterns here read.

    That is: UTF-8; an XML declaration at most before the root element; the root ``<root>`` with ``namespace``
    as its default namespace (no prefix); no comment, CDATA section, document type or other processing
    instruction anywhere (openpyxl writes none, and a pattern could match inside one).
    """
    try:
        xml = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackageEditError(part, f"is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    m = _PROLOG.match(xml)
    if m is None:
        raise PackageEditError(part, f"does not start with a <{root}> element (at most an XML declaration before it)")
    encoding = attributes(m.group("decl") or "").get("encoding", "UTF-8")
    if encoding.upper().replace("_", "-") not in ("UTF-8", "UTF8"):
        raise PackageEditError(part, f"declares the encoding {encoding!r}; expected UTF-8")
    tag, xmlns = m.group("tag"), attributes(m.group("attrs")).get("xmlns")
    if tag != root or xmlns != namespace:
        raise PackageEditError(
            part,
            f'expected the root element <{root} xmlns="{namespace}"> (the default namespace, no prefix); '
            f"found <{tag}> with xmlns={xmlns!r}",
        )
    if "<!" in xml or xml.count("<?") > (m.group("decl") is not None):
        raise PackageEditError(
            part, "holds a comment, CDATA section, document type or processing instruction, which openpyxl never writes"
        )
    return xml


_FORMULA_CELL = re.compile(
    r"<c(?=(?:\s[^>]*)?>\s*<f[\s/>])"  # a quick look ahead: only formula cells are read further
    rf"(?P<attrs>{XML_ATTRS})\s*>\s*"
    rf"(?P<f><f{XML_ATTRS}\s*(?:/>|>[^<]*</f\s*>))\s*"
    rf"(?:<v{XML_ATTRS}\s*(?:/>|>[^<]*</v\s*>)\s*)?"
    r"</c\s*>"
)
_T_ATTR = _without("t")
_R_ATTR = re.compile(r"""\sr\s*=\s*(?:"([^"<]*)"|'([^'<]*)')""")  # a cell reference holds no references


def _fill_values(xml: str, values: Mapping[str, object], part: str = "") -> str:
    """Each formula cell's cached value (``values``: cell -> value) put in its ``<v>``.

    Every cell with a value to cache must be in ``xml`` as a formula cell (``<c r=…><f>…</f><v/></c>``, in
    either writer's form), or ``PackageEditError`` names the cells not found.
    """
    pending = {coord: cached for coord, value in values.items() if (cached := cached_xml(value)) is not None}
    if not pending:
        return xml

    def repl(m: re.Match[str]) -> str:
        attrs = m.group("attrs")
        r = _R_ATTR.search(attrs)
        cached = pending.pop(r.group(1) or r.group(2), None) if r is not None else None
        if cached is None:
            return m.group(0)
        t, v = cached
        if "t" in attrs:  # (rarely: openpyxl gives a formula cell no type)
            attrs = _T_ATTR.sub("", attrs)
        return f"<c{attrs}{t}>{m.group('f')}<v>{v}</v></c>"

    xml = _FORMULA_CELL.sub(repl, xml)
    if pending:
        cells = ", ".join(list(pending)[:10]) + (", …" if len(pending) > 10 else "")
        raise PackageEditError(
            part,
            f'{len(pending)} formula cell(s) to give a cached value not found as <c r="…"><f>…</f><v/></c>: {cells}',
        )
    return xml


_CNVPR = re.compile(rf"<cNvPr(?P<attrs>{XML_ATTRS})\s*(?P<end>/?>)")
_DESCR_ATTR = _without("descr")


def _add_alt_text(xml: str, alt_texts: Sequence[str], part: str = "") -> str:
    """Set ``descr`` on the chart frames of a drawing: the n-th text (cleaned of characters XML cannot hold) on
    the frame openpyxl names "Chart n" (the n-th chart of the sheet, wherever its anchor puts the frame). An
    empty text leaves its frame alone; every other frame must be found, once, or ``PackageEditError`` says
    which are not."""
    wanted = {f"Chart {n}": text for n, text in enumerate(alt_texts, start=1) if text}
    done: set[str] = set()

    def repl(m: re.Match[str]) -> str:
        name = attributes(m.group("attrs")).get("name", "")
        text = wanted.get(name)
        if text is None:
            return m.group(0)
        if name in done:
            raise PackageEditError(part, f"two frames are named {name!r}")
        done.add(name)
        return f"<cNvPr{_DESCR_ATTR.sub('', m.group('attrs'))} descr={quoteattr(clean_text(text))}{m.group('end')}"

    xml = _CNVPR.sub(repl, xml)
    missing = [name for name in wanted if name not in done]
    if missing:
        raise PackageEditError(
            part, f'no chart frame <cNvPr name="…"> (default namespace) for the alt text of: {", ".join(missing)}'
        )
    return xml


def _drawing(zf: zipfile.ZipFile, sheet_part: str) -> str:
    """The drawing part of a worksheet that has charts (openpyxl writes one per sheet)."""
    drawings = [target for _rid, target, kind in _relationships(zf, sheet_part) if kind == REL_DRAWING]
    if len(drawings) != 1:
        raise PackageEditError(
            sheet_part, f"has {len(drawings)} drawing relationships; expected one, holding its charts"
        )
    return drawings[0]


def patch_package(
    src: str,
    dst: str,
    values: Mapping[str, Mapping[str, object]],
    alt_texts: Mapping[str, Sequence[str]],
    rewrite: Mapping[str, Callable[[str], Iterable[str]]] | None = None,
) -> None:
    """Copy package ``src`` to ``dst``, adding cached formula values and chart alt text.

    Args:
        values: sheet name -> {cell: value} for formula cells; every cell with a value must be a formula
            cell of that sheet.
        alt_texts: sheet name -> alt text of each chart on it, in the order they were added ("" for none).
        rewrite: sheet name -> function giving the sheet's final XML, in pieces, from its XML (after the
            cached values are in): how streamed table rows are spliced in without a second copy.

    Raises:
        PackageEditError: a part to edit is not as openpyxl writes it (with or without lxml), or an edit asked
            for could not be made; ``dst`` is then removed, never left half-patched.
    """
    try:
        _patch_package(src, dst, values, alt_texts, rewrite or {})
    except BaseException:
        Path(dst).unlink(missing_ok=True)
        raise


def _patch_package(
    src: str,
    dst: str,
    values: Mapping[str, Mapping[str, object]],
    alt_texts: Mapping[str, Sequence[str]],
    rewrite: Mapping[str, Callable[[str], Iterable[str]]],
) -> None:
    with zipfile.ZipFile(src) as zin:
        parts = sheet_parts(zin)
        sheets = {s for s, v in values.items() if v} | {s for s, t in alt_texts.items() if any(t)} | set(rewrite)
        if sheets - parts.keys():
            raise PackageEditError(
                workbook_part(zin), f"has no worksheet named {', '.join(map(repr, sorted(sheets - parts.keys())))}"
            )
        by_part_values = {parts[s]: v for s, v in values.items() if v}
        by_part_rewrite = {parts[s]: f for s, f in rewrite.items()}
        drawing_alt = {_drawing(zin, parts[s]): t for s, t in alt_texts.items() if any(t)}
        sheets_to_edit = set(by_part_values) | set(by_part_rewrite)
        absent = sorted((sheets_to_edit | set(drawing_alt)) - zin.NameToInfo.keys())
        if absent:
            raise PackageEditError(absent[0], "is named by the package's relationships but not in it")
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                name = info.filename
                data = zin.read(name)
                if name in drawing_alt:
                    xml = _add_alt_text(part_text(name, data, "wsDr", NS_DRAWING), drawing_alt[name], name)
                    data = xml.encode("utf-8")
                elif name in sheets_to_edit:
                    xml = part_text(name, data, "worksheet", NS_MAIN)
                    if name in by_part_values:
                        xml = _fill_values(xml, by_part_values[name], name)
                    if name in by_part_rewrite:
                        with zout.open(info, "w") as fh:  # no forced zip64 headers (cf. Apache POI bug 57342)
                            try:
                                for piece in by_part_rewrite[name](xml):
                                    fh.write(piece.encode("utf-8"))
                            except PackageEditError as exc:
                                if exc.part:
                                    raise
                                raise PackageEditError(name, exc.problem) from None
                        continue
                    data = xml.encode("utf-8")
                zout.writestr(info, data)
