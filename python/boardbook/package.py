"""Open an input file as an .xlsx package, or say in plain words what it really is.

Agencies send back all sorts: .xls, .ods, CSVs renamed .xlsx, password-protected or truncated files.
Each gets a message a safeguarding lead can act on. The file is read once, into memory, and never
written.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from boardbook.errors import Location, WorkbookError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNPACKED = 256 * 1024 * 1024  # a real return unpacks to well under 1 MB; a summary of 300 agencies ~20 MB
MAX_RATIO = 200  # Office XML compresses ~10:1; far beyond is a zip bomb
ZIP_MAGIC = b"PK\x03\x04"


class LegacyWorkbook(WorkbookError):
    """A real spreadsheet, but not .xlsx (a legacy .xls, an .ods): no Excel tables, no readable defined names.

    Readers that can work from the layout (labels and column headers) catch this and use ``data``.
    """

    def __init__(self, message: str, location: Location, kind: str, data: bytes):
        super().__init__(message, location)
        self.kind = kind
        self.data = data


@dataclass
class Package:
    """An input workbook read into memory: its bytes, their SHA-256, and the zip over them."""

    path: Path
    data: bytes
    zip: zipfile.ZipFile

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def has_macros(self) -> bool:
        names = self.zip.namelist()
        return any(n.lower().endswith("vbaproject.bin") for n in names)

    def stream(self) -> io.BytesIO:
        return io.BytesIO(self.data)


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
