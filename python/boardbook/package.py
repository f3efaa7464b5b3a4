"""Open an input file as an .xlsx package, or say in plain words what it really is — and what it claims.

Agencies send back all sorts: .xls, .ods, CSVs renamed .xlsx, password-protected or truncated files.
Each gets a message a safeguarding lead can act on. The file is read once, into memory, and never
written.

A reader (python-calamine, in Rust) builds every sheet it reads as a grid from A1 to the farthest cell
holding something, and every table as a grid of its range: one stray keystroke in XFD1048576 asks it for
549 GB, and an allocation that fails aborts the whole process, not just the file. So before a sheet or a
table is read, ``Package.check_sheet`` / ``check_table`` look at what the package really holds (a bounded
scan of the sheet's XML for its farthest cell with a value, the table's range) and refuse the file, naming
the sheet and cell, when it would take more than ``MAX_CELLS``; ``open_package`` refuses a shared-strings
part that claims more strings than it can hold (calamine reserves room for the claim up front).
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from boardbook.errors import Location, WorkbookError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNPACKED = 256 * 1024 * 1024  # a real return unpacks to well under 1 MB; a summary of 300 agencies ~20 MB
MAX_RATIO = 200  # Office XML compresses ~10:1; far beyond is a zip bomb
ZIP_MAGIC = b"PK\x03\x04"
# Cells read from one file: each sheet read, A1 to its farthest cell holding something, plus each table's range.
# A return is ~200; the Returns sheet and table of a 5,000-return summary ~1.3 million. The reader holds ~32 bytes
# a cell (and Python 8 more), so a file at the limit takes ~200 MB; a sheet of 1,048,576 rows by 5 columns is over.
MAX_CELLS = 5_000_000
CHUNK = 1 << 20  # sheet XML is scanned a megabyte at a time
T = TypeVar("T")


class LegacyWorkbook(WorkbookError):
    """A real spreadsheet, but not .xlsx (a legacy .xls, an .ods): no Excel tables, no readable defined names.

    Readers that can work from the layout (labels and column headers) catch this and use ``data``.
    """

    def __init__(self, message: str, location: Location, kind: str, data: bytes):
        super().__init__(message, location)
        self.kind = kind
        self.data = data


@dataclass(frozen=True)
class Extent:
    """How far a sheet's cells holding something reach: its last row and column (1-based; 0 when empty), the
    column of the lowest such cell and the row of the right-most, and the last row and column short of those
    (to tell a stray cell from data that is simply big)."""

    rows: int = 0
    cols: int = 0
    bottom_col: int = 0
    right_row: int = 0
    next_row: int = 0
    next_col: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    @property
    def corner(self) -> str:
        return f"{column_letters(self.cols)}{self.rows}"

    def culprits(self) -> list[str]:
        """The cell or two far beyond the rest (more than twice as far down, or across): stray keystrokes."""
        out = []
        if self.rows > 2 * self.next_row:
            out.append(f"{column_letters(self.bottom_col)}{self.rows}")
        right = f"{column_letters(self.cols)}{self.right_row}"
        if self.cols > 2 * self.next_col and right not in out:
            out.append(right)
        return out


@dataclass(frozen=True)
class TableInfo:
    """An Excel table as its part declares it: range (1-based, inclusive), header and totals rows, columns."""

    name: str
    sheet: str
    ref: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    header_rows: int
    totals_rows: int
    columns: list[str]

    @property
    def cells(self) -> int:
        return (self.last_row - self.first_row + 1) * (self.last_col - self.first_col + 1)

    @property
    def data_rows(self) -> int:
        """Data rows as python-calamine counts them; 0 for a header-only table (which calamine cannot read)."""
        start = self.first_row + self.header_rows
        end = self.last_row - (self.header_rows if self.totals_rows else 0)  # calamine's own arithmetic
        return max(0, end - start + 1)


@dataclass
class Package:
    """An input workbook read into memory: its bytes, their SHA-256, and the zip over them.

    ``cells_left`` is what remains of ``MAX_CELLS`` for this file after the sheets and tables checked so far.
    """

    path: Path
    data: bytes
    zip: zipfile.ZipFile
    cells_left: int = MAX_CELLS
    _extents: dict[tuple[str, bool], Extent] = field(default_factory=dict, repr=False)
    _sheets: dict[str, str] | None = field(default=None, repr=False)
    _tables: dict[str, TableInfo] = field(default_factory=dict, repr=False)
    _sheets_done: set[str] = field(default_factory=set, repr=False)
    _names: dict[str, str] | None = field(default=None, repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def has_macros(self) -> bool:
        names = self.zip.namelist()
        return any(n.lower().endswith("vbaproject.bin") for n in names)

    def stream(self) -> io.BytesIO:
        return io.BytesIO(self.data)

    # -- what the package claims, checked before a reader builds it ---------------------------------------
    def check_sheet(self, sheet: str) -> Extent:
        """Before a reader builds ``sheet``: its extent, taken from this file's allowance of cells.

        WorkbookError naming the sheet and the farthest cell when it would take more than is left.
        """
        extent = self.extent(sheet)
        if extent.cells > self.cells_left:
            extent = self.extent(sheet, exact=True)
        if extent.cells > self.cells_left:
            cells = extent.culprits()
            which = " and ".join(cells)
            size = f"{extent.rows:,} rows × {extent.cols:,} columns, {self._over(extent.cells)}, so it was not read"
            raise WorkbookError(
                f"the sheet '{sheet}' has data as far as {extent.corner} (a stray keystroke in {which}?): {size}; "
                f"delete what is in {which} (Ctrl+End in Excel goes to the last cell) or copy the data into a "
                "clean workbook"
                if cells
                else f"the sheet '{sheet}' has data as far as {extent.corner}: {size}; keep only what boardbook "
                "needs in this workbook",
                Location(str(self.path), sheet, cells[0] if cells else extent.corner),
            )
        self.cells_left -= extent.cells
        return extent

    def check_table(self, name: str) -> TableInfo:
        """Before a reader builds table ``name`` (its display name, as the reader lists it): what it declares,
        its range and its sheet taken from this file's allowance of cells.

        WorkbookError naming the table and its range when it would take more than is left, or when the package
        does not say where the table is (the reader found it some other way: it is not read unchecked).
        """
        info = self.table(name)
        if info is None:
            raise WorkbookError(
                f"the workbook is damaged: where the table '{name}' is stored cannot be found; save a clean copy",
                Location(str(self.path)),
            )
        if info.cells > self.cells_left:
            raise WorkbookError(
                f"the table '{name}' covers {info.ref} (resized too far?): {self._over(info.cells)}, so it was "
                "not read; resize the table to its data (Table Design > Resize Table) or copy the data into a clean "
                "workbook",
                Location(str(self.path), info.sheet, info.ref),
            )
        self.cells_left -= info.cells
        if info.data_rows:
            self.check_sheet(info.sheet)  # the reader builds the whole sheet to cut the table out of it
        return info

    def _over(self, cells: int) -> str:
        if cells <= MAX_CELLS:  # too many only with the sheets and tables read from the file before it
            left = f"{self.cells_left:,} left of the {MAX_CELLS:,}"
            return f"{cells:,} cells, more than the {left} boardbook reads from one file"
        return f"{cells:,} cells, more than the {MAX_CELLS:,} boardbook reads from one file"

    def extent(self, sheet: str, *, exact: bool = False) -> Extent:
        """How far ``sheet``'s cells reach, by a scan of its XML (no cell is kept).

        The quick scan counts every cell written the usual way (Excel, LibreOffice, openpyxl); ``exact`` (and a
        sheet written otherwise) follows the reader: cells without a value are not counted, a cell's place may
        be implied by the one before, the farthest cells are noted to be named.
        """
        key = (sheet, exact)
        if key not in self._extents:
            part = self.sheets().get(sheet)
            name = None if part is None else self._name(part)
            if name is None:  # calamine found a sheet this package does not say where it is: do not guess
                raise WorkbookError(
                    f"the workbook is damaged: where the sheet '{sheet}' is stored cannot be found; save a clean copy",
                    Location(str(self.path), sheet),
                )
            small = self.zip.NameToInfo[name].file_size <= CHUNK

            def chunks() -> Iterable[bytes]:
                return [self._bytes(name)] if small else _chunks(self.zip, name)

            def scan() -> Extent:
                quick = None if exact else quick_extent(chunks())
                return quick if quick is not None else exact_extent(chunks())

            self._extents[key] = self._guarded(scan)
        return self._extents[key]

    def sheets(self) -> dict[str, str]:
        """Sheet name -> worksheet part, as the workbook part and its relationships say."""
        if self._sheets is None:
            self._sheets = self._guarded(self._find_sheets)
        return self._sheets

    def table(self, name: str) -> TableInfo | None:
        """What the part of table ``name`` (its display name) declares; None if no sheet has it. The sheets'
        tables are read in workbook order, up to the sheet that has it."""
        if name not in self._tables:
            for sheet in self.sheets():
                if sheet not in self._sheets_done:
                    self._sheets_done.add(sheet)
                    found = self._guarded(functools.partial(self._find_tables, sheet))
                    self._tables.update({k: v for k, v in found.items() if k not in self._tables})  # the first wins
                if name in self._tables:
                    break
        return self._tables.get(name)

    # Parts are found as python-calamine finds them (its xlsx/mod.rs), so the scan sees what it will read; their
    # attributes are read with regular expressions (as quick-xml reads them: no DTD, no entity but XML's own).
    def _find_sheets(self) -> dict[str, str]:
        book = next(
            (r["Target"] for r in self._relationships("_rels/.rels") if r["Type"].endswith("/officeDocument")), None
        )
        if book is None:
            return {}
        cut = book.rfind("/")
        base = book[: cut + 1].removeprefix("/") if cut >= 0 else ""
        targets = {r["Id"]: r["Target"] for r in self._relationships(f"{base}_rels/workbook.xml.rels")}
        out: dict[str, str] = {}
        for el in _elements(self._read(f"{base}workbook.xml"), b"sheet"):
            target = targets.get(el.get("id", ""))
            if target is not None:
                # the reader takes the first sheet of a name (so must the scan)
                out.setdefault(el.get("name", ""), target[1:] if target.startswith("/") else base + target)
        return out

    def _find_tables(self, sheet: str) -> dict[str, TableInfo]:
        out: dict[str, TableInfo] = {}
        part = self.sheets()[sheet]
        cut = part.rfind("/")
        if cut < 0:
            return out
        folder, file_name = part[:cut], part[cut:]
        for rel in self._relationships(f"{folder}/_rels{file_name}.rels"):
            target = rel["Target"]
            if rel["Type"] != TABLE_RELATIONSHIP or not target:
                continue
            if target.startswith("../"):
                target = folder[: folder.rfind("/")] + target[2:]
            elif target.startswith("/"):
                target = target[1:]
            if self._name(target) is None:
                continue
            xml = self._read(target)
            table = next(iter(_elements(xml, b"table")), {})
            bounds = _ref_bounds(table.get("ref", ""))
            if bounds is None:
                continue  # the reader says what is wrong with it
            out.setdefault(
                table.get("displayName", ""),
                TableInfo(
                    table.get("displayName", ""),
                    sheet,
                    table.get("ref", ""),
                    *bounds,
                    _count(table.get("headerRowCount"), 1),
                    _count(table.get("totalsRowCount"), 0),
                    [c.get("name", "") for c in _elements(xml, b"tableColumn")],
                ),
            )
        return out

    def _relationships(self, rels: str) -> list[dict[str, str]]:
        """The relationships in the part ``rels`` (Id, Target as written, Type)."""
        if self._name(rels) is None:
            return []
        return [
            {"Id": r.get("Id", ""), "Target": r.get("Target", ""), "Type": r.get("Type", "")}
            for r in _elements(self._read(rels), b"Relationship")
        ]

    def _name(self, part: str) -> str | None:
        """The zip entry holding ``part``, looked up as the reader does (ignoring case and slash direction)."""
        if self._names is None:
            self._names = {n.replace("\\", "/").lower(): n for n in self.zip.namelist()}
        name = self._names.get(part.lower(), part)
        return name if name in self.zip.NameToInfo else None

    def _read(self, part: str) -> bytes:
        name = self._name(part)
        if name is None:
            raise WorkbookError(f"the workbook is damaged ({part} is missing)", Location(str(self.path)))
        return self._bytes(name)

    def _bytes(self, name: str) -> bytes:
        """A small part's bytes, inflated straight from the package (a third of the zip module's time); any
        part that is not plainly stored or deflated, or that does not inflate to its size, the zip module's way."""
        info = self.zip.NameToInfo[name]
        at = info.header_offset
        if (
            info.file_size <= CHUNK
            and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            and not info.flag_bits & 1
            and self.data[at : at + 4] == ZIP_MAGIC
        ):
            name_len, extra_len = struct.unpack_from("<HH", self.data, at + 26)
            start = at + 30 + name_len + extra_len
            raw = self.data[start : start + info.compress_size]
            out = raw if info.compress_type == zipfile.ZIP_STORED else _inflate(raw, info.file_size + 1)
            if len(out) == info.file_size:
                return out
        return self.zip.read(name)

    def _guarded(self, read: Callable[[], T]) -> T:
        try:
            return read()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError) as exc:
            raise WorkbookError(
                f"the file is damaged or incomplete ({exc}); ask for it to be sent again", Location(str(self.path))
            ) from None


STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/officeDocument/relationships"
TABLE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
_ATTR = re.compile(rb"""([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ELEMENT_PATTERNS: dict[bytes, re.Pattern[bytes]] = {}


def _elements(xml: bytes, name: bytes) -> list[dict[str, str]]:
    """The attributes (by local name, entities decoded) of every element ``name`` (any prefix) in ``xml``.

    Returns made from one template share their workbook and relationship parts byte for byte, so what was
    found in a part is kept (keyed by its bytes; the caller must not change it)."""
    key = (name, xml)
    found = _PARSED.get(key)
    if found is None:
        pattern = _ELEMENT_PATTERNS.get(name)
        if pattern is None:
            pattern = _ELEMENT_PATTERNS[name] = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?" + name + rb"(?=[\s/>])([^>]*)>")
        found = [
            {k.decode("ascii", "replace").rsplit(":", 1)[-1]: _text(double or single) for k, double, single in attrs}
            for attrs in map(_ATTR.findall, pattern.findall(xml))
        ]
        if len(xml) <= 65536:
            if len(_PARSED) >= 256:
                _PARSED.pop(next(iter(_PARSED)))
            _PARSED[key] = found
    return found


_PARSED: dict[tuple[bytes, bytes], list[dict[str, str]]] = {}


def _text(value: bytes) -> str:
    text = value.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text


def _inflate(raw: bytes, limit: int) -> bytes:
    return zlib.decompressobj(-15).decompress(raw, limit)


def open_package(path: str | Path) -> Package:
    """Read ``path`` and check it is an .xlsx/.xlsm package; WorkbookError with the reason otherwise."""
    p = Path(path)
    where = Location(str(p))
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise WorkbookError("file not found", where) from None
    except OSError as exc:
        raise WorkbookError(f"cannot be read ({exc.strerror or exc})", where) from None
    if not data:
        raise WorkbookError("the file is empty (0 bytes): ask the agency to send it again", where)
    if data.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise WorkbookError(
                "the workbook is password-protected: ask the agency to remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password) and send it again",
                where,
            )
        raise LegacyWorkbook(
            "this is a legacy Excel 97-2003 (.xls) file: open it in Excel and save it as .xlsx (Excel Workbook)",
            where,
            "xls",
            data,
        )
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookError(
            f"not an Excel workbook (it looks like {_describe(data)}): it must be an .xlsx "
            "file saved from the template",
            where,
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise WorkbookError(
            f"the file is damaged or incomplete (not a whole .xlsx: {exc}); ask the agency to send it again", where
        ) from None
    except (zipfile.LargeZipFile, NotImplementedError, OSError) as exc:
        raise WorkbookError(f"the file cannot be unpacked ({exc})", where) from None
    infos = zf.infolist()
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > MAX_UNPACKED or (unpacked > 10 * 1024 * 1024 and unpacked / packed > MAX_RATIO):
        raise WorkbookError(
            f"the file would unpack to {unpacked / 1024 / 1024:,.0f} MB from {len(data) / 1024:,.0f} KB (limit "
            f"{MAX_UNPACKED // 1024 // 1024} MB, at most {MAX_RATIO}:1): it is not a return, or it is a zip bomb; "
            "it was not opened",
            where,
        )
    _check_strings(zf, where)
    names = set(zf.namelist())
    if "mimetype" in names and b"opendocument" in zf.read("mimetype"):
        raise LegacyWorkbook(
            "this is an OpenDocument (.ods) spreadsheet: save it as .xlsx (Excel 2007-365) and send it again",
            where,
            "ods",
            data,
        )
    if any(n.endswith("workbook.bin") for n in names):
        raise WorkbookError(
            "this is an Excel binary workbook (.xlsb): open it in Excel and save it as .xlsx (Excel Workbook)", where
        )
    if "_rels/.rels" in names and STRICT_NAMESPACE in zf.read("_rels/.rels"):
        # Excel's "Strict Open XML Spreadsheet": other namespaces throughout, which the reader does not follow
        # (it finds the sheets but no tables) and dates may be ISO text: named, not half read.
        raise WorkbookError(
            "the workbook was saved as Strict Open XML Spreadsheet, which boardbook does not read: open it in "
            "Excel and save it as Excel Workbook (.xlsx) (File > Save As, 'Excel Workbook', not 'Strict Open XML "
            "Spreadsheet')",
            where,
        )
    if any(n == "index.xml" or n.endswith(".numbers") for n in names) and "xl/workbook.xml" not in names:
        raise WorkbookError("this looks like an Apple Numbers file: export it as Excel (.xlsx)", where)
    if not any(n.endswith("workbook.xml") for n in names):
        kind = "a Word document" if "word/document.xml" in names else "a zip file"
        raise WorkbookError(
            f"not an Excel workbook (it is {kind}, with no workbook inside): ask the agency "
            "to send the return as .xlsx, saved from the partnership's template",
            where,
        )
    return Package(p, data, zf)


_SST = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*>""")
_UNIQUE = re.compile(rb"""\buniqueCount\s*=\s*["']\s*\+?([0-9]+)""")
MIN_STRING_BYTES = 5  # the least one shared string can take in its part: <si/>


def _check_strings(zf: zipfile.ZipFile, where: Location) -> None:
    """Refuse a shared-strings part that claims more strings than it can hold: the reader reserves room for
    the claim before reading one (4,000,000,000 claimed strings would be 96 GB)."""
    for info in zf.infolist():
        if not info.filename.lower().endswith("sharedstrings.xml"):
            continue
        try:
            with zf.open(info) as fh:
                head = b""
                while (m := _SST.search(head)) is None and len(head) < CHUNK and (block := fh.read(4096)):
                    head += block
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise WorkbookError(
                f"the file is damaged or incomplete ({exc}); ask for it to be sent again", where
            ) from None
        unique = _UNIQUE.search(m.group(0)) if m else None
        claimed = int(unique.group(1)) if unique else 0
        room = min(MAX_CELLS, info.file_size // MIN_STRING_BYTES)
        if claimed > room:
            raise WorkbookError(
                f"the workbook says it holds {claimed:,} different texts, but it has room for at most {room:,}: it "
                "is damaged or was written by a faulty program, and was not read; open it in Excel and save a "
                "clean copy",
                where,
            )


def shown(text: str) -> str:
    """A file name or path as it can be shown and written: each byte of a name that is not UTF-8 (a name
    from a zip made on Windows, unpacked on Linux) becomes U+FFFD instead of breaking the output."""
    return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _describe(data: bytes) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf").lstrip()
    if head[:5].lower() in (b"<html", b"<!doc"):
        return "a web page (HTML)"
    if head.startswith(b"%PDF"):
        return "a PDF"
    if head.startswith(b"<?xml"):
        return "an XML file"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "an unknown binary format"
    return "a CSV or text file" if ("," in text or "\t" in text or "\n" in text) else "a text file"


# -- scanning what a package holds ----------------------------------------------------------------------------

# A cell start tag with an A1 reference; group 3 is "/" for an empty (self-closing) cell.
# Cells as Excel, LibreOffice and openpyxl write them (the reference first); the first cell written otherwise
# (group 1) or beyond column Z or row 99.
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_BEYOND_Z99 = re.compile(rb'<c([>/\t\n\r])|<c r="(?![A-Z][0-9]{1,2}")')
_OTHERWISE = re.compile(rb"<c[>/\t\n\r]")
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
# Rows and cells in full: group 3 is "/" for a cell that holds nothing (formatting only).
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_R_ATTR = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")


def quick_extent(chunks: Iterable[bytes]) -> Extent | None:
    """The last row and column of every cell in a worksheet's XML, those holding nothing included (so never
    less than the reader builds); None when some cell is not written ``<c r="A1"...`` (``exact_extent`` then).

    Most sheets boardbook reads (a return's) have every cell within A1:Z99: that is found without looking at each
    cell, and counted as A1:Z99.
    """
    rows = cols = 0
    for chunk in chunks:
        if (b":c" in chunk and _PREFIXED_CELL.search(chunk)) or chunk.count(b"<c ") != chunk.count(b'<c r="'):
            return None
        beyond = _BEYOND_Z99.search(chunk)
        if beyond is None:
            if b'<c r="' in chunk:
                rows, cols = max(rows, 99), max(cols, 26)
            continue
        if beyond.group(1) or _OTHERWISE.search(chunk, beyond.start()):  # a cell written otherwise
            return None
        found = _CELL_REF.findall(chunk)
        letters, digits = zip(*found, strict=True)
        longest = max(map(len, digits))  # the last row has the most digits: compare those alone
        rows = max(rows, int(max(d for d in digits if len(d) == longest)))
        cols = max(cols, *map(_column_number, set(letters)))
    return Extent(rows, cols, cols, rows, rows, cols)


def exact_extent(chunks: Iterable[bytes]) -> Extent:
    """How far the cells holding something reach, counted as the reader counts them (a row or cell without a
    reference follows the one before; cells written ``<c .../>`` hold nothing), and the farthest of them."""
    rows = cols = bottom_col = right_row = next_row = next_col = 0
    row = col = 0
    for chunk in chunks:
        for m in _ROW_OR_CELL.finditer(chunk):
            ref = _R_ATTR.search(m.group(2))
            if m.group(1) == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                col = 0
                continue
            if ref and ref.group(1) and ref.group(2):
                col, row = _column_number(ref.group(1).upper()), int(ref.group(2))
            else:
                col += 1
            if m.group(3):
                continue
            if row > rows:
                next_row, rows, bottom_col = rows, row, col
            elif row == rows:
                bottom_col = max(bottom_col, col)
            else:
                next_row = max(next_row, row)
            if col > cols:
                next_col, cols, right_row = cols, col, row
            elif col == cols:
                right_row = max(right_row, row)
            else:
                next_col = max(next_col, col)
    return Extent(rows, cols, bottom_col, right_row, next_row, next_col)


def _chunks(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's bytes in pieces of about CHUNK, each ending before a tag (so no tag is split)."""
    tail = b""
    with zf.open(part) as fh:
        while block := fh.read(CHUNK):
            data = tail + block
            cut = data.rfind(b"<")
            if cut <= 0:
                tail = data
                continue
            tail = data[cut:]
            yield data[:cut]
    if tail:
        yield tail


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def column_letters(n: int) -> str:
    """1 -> A, 16384 -> XFD."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Za-z]{1,3})\$?([0-9]{1,7}))?$")


def _ref_bounds(ref: str) -> tuple[int, int, int, int] | None:
    """(first row, first column, last row, last column), 1-based, of an A1 range; None if it is not one."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    c1, r1 = _column_number(m.group(1).upper().encode()), int(m.group(2))
    c2, r2 = (_column_number(m.group(3).upper().encode()), int(m.group(4))) if m.group(3) else (c1, r1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _count(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# -- legacy .xls and .ods: what their sheets claim -------------------------------------------------------------


def check_legacy(data: bytes, file: str) -> None:
    """Before a legacy .xls or an .ods is read by its layout: WorkbookError naming the sheet and its farthest cell
    when a sheet claims more than ``MAX_CELLS`` (an .xls's DIMENSIONS record sizes the reader's first allocation;
    an .ods's repeated rows and columns are expanded cell by cell)."""
    where = Location(file)
    try:
        claims = list(_xls_claims(data) if data.startswith(OLE_MAGIC) else _ods_claims(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, struct.error, ValueError) as exc:
        raise WorkbookError(f"the file is damaged or incomplete ({exc}); ask for it to be sent again", where) from None
    total = 0
    for sheet, rows, cols in claims:
        total += rows * cols
        if total > MAX_CELLS:
            corner = f"{column_letters(cols)}{rows}"
            which = f"the sheet '{sheet}'" if sheet else "a sheet"
            raise WorkbookError(
                f"{which} claims data as far as {corner} (a stray keystroke in {corner}?): "
                f"{rows:,} rows × {cols:,} columns, more than the {MAX_CELLS:,} cells boardbook reads from one "
                f"file, so it was not read; delete what is in {corner} (Ctrl+End goes to the last cell) or copy the "
                "data into a clean workbook",
                Location(file, sheet, corner) if sheet else where,
            )


def _xls_claims(data: bytes) -> Iterator[tuple[str, int, int]]:
    """(sheet, rows, columns) of each DIMENSIONS record of the workbook stream, as python-calamine sizes them;
    the sheet is named by the BOUNDSHEET record that points at the substream the record is in ("" if none)."""
    stream = _ole_stream(data, ("workbook", "book"))
    sheets: dict[int, str] = {}  # stream offset of a sheet's BOF record -> its name
    sheet = ""
    pos = 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + size]
        if kind == 0x0809:  # BOF: a substream starts here
            sheet = sheets.get(pos, "")
        elif kind == 0x0085 and len(body) >= 8:  # BOUNDSHEET: where a sheet's substream starts, and its name
            sheets[struct.unpack_from("<I", body)[0]] = _xls_name(body[6:])
        pos += 4 + size
        if kind != 0x0200 or len(body) not in (10, 14):
            continue
        if len(body) == 14:
            first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
        else:
            first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
        if first_col > 0xFF or last_col < first_col:
            first_col = 0
        yield sheet, max(0, last_row - first_row), max(0, last_col - first_col)


def _xls_name(body: bytes) -> str:
    """A BIFF8 short unicode string (length, flags, characters): a sheet's name."""
    if len(body) < 2:
        return ""
    length, flags = body[0], body[1]
    if flags & 1:
        return body[2 : 2 + 2 * length].decode("utf-16-le", "replace")
    return body[2 : 2 + length].decode("latin-1")


_FREE = 0xFFFFFFFA  # sector numbers from here on are markers (free, end of chain, FAT, DIFAT)


def _ole_stream(data: bytes, names: tuple[str, ...]) -> bytes:
    """The first stream named one of ``names`` (any case) in an OLE compound file; b"" when there is none.

    Only what is needed to find one stream: the header, DIFAT, FAT, directory and mini stream, every chain
    bounded by the file's own size and cut at the first loop.
    """
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    n_fat, dir_start = struct.unpack_from("<II", data, 0x2C)
    cutoff, minifat_start, _n_minifat, difat_start, _n_difat = struct.unpack_from("<IIIII", data, 0x38)
    size = 1 << shift
    if size not in (512, 4096):
        raise ValueError(f"sector size {size}")
    sectors = len(data) // size

    def sector(i: int) -> bytes:
        return data[(i + 1) * size : (i + 2) * size]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    seen: set[int] = set()
    nxt = difat_start
    while nxt < min(_FREE, sectors) and nxt not in seen:
        seen.add(nxt)
        values = struct.unpack(f"<{size // 4}I", sector(nxt).ljust(size, b"\xff"))
        difat.extend(values[:-1])
        nxt = values[-1]
    fat: list[int] = []
    for i in difat[: min(n_fat, sectors)]:
        if i < min(_FREE, sectors):
            fat.extend(struct.unpack(f"<{size // 4}I", sector(i).ljust(size, b"\xff")))

    def chain(start: int, table: list[int]) -> Iterator[int]:
        visited: set[int] = set()
        while start < min(_FREE, len(table)) and start not in visited:
            visited.add(start)
            yield start
            start = table[start]

    directory = b"".join(sector(i) for i in chain(dir_start, fat))
    entries = []
    for off in range(0, len(directory) - 127, 128):
        name_len, kind = struct.unpack_from("<HB", directory, off + 64)
        start, length = struct.unpack_from("<II", directory, off + 116)
        name = directory[off : off + max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        entries.append((name, kind, start, length))
    stream = next((e for e in entries if e[1] == 2 and e[0].lower() in names), None)
    if stream is None or not entries:
        return b""
    _name, _kind, start, length = stream
    if length >= cutoff:
        return b"".join(sector(i) for i in chain(start, fat))[:length]
    mini = 1 << mini_shift
    minifat: list[int] = []
    for i in chain(minifat_start, fat):
        minifat.extend(struct.unpack(f"<{size // 4}I", sector(i).ljust(size, b"\xff")))
    ministream = b"".join(sector(i) for i in chain(entries[0][2], fat))
    return b"".join(ministream[i * mini : (i + 1) * mini] for i in chain(start, minifat))[:length]


_ODS_TAG = re.compile(
    rb"<(table:table-row|table:table-cell|table:covered-table-cell|table:table)(?=[\s/>])([^>]*?)(/?)>"
    rb"|</(table:table-row)>"
)
_ROWS_REPEATED = re.compile(rb"""table:number-rows-repeated\s*=\s*["']([0-9]+)""")
_COLS_REPEATED = re.compile(rb"""table:number-columns-repeated\s*=\s*["']([0-9]+)""")
_VALUE_TYPE = re.compile(rb"office:value-type\s*=")
_TABLE_NAME = re.compile(rb"""table:name\s*=\s*["']([^"']*)""")
ODS_MAX_ROWS, ODS_MAX_COLS = 1_048_576, 16_384  # python-calamine caps repeats at these


def _ods_claims(data: bytes) -> Iterator[tuple[str, int, int]]:
    """(sheet, rows, columns) reached by cells holding something in each table of an .ods, repeats expanded."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    if "content.xml" not in zf.NameToInfo:
        return
    rows = cols = row = col = row_repeat = row_end_col = 0
    sheet = ""
    for chunk in _chunks(zf, "content.xml"):
        for m in _ODS_TAG.finditer(chunk):
            tag = m.group(1)
            if m.group(4):  # </table:table-row>
                if row_end_col:
                    rows, cols = max(rows, row + row_repeat), max(cols, row_end_col)
                row += row_repeat
            elif tag == b"table:table":
                if rows:
                    yield sheet, min(rows, ODS_MAX_ROWS), min(cols, ODS_MAX_COLS)
                rows = cols = row = 0
                found_name = _TABLE_NAME.search(m.group(2))
                sheet = html.unescape(found_name.group(1).decode("utf-8", "replace")) if found_name else ""
            elif tag == b"table:table-row":
                found = _ROWS_REPEATED.search(m.group(2))
                repeat = min(int(found.group(1)) if found else 1, ODS_MAX_ROWS)
                if m.group(3):
                    row += repeat
                else:
                    row_repeat, col, row_end_col = repeat, 0, 0
            else:
                found = _COLS_REPEATED.search(m.group(2))
                col += min(int(found.group(1)) if found else 1, ODS_MAX_COLS)
                if not m.group(3) or _VALUE_TYPE.search(m.group(2)):
                    row_end_col = col
    if rows:
        yield sheet, min(rows, ODS_MAX_ROWS), min(cols, ODS_MAX_COLS)
