"""Worksheet rows written straight into a saved sheet's XML, for tables too big to hold as openpyxl cells.

Why: a 5,000-return summary is ~650,000 cells; as openpyxl ``Cell`` objects they cost ~15 s and ~300 MB to
build and serialise, as text rows well under a second. ``OpenpyxlBook`` writes a table's first data row as
ordinary cells (so styles, validations and conditional formats are set up as usual) and hands the other rows
here; ``ooxml.patch_package`` splices them in after that first row, each column's ``s=`` style copied from it.

Values follow the Book port's rules: text is always text (inline strings, never formulas), cleaned of the
characters Excel refuses and cut at Excel's cell limit; ``Formula`` cells carry their cached value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl.utils.cell import get_column_letter, range_boundaries

from boardbook.book.base import Formula
from boardbook.ooxml import XML_ATTRS, PackageEditError, attributes, cached_xml
from boardbook.textsafe import clean_text

LINE_HEIGHT = 15.0  # points, for the default 11 pt font
MAX_ROW_HEIGHT = 409.0


def row_height(cells: Iterable[tuple[object, float]]) -> float | None:
    """Height (points) a row needs for its wrapped ``(value, column width)`` cells; None for one line.

    LibreOffice does not grow rows for wrapped text on its own, so the writer sets the height.
    """
    lines = 1
    for value, width in cells:
        if isinstance(value, str) and value:
            per_line = max(1, int(width * 1.1))
            lines = max(lines, sum(-(-max(1, len(part)) // per_line) for part in value.split("\n")))
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines) if lines > 1 else None


@dataclass
class StreamedRows:
    """Rows to splice into a sheet after row ``after_row``, which holds the table's first data row."""

    after_row: int
    first_col: int
    rows: Sequence[Sequence[object]]
    heights: Sequence[float | None]  # one per row

    @property
    def last_row(self) -> int:
        return self.after_row + len(self.rows)

    @property
    def last_col(self) -> int:
        return self.first_col + max((len(r) for r in self.rows), default=1) - 1


def cell_xml(ref: str, style: str, value: object) -> str:
    """One ``<c>`` element; ``style`` is the ready-made ` s="n"` attribute (or "")."""
    if isinstance(value, Formula):
        formula = escape(value.stored.removeprefix("="))
        cached = cached_xml(value.value)
        if cached is None:
            return f'<c r="{ref}"{style}><f>{formula}</f></c>'
        # an empty text result is stored as Excel stores it (t="str", an empty <v>): a formula with no <v> at
        # all is one no spreadsheet has calculated, and readers say so
        return f'<c r="{ref}"{style}{cached[0]}><f>{formula}</f><v>{cached[1]}</v></c>'
    if value is None or value == "":  # an empty cell: Excel has no empty text a person could type
        return f'<c r="{ref}"{style}/>' if style else ""
    if isinstance(value, str):
        return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{escape(clean_text(value))}</t></is></c>'
    cached = cached_xml(value)
    if cached is None or cached[0] == ' t="str"':  # anything else is written as its text
        return cell_xml(ref, style, str(value))
    return f'<c r="{ref}"{style}{cached[0]}><v>{cached[1]}</v></c>'


def _render(block: StreamedRows, letters: Sequence[str], styles: Sequence[str]) -> Iterator[str]:
    chunk: list[str] = []
    for i, (row, height) in enumerate(zip(block.rows, block.heights, strict=True), start=block.after_row + 1):
        ht = f' ht="{height}" customHeight="1"' if height else ""
        cells = "".join(cell_xml(f"{letters[j]}{i}", styles[j], v) for j, v in enumerate(row))
        chunk.append(f'<row r="{i}"{ht}>{cells}</row>')
        if len(chunk) >= 1000:
            yield "".join(chunk)
            chunk.clear()
    yield "".join(chunk)


_DIMENSION = re.compile(rf"<dimension(?P<attrs>{XML_ATTRS})\s*(?:/>|>\s*</dimension\s*>)")
_ROW = re.compile(rf"<row(?P<attrs>{XML_ATTRS})\s*(?P<empty>/?)>")
_ROW_END = re.compile(r"</row\s*>")
_CELL = re.compile(rf"<c(?P<attrs>{XML_ATTRS})\s*/?>")
_ANY_CELL = re.compile(r"<(?:[\w.-]+:)?c[\s/>]")
_HIDDEN_OR_GROUPED = re.compile(
    r"""<row\b[^>]*?\s(?:(?:hidden|collapsed)\s*=\s*["'](?:1|true)["']|outlineLevel\s*=\s*["'](?!0["']))"""
)
_ROW_START = re.compile(r"""<row\b[^>]*?\sr\s*=\s*["'](\d+)["']""")  # quick, for strip_rows


def splice(xml: str, blocks: Sequence[StreamedRows]) -> Iterator[str]:
    """The sheet ``xml`` with each block's rows inserted after its ``after_row``, in pieces.

    Each column's style is the one openpyxl gave the same column of ``after_row``. The caller (``save``)
    guarantees no other row of the sheet falls inside a block; this checks it, as a broken sheet would
    be worse than a failed save. The sheet may be in either form openpyxl writes (with lxml or without);
    anything else that stops a block going in raises ``PackageEditError``.
    """
    blocks = sorted(blocks, key=lambda b: b.after_row)
    xml = _grow_dimension(xml, blocks)
    pos = 0
    for block in blocks:
        end, content = _find_row(xml, pos, block.after_row)
        found = _cell_styles(content, block.after_row)
        letters = [get_column_letter(col) for col in range(block.first_col, block.last_col + 1)]
        styles = [f' s="{found[col]}"' if col in found else "" for col in letters]
        following = _ROW.search(xml, end)
        if following is not None and _row_number(following) <= block.last_row:
            raise PackageEditError(
                "", f"row {_row_number(following)} is inside streamed rows {block.after_row + 1}-{block.last_row}"
            )
        yield xml[pos:end]
        yield from _render(block, letters, styles)
        pos = end
    yield xml[pos:]


def _row_number(m: re.Match[str]) -> int:
    r = attributes(m.group("attrs")).get("r", "")
    if not r.isdigit():
        raise PackageEditError("", f"a <row> without a row number (r=) in the sheet: {m.group(0)[:80]}")
    return int(r)


def _find_row(xml: str, pos: int, number: int) -> tuple[int, str]:
    """Where row ``number`` (looked for from ``pos``) ends, and what it holds; or ``PackageEditError``."""
    for m in _ROW.finditer(xml, pos):
        r = _row_number(m)
        if r > number:
            break
        if r < number:
            continue
        if m.group("empty"):
            return m.end(), ""
        close = _ROW_END.search(xml, m.end())
        content = xml[m.end() : close.start()] if close is not None else ""
        if close is None or "<row" in content:
            raise PackageEditError("", f"row {number} has no end tag </row>")
        return close.end(), content
    raise PackageEditError("", f"row {number} (a table's first data row) is missing from the sheet")


def _cell_styles(content: str, row: int) -> dict[str, str]:
    """Column letters -> style index (``s``) of the cells of a row's content, which must all be recognised."""
    found: dict[str, str] = {}
    cells = 0
    for m in _CELL.finditer(content):
        cells += 1
        attrs = attributes(m.group("attrs"))
        ref = attrs.get("r", "")
        col = ref.rstrip("0123456789")
        if not col.isalpha() or ref[len(col) :] != str(row):
            raise PackageEditError("", f"a cell of row {row} without its reference (r=) in that row: {m.group(0)[:80]}")
        if "s" in attrs:
            found[col] = attrs["s"]
    if cells != len(_ANY_CELL.findall(content)):
        raise PackageEditError("", f"cells of row {row} not recognised (<c r=… s=…> in the default namespace expected)")
    return found


def _grow_dimension(xml: str, blocks: Sequence[StreamedRows]) -> str:
    m = _DIMENSION.search(xml)
    if m is None:
        if "<dimension" in xml or ":dimension" in xml:
            raise PackageEditError("", "its <dimension> element is not recognised")
        return xml  # none (it is optional): nothing to grow
    ref = attributes(m.group("attrs")).get("ref", "")
    try:
        c1, r1, c2, r2 = range_boundaries(ref)
    except ValueError:
        raise PackageEditError("", f"<dimension ref={ref!r}> is not a cell range") from None
    c1, r1 = c1 or 1, r1 or 1
    c2 = max([c2 or c1, *(b.last_col for b in blocks)])
    r2 = max([r2 or r1, *(b.last_row for b in blocks)])
    ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
    return xml[: m.start()] + f'<dimension ref="{ref}"/>' + xml[m.end() :]


def strip_rows(xml: str, first: int, last: int, c1: int, c2: int, *, values_read: bool) -> str | None:
    """The sheet ``xml`` without rows ``first``..``last``; None when taking them out is not safe.

    Safe means: rows in order, every row and cell says where it is (no namespace prefixes either), every
    cell of those rows lies in columns ``c1``..``c2`` (the table's), no shared formula starts there and no
    row is hidden or grouped — so the rows hold nothing but the table, which the caller will rewrite.
    ``values_read``: the caller reads the rows' values elsewhere (python-calamine) first, so they must
    also hold no formulas (calamine sees only their results) and no error values (calamine sees blanks).
    """
    if (
        re.search(r"<row\b(?![^>]*\sr\s*=)", xml)
        or re.search(r"<c\b(?![^>]*\sr\s*=)", xml)
        or re.search(r"<\w+:(?:row|c)\b", xml)
    ):
        return None  # positions implied by order, or a dialect these patterns do not read
    begin = end = None
    previous = 0
    for m in _ROW_START.finditer(xml):
        r = int(m.group(1))
        if r <= previous:
            return None
        previous = r
        if begin is None and r >= first:
            begin = m.start()
        if r > last:
            end = m.start()
            break
    if begin is None:
        return xml
    if end is None:
        end = xml.find("</sheetData>", begin)
        if end < 0:
            return None
    region = xml[begin:end]
    letters = "|".join(get_column_letter(c) for c in range(c1, c2 + 1))
    if (
        re.search(rf"""<c\b[^>]*?\sr\s*=\s*["'](?!(?:{letters})\d)""", region)
        or re.search(r"""\st\s*=\s*["']shared["']""", region)
        or _HIDDEN_OR_GROUPED.search(region)
    ):
        return None
    if values_read and ("<f" in region or re.search(r"""\st\s*=\s*["']e["']""", region)):
        return None
    return xml[:begin] + xml[end:]
