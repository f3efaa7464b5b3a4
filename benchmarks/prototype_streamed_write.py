"""PROTOTYPE, not project code: evidence for the "stream big tables" recommendation in README.md.

``collate.py --prototype`` adds a variant that runs ``boardbook s11 collate`` with this installed. It changes
one thing: a table written with more than ``THRESHOLD`` rows and no formulas keeps only its first data row as
openpyxl cells (styled exactly as today, so the column styles, validations and conditional formats are set up
as usual); the other rows are spliced into the saved sheet's XML right after that first row, each column's
``s=`` style index copied from it, text as inline strings, row heights as ``fit_row_height`` computes them.
Done properly this belongs in ``OpenpyxlBook.write_table`` / ``save`` and ``ooxml.patch_package`` (one pass
over the package instead of the second zip copy made here).
"""

from __future__ import annotations

import os
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.cell import get_column_letter, range_boundaries

from boardbook.book.base import Formula
from boardbook.book.openpyxl_book import EXCEL_CELL_LIMIT, LINE_HEIGHT, OpenpyxlBook
from boardbook.ooxml import sheet_parts

THRESHOLD = 100
EPOCH = datetime(1899, 12, 30)


class StreamingBook(OpenpyxlBook):
    def write_table(self, name, rows, *, headers=None, formats=None):
        rows = list(rows)
        if len(rows) <= THRESHOLD or any(isinstance(v, Formula) for row in rows for v in row):
            return super().write_table(name, rows, headers=headers, formats=formats)
        super().write_table(name, rows[:1], headers=headers, formats=formats)
        ws, table = self._table(name)
        c1, r1, c2, _ = range_boundaries(table.ref)
        ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r1 + len(rows)}"
        table.ref = ref
        if table.autoFilter is not None:
            table.autoFilter.ref = ref
        width = c2 - c1 + 1
        wrapped = [j for j in range(width) if ws.cell(r1 + 1, c1 + j).alignment.wrap_text]
        widths = {j: ws.column_dimensions[get_column_letter(c1 + j)].width or 10 for j in wrapped}
        self.__dict__.setdefault("_deferred", {})[ws.title] = (r1 + 1, c1, rows[1:], wrapped, widths, width)

    def save(self, path=None, **kwargs):
        target = super().save(path, **kwargs)
        deferred = self.__dict__.get("_deferred")
        if deferred:
            splice(target, deferred)
        return target


def cell_xml(ref: str, s: str, v: object) -> str:
    if v is None or v == "":
        return f'<c r="{ref}"{s}/>' if s else ""
    if isinstance(v, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", v)
        if len(text) > EXCEL_CELL_LIMIT:
            text = text[: EXCEL_CELL_LIMIT - 40] + " … [truncated: over Excel's cell limit]"
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'
    if isinstance(v, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float | Decimal):
        return f'<c r="{ref}"{s}><v>{v}</v></c>'
    if isinstance(v, datetime | date):
        dt = v if isinstance(v, datetime) else datetime(v.year, v.month, v.day)
        return f'<c r="{ref}"{s}><v>{(dt - EPOCH).total_seconds() / 86400!r}</v></c>'
    return cell_xml(ref, s, str(v))


def splice(target: Path, deferred: dict) -> None:
    tmp = target.with_name(target.name + ".splice")
    with zipfile.ZipFile(target) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        parts = sheet_parts(zin)
        by_part = {parts[s]: d for s, d in deferred.items()}
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename not in by_part:
                zout.writestr(info, data)
                continue
            first_row, c1, rows, wrapped, widths, width = by_part[info.filename]
            xml = data.decode()
            m = re.search(rf'<row r="{first_row}"[^>]*>(.*?)</row>', xml)
            if m is None:
                raise RuntimeError(f"row {first_row} not found in {info.filename}")
            styles = dict(re.findall(r'<c r="([A-Z]+)\d+"( s="\d+")?', m.group(1)))
            letters = [get_column_letter(c1 + j) for j in range(width)]
            col_s = [styles.get(col, "") for col in letters]
            head, tail = xml[: m.end()], xml[m.end():]
            last = first_row + len(rows)
            head = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{letters[0]}1:{letters[-1]}{last}"', head)
            with zout.open(info.filename, "w") as fh:
                fh.write(head.encode())
                buf: list[str] = []
                for i, row in enumerate(rows, start=first_row + 1):
                    lines = 1
                    for j in wrapped:
                        v = row[j] if j < len(row) else None
                        if isinstance(v, str) and v:
                            per = max(1, int(widths[j] * 1.1))
                            lines = max(lines, sum(-(-max(1, len(p)) // per) for p in v.split("\n")))
                    ht = f' ht="{min(409.0, LINE_HEIGHT * lines)}" customHeight="1"' if lines > 1 else ""
                    cells = "".join(cell_xml(f"{letters[j]}{i}", col_s[j], row[j] if j < len(row) else None)
                                    for j in range(width))
                    buf.append(f'<row r="{i}"{ht}>{cells}</row>')
                    if len(buf) >= 2000:
                        fh.write("".join(buf).encode())
                        buf.clear()
                fh.write("".join(buf).encode())
                fh.write(tail.encode())
    os.replace(tmp, target)


def install() -> None:
    """Make ``collate`` build its new summaries as a StreamingBook (existing summaries are left alone)."""
    import boardbook.section11.collate as collate_module

    real = collate_module.build_summary

    def build_streaming(config):
        book = real(config)
        book.__class__ = StreamingBook
        return book

    collate_module.build_summary = build_streaming
