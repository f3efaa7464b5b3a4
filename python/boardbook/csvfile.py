"""One way of opening a CSV file, whichever program saved it.

Recognised, by the bytes (never by the file name):

- encoding: UTF-8 with a byte-order mark (Excel's "CSV UTF-8"), UTF-8 without one (Google Sheets, LibreOffice,
  Numbers), UTF-16 with a byte-order mark (Excel's "Unicode text"), else Windows-1252 (Excel's plain "CSV" on a
  UK PC: £ is one byte, A3);
- separator: comma, semicolon (Excel and LibreOffice on a European-locale PC) or tab ("Unicode text" and
  copy-paste), decided by the header line: the one that splits it most, outside quotes;
- line endings: Windows, Unix and old Mac (CR only).

``CsvFile.how`` says what was found ("UTF-16 text separated by tabs"), for messages when the columns do not
match — the usual reason is a file saved another way than expected.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from boardbook.errors import Location, WorkbookError

SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}


@dataclass
class CsvFile:
    """The rows of a CSV file (values as typed), each with its line number, and how the file was written."""

    path: Path
    encoding: str
    separator: str
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line each row starts on (1-based)

    @property
    def how(self) -> str:
        names = {
            "utf-8-sig": "UTF-8 text",
            "utf-8": "UTF-8 text",
            "utf-16": "UTF-16 text ('Unicode text')",
            "cp1252": "Windows-1252 text (Excel's plain 'CSV')",
        }
        return f"read as {names.get(self.encoding, self.encoding)} separated by {SEPARATORS[self.separator]}"


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file's bytes and the encoding it was found to be in."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def separator(text: str) -> str:
    """The separator the first non-blank line uses most, outside quotes (comma if none)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] else ","


def read_csv(path: str | Path) -> CsvFile:
    """Open ``path`` (see the module docstring). WorkbookError naming the file if it cannot be read."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise WorkbookError("file not found", Location(str(p))) from None
    except OSError as exc:
        raise WorkbookError(f"cannot be read ({exc.strerror or exc})", Location(str(p))) from None
    text, encoding = decode(data)
    sep = separator(text)
    found = CsvFile(p, encoding, sep)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    start = 1
    try:
        for row in reader:
            found.rows.append(row)
            found.lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise WorkbookError(f"line {reader.line_num}: not a readable CSV file ({exc})", Location(str(p))) from None
    return found
