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
from boardbook.ooxml import cached_xml
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
        formula = escape(value.text[1:] if value.text.startswith("=") else value.text)
        cached = cached_xml(value.value)
        if cached is None or cached[1] == "":
            return f'<c r="{ref}"{style}><f>{formula}</f></c>'
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


_DIMENSION = re.compile(r'<dimension ref="([^"]*)"\s*/>')
_ROW_START = re.compile(r'<row\b[^>]*?\br="(\d+)"')


def splice(xml: str, blocks: Sequence[StreamedRows]) -> Iterator[str]:
    """The sheet ``xml`` with each block's rows inserted after its ``after_row``, in pieces.

    Each column's style is the one openpyxl gave the same column of ``after_row``. The caller (``save``)
    guarantees no other row of the sheet falls inside a block; this checks it, as a broken sheet would
    be worse than a failed save.
    """
    blocks = sorted(blocks, key=lambda b: b.after_row)
    xml = _grow_dimension(xml, blocks)
    pos = 0
    for block in blocks:
        m = re.compile(rf'<row r="{block.after_row}"[^>]*?(?:/>|>(.*?)</row>)', re.S).search(xml, pos)
        if m is None:
            raise RuntimeError(f"row {block.after_row} (a table's first data row) is missing from the sheet")
        found = dict(re.findall(r'<c r="([A-Z]+)\d+"[^>]*?\bs="(\d+)"', m.group(1) or ""))
        letters = [get_column_letter(col) for col in range(block.first_col, block.last_col + 1)]
        styles = [f' s="{found[col]}"' if col in found else "" for col in letters]
        following = _ROW_START.search(xml, m.end())
        if following is not None and int(following.group(1)) <= block.last_row:
            raise RuntimeError(
                f"row {following.group(1)} is inside streamed rows {block.after_row + 1}-{block.last_row}"
            )
        yield xml[pos : m.end()]
        yield from _render(block, letters, styles)
        pos = m.end()
    yield xml[pos:]


def _grow_dimension(xml: str, blocks: Sequence[StreamedRows]) -> str:
    m = _DIMENSION.search(xml)
    if m is None:
        return xml
    try:
        c1, r1, c2, r2 = range_boundaries(m.group(1))
    except ValueError:
        return xml
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
        re.search(r"<row\b(?![^>]*\br=)", xml)
        or re.search(r"<c\b(?![^>]*\br=)", xml)
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
        re.search(rf'<c\b[^>]*?\br="(?!(?:{letters})\d)', region)
        or 't="shared"' in region
        or re.search(r'<row\b[^>]*?\b(?:hidden|outlineLevel|collapsed)="(?:1|true)"', region)
    ):
        return None
    if values_read and ("<f" in region or 't="e"' in region):
        return None
    return xml[:begin] + xml[end:]
