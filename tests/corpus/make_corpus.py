"""Generate boardbook's bad-input corpus from code: no hand-made binaries are committed.

Every kind of input agencies, finance officers and performance officers really send is made here, each in its
own folder named after the kind (a returns folder for section 11 kinds; the input files for budget and
performance kinds). ``tests/test_corpus.py`` builds the corpus into a temporary folder and asserts what
boardbook does with each; ``tests/corpus/README.md`` lists the kinds (``--readme`` prints that list).

Usage::

    python tests/corpus/make_corpus.py OUT_DIR [--kind NAME ...] [--no-libreoffice]
    python tests/corpus/make_corpus.py --readme

The legacy .xls/.ods kinds are converted by LibreOffice (``soffice``); without it they are left out and listed.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import range_boundaries

if __package__ in (None, ""):  # run as a script (python tests/corpus/make_corpus.py): make ``tests`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.helpers import (  # one maker for the corpus and the tests
    GOOD_EVIDENCE,
    officer_budget,
    pasted_into_new_workbook,
)

from boardbook.config import Config, load_config
from boardbook.ooxml import sheet_parts
from boardbook.package import shown
from boardbook.section11 import contract as c

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
GOOD = "Moorlands Police.xlsx"
OTHER = "Northmoor ICB.xlsx"
FORMULA_LIKE = (
    "=SUM(1,2)",
    '=HYPERLINK("http://example.com/x","click")',
    "=cmd|' /C calc'!A0",
    "+44 20 7946 0000 safeguarding line",
    "-see the policy",
    "@designated safeguarding lead",
    "=1+1",
    "+",
    "-",
    "@",
)
UK_DUE_DATES = (
    "31/03/2027",
    "31.3.27",
    "31 March 2027",
    "2027-03-31",
    "30 Sept 2027",
    "1-4-27",
    "1st April 2027",
    "31/3/2027 00:00",
    "1 Dec 27",
    "15th January, 2027",
)
BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [\n'
    b'<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%s;" % (str(i - 1).encode() if i > 1 else b"")) * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)
HUGE = 32_767  # Excel's limit on the characters in one cell


# -- the registry -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    area: str  # "section 11", "output", "budget", "performance", "learning", "concerns"
    what: str
    expected: str
    make: Callable[[Path, Maker], None]
    libreoffice: bool = False

    def readme_line(self) -> str:
        return f"- `{self.name}` ({self.area}) — {self.what} → {self.expected}"


KINDS: dict[str, Kind] = {}


def kind(
    name: str, area: str, what: str, expected: str, *, libreoffice: bool = False
) -> Callable[[Callable[[Path, Maker], None]], Callable[[Path, Maker], None]]:
    def deco(fn: Callable[[Path, Maker], None]) -> Callable[[Path, Maker], None]:
        assert name not in KINDS, name
        KINDS[name] = Kind(name, area, what, expected, fn, libreoffice)
        return fn

    return deco


# -- making files -----------------------------------------------------------------------------------------


class Maker:
    """What the makers share: the configuration, real returns and budgets built by boardbook's own template
    code, zip surgery, and a queue of LibreOffice conversions run in one batch per format."""

    def __init__(self, soffice: str | None, work: Path):
        self.config: Config = load_config()
        self.soffice = soffice
        self.work = work
        self._pending: list[tuple[Path, str, Path]] = []

    # section 11 returns ------------------------------------------------------------------------------
    def s11_return(
        self,
        folder: Path,
        agency: str = "Moorlands Police",
        *,
        file_name: str | None = None,
        ratings: Sequence[object] | None = None,
        evidence: Sequence[object] | None = None,
        due: Sequence[object] | None = None,
        rows: list[list[object]] | None = None,
        completed_on: object = date(2026, 5, 1),
        sector: str = "Police",
        names: dict[str, object] | None = None,
    ) -> Path:
        """A return filled as an agency fills it, through boardbook's template and Book port."""
        from boardbook.templates.section11_return import build_return

        book = build_return(self.config)
        values = {
            "Agency": agency,
            "Sector": sector,
            "Partnership": self.config.partnership,
            "Round": "2026",
            "CompletedBy": "A. Tester",
            "CompletedOn": completed_on,
            **(names or {}),
        }
        for name, value in values.items():
            book.set_name(name, value)
        if rows is None:
            n = len(self.config.standards)
            ratings = list(ratings) if ratings is not None else ["Fully met"] * n
            evidence = list(evidence) if evidence is not None else [GOOD_EVIDENCE] * n
            due = list(due) if due is not None else [None] * n
            rows = [
                [s.ref, s.title, ratings[i], evidence[i], None, None, due[i]]
                for i, s in enumerate(self.config.standards)
            ]
        book.write_table(c.ASSESSMENT, rows)
        path = folder / (file_name or f"{agency}.xlsx")
        book.save(path)
        return path

    def good(self, folder: Path) -> Path:
        """The baseline: Moorlands Police, every standard Fully met with evidence."""
        return self.s11_return(folder)

    # budgets --------------------------------------------------------------------------------------------
    def budget(
        self,
        path: Path,
        names: dict[str, object],
        contributions: Sequence[Sequence[object] | None],
        other_income: Sequence[Sequence[object] | None],
        expenditure: Sequence[Sequence[object] | None],
    ) -> Path:
        """The budget template filled in as a finance officer types it (into the yellow cells)."""
        return officer_budget(path, self.config, names, contributions, other_income, expenditure)

    # LibreOffice ---------------------------------------------------------------------------------------
    def convert(self, src: Path, fmt: str, dest: Path) -> None:
        """Queue ``src`` to be saved by LibreOffice as ``fmt`` at ``dest`` (run by ``flush``)."""
        self._pending.append((src, fmt, dest))

    def flush(self) -> None:
        if not self._pending:
            return
        assert self.soffice, "LibreOffice kinds need soffice"
        profile = self.work / "lo-profile"
        for fmt in sorted({f for _s, f, _d in self._pending}):
            jobs = [(s, d) for s, f, d in self._pending if f == fmt]
            stage = self.work / f"lo-in-{fmt}"
            outdir = self.work / f"lo-out-{fmt}"
            stage.mkdir(exist_ok=True)
            staged = []
            for i, (src, _dest) in enumerate(jobs):  # unique stems: one output folder per batch
                staged.append(stage / f"job{i}{src.suffix}")
                shutil.copyfile(src, staged[-1])
            proc = subprocess.run(
                [
                    self.soffice,
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--headless",
                    "--convert-to",
                    fmt,
                    "--outdir",
                    str(outdir),
                    *map(str, staged),
                ],
                capture_output=True,
                text=True,
                timeout=300,
            )
            for i, (_src, dest) in enumerate(jobs):
                made = outdir / f"job{i}.{fmt}"
                if not made.is_file():
                    raise RuntimeError(f"LibreOffice did not convert {dest.name} to {fmt}: {proc.stderr[-500:]}")
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(made, dest)
        self._pending.clear()


def edit(path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    """Open a saved workbook with openpyxl, change it as a person would in Excel, save it back."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def rezip(
    data: bytes,
    changes: dict[str, bytes | Callable[[bytes], bytes]] | None = None,
    *,
    stored: Sequence[str] = (),
    drop: Sequence[str] = (),
) -> bytes:
    """The package ``data`` with some parts replaced (bytes, or a function of the old bytes) or dropped."""
    changes = changes or {}
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            if name in drop:
                continue
            part = zin.read(name)
            new = changes.get(name, part)
            part = new(part) if callable(new) else new
            zout.writestr(name, part, compress_type=zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def part_of_sheet(data: bytes, sheet: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return sheet_parts(z)[sheet]


def set_cell_xml(sheet_xml: bytes, ref: str, cell_xml: str) -> bytes:
    """Replace cell ``ref``'s XML (keeping its style) in a worksheet part."""
    pattern = re.compile(rb'<c r="%s"(?P<attrs>[^>]*?)(?:/>|>.*?</c>)' % ref.encode(), re.S)
    m = pattern.search(sheet_xml)
    assert m, f"cell {ref} not found"
    style = re.search(rb'\ss="\d+"', m.group("attrs"))
    new = cell_xml.replace("<c ", f'<c r="{ref}"{style.group(0).decode() if style else ""} ', 1).encode()
    return sheet_xml[: m.start()] + new + sheet_xml[m.end() :]


# -- section 11: what the file really is ------------------------------------------------------------------


@kind("good", "section 11", "a return filled in the current template", "accepted, no problems")
def _good(folder: Path, m: Maker) -> None:
    m.good(folder)


@kind(
    "pdf-renamed-xlsx",
    "section 11",
    "a PDF named Northmoor ICB.xlsx (a non-Excel file named .xlsx)",
    'unreadable (Error): "not an Excel workbook (it looks like a PDF)"; the good return is accepted',
)
def _pdf(folder: Path, m: Maker) -> None:
    m.good(folder)
    (folder / OTHER).write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")


@kind(
    "csv-renamed-xlsx",
    "section 11",
    "the Assessment typed into a CSV and renamed .xlsx",
    'unreadable (Error): "it looks like a CSV or text file", must be an .xlsx saved from the template',
)
def _csv_renamed(folder: Path, m: Maker) -> None:
    m.good(folder)
    rows = ["Ref,Standard,Rating,Evidence"] + [
        f"{s.ref},{s.title},Fully met,Policy approved" for s in m.config.standards
    ]
    (folder / OTHER).write_bytes(("\r\n".join(rows) + "\r\n").encode())


@kind(
    "zero-bytes",
    "section 11",
    "a zero-byte Northmoor ICB.xlsx (a failed upload)",
    'unreadable (Error): "the file is empty (0 bytes)"',
)
def _zero(folder: Path, m: Maker) -> None:
    m.good(folder)
    (folder / OTHER).write_bytes(b"")


@kind(
    "truncated-zip",
    "section 11",
    "the first half of a real return (an interrupted download)",
    'unreadable (Error): "the file is damaged or incomplete"',
)
def _truncated(folder: Path, m: Maker) -> None:
    data = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    m.good(folder)
    (folder / OTHER).write_bytes(data[: len(data) // 2])


@kind(
    "crc-damaged",
    "section 11",
    "a whole zip whose xl/workbook.xml had one byte changed in transit (fails its CRC check; the XML still parses)",
    "unreadable (Error): damaged, send it again",
)
def _crc(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    data = bytearray(rezip(good, stored=["xl/workbook.xml"]))
    at = data.find(b'tabRatio="600"')
    assert at > 0
    data[at + len(b'tabRatio="60')] = ord("1")  # 600 -> 610: valid XML, wrong CRC
    m.good(folder)
    (folder / OTHER).write_bytes(bytes(data))


@kind(
    "password-protected",
    "section 11",
    "a return encrypted with a password in Excel (msoffcrypto, Agile)",
    'unreadable (Error): "password-protected: ask the agency to remove the password"',
)
def _password(folder: Path, m: Maker) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    src = m.s11_return(m.work, "Northmoor ICB", sector="Health")
    out = io.BytesIO()
    with src.open("rb") as fh:
        OOXMLFile(fh).encrypt("Safeguarding2026", out)
    m.good(folder)
    (folder / OTHER).write_bytes(out.getvalue())


@kind(
    "xlsm",
    "section 11",
    "the return saved macro-enabled (.xlsm with a vbaProject.bin)",
    'accepted; Info "macros": data read, macros never run',
)
def _xlsm(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health", ratings=["Mostly met"] * len(m.config.refs))
    main_xlsx = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    main_xlsm = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    vba = OLE_MAGIC + b"\0" * 504 + b'Attribute VB_Name = "Module1"\nSub Auto_Open()\n  Shell "calc.exe"\nEnd Sub\n'
    data = rezip(
        good.read_bytes(),
        {
            "[Content_Types].xml": lambda ct: ct.replace(main_xlsx, main_xlsm).replace(
                b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
            ),
            "xl/_rels/workbook.xml.rels": lambda rels: rels.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
            ),
        },
    )
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/vbaProject.bin", vba)
    m.good(folder)
    (folder / "Northmoor ICB.xlsm").write_bytes(buf.getvalue())


@kind(
    "legacy-xls",
    "section 11",
    "the template filled and saved as Excel 97-2003 .xls (by LibreOffice)",
    'accepted, read by layout; Info "legacy-format": please send .xlsx next time',
    libreoffice=True,
)
def _xls(folder: Path, m: Maker) -> None:
    src = m.s11_return(
        m.work,
        "Northmoor ICB",
        sector="Health",
        ratings=["Mostly met"] * len(m.config.refs),
        file_name="legacy-xls-src.xlsx",
    )
    m.good(folder)
    m.convert(src, "xls", folder / "Northmoor ICB.xls")


@kind(
    "ods",
    "section 11",
    "the template filled and saved as OpenDocument .ods (by LibreOffice)",
    'accepted, read by layout; Info "legacy-format"',
    libreoffice=True,
)
def _ods(folder: Path, m: Maker) -> None:
    src = m.s11_return(
        m.work,
        "Northmoor ICB",
        sector="Health",
        ratings=["Partially met"] * len(m.config.refs),
        file_name="ods-src.xlsx",
    )
    m.good(folder)
    m.convert(src, "ods", folder / "Northmoor ICB.ods")


@kind(
    "xls-not-template",
    "section 11",
    "an .xls that is not laid out like the template (the agency's own notes)",
    'unreadable (Error): "legacy Excel 97-2003 (.xls) file: open it in Excel and save it as .xlsx"',
    libreoffice=True,
)
def _xls_other(folder: Path, m: Maker) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Our section 11 notes"])
    wb.active.append(["Standard", "What we do"])
    wb.active.append(["Accountability", "The chief nurse leads"])
    src = m.work / "xls-notes-src.xlsx"
    wb.save(src)
    m.good(folder)
    m.convert(src, "xls", folder / "Northmoor ICB.xls")


@kind(
    "xlsb",
    "section 11",
    "an Excel binary workbook (.xlsb package) named .xlsx",
    'unreadable (Error): "Excel binary workbook (.xlsb): save it as .xlsx"',
)
def _xlsb(folder: Path, m: Maker) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
        z.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    m.good(folder)
    (folder / OTHER).write_bytes(buf.getvalue())


@kind(
    "zip-bomb-ratio",
    "section 11",
    "a 20 MB sheet of zeros packed into ~20 KB (1000:1)",
    'unreadable (Error): "zip bomb ... it was not opened", refused from the zip directory alone',
)
def _bomb_ratio(folder: Path, m: Maker) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(20):
                part.write(chunk)
    m.good(folder)
    (folder / OTHER).write_bytes(buf.getvalue())


@kind(
    "zip-bomb-declared",
    "section 11",
    "a real return whose zip directory declares a 300 MB sheet",
    'unreadable (Error): "would unpack to 300 MB ... zip bomb", refused on the declared size',
)
def _bomb_declared(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    part = part_of_sheet(good, c.ASSESSMENT).encode()
    data = bytearray(good)
    size = struct.pack("<I", 300 * 1024 * 1024)
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:  # central directory entries
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46 : pos + 46 + n]) == part:
            data[pos + 24 : pos + 28] = size
            local = struct.unpack_from("<I", data, pos + 42)[0]
            data[local + 22 : local + 26] = size
        pos += 4
    m.good(folder)
    (folder / OTHER).write_bytes(bytes(data))


@kind(
    "entity-expansion-workbook",
    "section 11",
    "a billion-laughs DTD in xl/workbook.xml (XML entity expansion)",
    "unreadable (Error), refused by defusedxml (EntitiesForbidden) in milliseconds, no expansion, in plain words",
)
def _laughs_workbook(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    m.good(folder)
    (folder / OTHER).write_bytes(
        rezip(
            good,
            {
                "xl/workbook.xml": lambda x: (
                    BILLION_LAUGHS + x.replace(b"<workbookPr />", b'<workbookPr codeName="&lol9;"/>')
                )
            },
        )
    )


@kind(
    "entity-expansion-sheet",
    "section 11",
    "a billion-laughs DTD in the Assessment sheet, &lol9; in a cell",
    'unreadable (Error): calamine does not expand it ("unrecognized entity"), in milliseconds',
)
def _laughs_sheet(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    part = part_of_sheet(good, c.ASSESSMENT)
    m.good(folder)
    (folder / OTHER).write_bytes(
        rezip(
            good,
            {part: lambda x: BILLION_LAUGHS + set_cell_xml(x, "D2", '<c t="inlineStr"><is><t>&lol9;</t></is></c>')},
        )
    )


# -- section 11: what the package claims (a reader builds every sheet it reads from A1 to its farthest cell) -----


def _stray(cell: str, sheet: str = c.ASSESSMENT) -> Callable[[openpyxl.Workbook], None]:
    def type_it(wb: openpyxl.Workbook) -> None:
        wb[sheet][cell] = "x"

    return type_it


@kind(
    "stray-last-cell",
    "section 11",
    "an 'x' typed in XFD1048576, the Assessment sheet's last cell (a stray keystroke: Ctrl+Right, Ctrl+Down, x)",
    'unreadable (Error) at Assessment!XFD1048576, "a stray keystroke", refused in milliseconds (calamine would '
    "ask for 549 GB and abort the whole run)",
)
def _stray_last_cell(folder: Path, m: Maker) -> None:
    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), _stray("XFD1048576"))


@kind(
    "stray-last-row",
    "section 11",
    "an 'x' typed in G1048576 (the sheet's used range becomes a million rows with ten of data)",
    "unreadable (Error) at Assessment!G1048576 (1,048,576 rows × 8 columns is over the 5,000,000 cells read from "
    "one file)",
)
def _stray_last_row(folder: Path, m: Maker) -> None:
    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), _stray("G1048576"))


@kind(
    "dimension-claims-whole-sheet",
    "section 11",
    'the Assessment sheet\'s <dimension ref="A1:XFD1048576"> (a claim only: the cells are A1:H11)',
    "accepted, no problems: only cells count, the claim costs nothing",
)
def _dimension(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    part = part_of_sheet(good, c.ASSESSMENT)
    m.good(folder)
    (folder / OTHER).write_bytes(
        rezip(good, {part: lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', x)})
    )


@kind(
    "formatting-to-last-row",
    "section 11",
    'empty cells formatted down to G1048576 (<c r="G1048576" s="1"/>: formatting, no value)',
    "accepted, no problems: a cell without a value is not data (the reader skips it too)",
)
def _formatting(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    part = part_of_sheet(good, c.ASSESSMENT)
    formatted = b'<row r="1048576"><c r="G1048576" s="1"/></row></sheetData>'
    m.good(folder)
    (folder / OTHER).write_bytes(rezip(good, {part: lambda x: x.replace(b"</sheetData>", formatted)}))


@kind(
    "table-resized-to-sheet",
    "section 11",
    "the Assessment table's range stretched to A1:XFD1048576 (the data still in A1:H11)",
    'unreadable (Error) naming table Assessment and A1:XFD1048576, "resize the table to its data"',
)
def _table_resized(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    m.good(folder)
    (folder / OTHER).write_bytes(
        rezip(good, {"xl/tables/table1.xml": lambda x: re.sub(rb'ref="[^"]*"', b'ref="A1:XFD1048576"', x)})
    )


@kind(
    "shared-strings-claim",
    "section 11",
    'a shared-strings part of 3 strings claiming uniqueCount="4000000000" (calamine reserves room for the claim)',
    'unreadable (Error): "says it holds 4,000,000,000 different texts", refused before calamine opens it',
)
def _shared_strings(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    sst = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" '
        b'uniqueCount="4000000000"><si><t>Fully met</t></si><si><t>Mostly met</t></si><si><t>Not met</t></si></sst>'
    )
    data = rezip(
        good,
        {
            "[Content_Types].xml": lambda x: x.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            ),
            "xl/_rels/workbook.xml.rels": lambda x: x.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
            ),
        },
    )
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", sst)
    m.good(folder)
    (folder / OTHER).write_bytes(buf.getvalue())


@kind(
    "header-only-table",
    "section 11",
    "the Assessment table cut to its header row (ref A1:G1, no data rows: a tool wrote it)",
    "rejected: standard-missing (Error) for every standard; no reader panic ('invalid range bounds')",
)
def _header_only(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    part = part_of_sheet(good, c.ASSESSMENT)
    m.good(folder)
    (folder / OTHER).write_bytes(
        rezip(
            good,
            {
                "xl/tables/table1.xml": lambda x: re.sub(rb'ref="A1:G[0-9]+"', b'ref="A1:G1"', x),
                part: lambda x: re.sub(rb'<row r="(?:[2-9]|[1-9][0-9]+)"[^>]*>.*?</row>', b"", x, flags=re.S),
            },
        )
    )


NON_UTF8_NAME = b"Caf\xe9 Northmoor ICB.xlsx"  # as unzip leaves a name from a zip made on Windows (cp1252 e-acute)


@kind(
    "non-utf8-file-name",
    "section 11",
    "a good return named b'Caf\\xe9 Northmoor ICB.xlsx' (not UTF-8: unzipped on Linux from a Windows zip)",
    "accepted; shown as 'Caf\ufffd Northmoor ICB.xlsx' (U+FFFD) in Returns, the console and the fingerprint: no crash",
)
def _non_utf8(folder: Path, m: Maker) -> None:
    m.good(folder)
    made = m.s11_return(m.work, "Northmoor ICB", sector="Health")
    try:
        os.rename(os.fsencode(made), os.fsencode(folder) + b"/" + NON_UTF8_NAME)
    except OSError:  # a file system that only holds UTF-8 names (macOS): the kind cannot exist there
        (folder / "no-non-utf8-names-here.txt").write_text("this file system refuses non-UTF-8 names\n")


@kind(
    "legacy-xls-stray-cell",
    "section 11",
    "the template saved as .xls with an 'x' in IV65536, the last cell of an .xls sheet (by LibreOffice)",
    "unreadable (Error) at Assessment!IV65536: \"the sheet 'Assessment' claims data as far as IV65536 ...; this is "
    'a legacy Excel 97-2003 (.xls) file: ... save it as .xlsx", in milliseconds (was read in 23 s and 1.2 GB)',
    libreoffice=True,
)
def _xls_stray(folder: Path, m: Maker) -> None:
    src = m.s11_return(m.work, "Northmoor ICB", file_name="xls-stray-src.xlsx", sector="Health")
    edit(src, _stray("IV65536"))
    m.good(folder)
    m.convert(src, "xls", folder / "Northmoor ICB.xls")


@kind(
    "ods-stray-cell",
    "section 11",
    "the template saved as .ods with an 'x' in XFD1048576 (by LibreOffice)",
    "unreadable (Error) at Assessment!XFD1048576: \"the sheet 'Assessment' claims data as far as XFD1048576 ...; "
    'this is an OpenDocument (.ods) spreadsheet: save it as .xlsx", in milliseconds',
    libreoffice=True,
)
def _ods_stray(folder: Path, m: Maker) -> None:
    src = m.s11_return(m.work, "Northmoor ICB", file_name="ods-stray-src.xlsx", sector="Health")
    edit(src, _stray("XFD1048576"))
    m.good(folder)
    m.convert(src, "ods", folder / "Northmoor ICB.ods")


@kind(
    "lock-file",
    "section 11",
    "a return still open in Excel: ~$Moorlands Police.xlsx (and LibreOffice's .~lock...#) beside it",
    "lock files skipped, the real return read: accepted, no problems",
)
def _lock(folder: Path, m: Maker) -> None:
    m.good(folder)
    owner = b"\x08A.Tester" + b" " * 46 + "A.Tester".encode("utf-16-le") + b"\x00" * 100
    (folder / f"~${GOOD}").write_bytes(owner[:165])
    (folder / f".~lock.{GOOD}#").write_text(",A. Tester,host,24.11.2026 10:00,file:///home;", encoding="utf-8")


@kind(
    "empty-folder",
    "section 11",
    "a returns folder holding only a lock file and a text note",
    'refused (UsageError): "no returns found (.xlsx or .xlsm)"; nothing written',
)
def _empty(folder: Path, m: Maker) -> None:
    (folder / f"~${GOOD}").write_bytes(b"\x08A.Tester")
    (folder / "notes.txt").write_text("chase the ICB", encoding="utf-8")


# -- section 11: the template changed ------------------------------------------------------------------------


@kind(
    "version-old",
    "section 11",
    "a return on an older template (TemplateVersion 2024.1)",
    'rejected: version-old (Error) at Cover!B17, "copy the answers into the current template"',
)
def _old(folder: Path, m: Maker) -> None:
    m.good(folder)
    m.s11_return(folder, "Northmoor ICB", sector="Health", names={"TemplateVersion": "2024.1"})


@kind(
    "version-unknown",
    "section 11",
    "a return with TemplateVersion 2031.7",
    "rejected: version-unknown (Error) at Cover!B17",
)
def _unknown_version(folder: Path, m: Maker) -> None:
    m.good(folder)
    m.s11_return(folder, "Northmoor ICB", sector="Health", names={"TemplateVersion": "2031.7"})


@kind(
    "name-missing",
    "section 11",
    "the defined name Agency deleted and its label on the cover retyped",
    "rejected: name-missing (Error) \"defined name 'Agency' is missing\"",
)
def _name_missing(folder: Path, m: Maker) -> None:
    def lose(wb: openpyxl.Workbook) -> None:
        wb.defined_names.pop("Agency")
        wb["Cover"]["A11"] = "Organisation"

    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), lose)


@kind(
    "table-missing",
    "section 11",
    "the Assessment table deleted and its header row with it (the answers left as plain cells)",
    'rejected: table-missing (Error) on sheet Assessment, "the workbook has no tables"',
)
def _table_missing(folder: Path, m: Maker) -> None:
    def lose(wb: openpyxl.Workbook) -> None:
        wb[c.ASSESSMENT].tables.pop(c.ASSESSMENT)
        wb[c.ASSESSMENT].delete_rows(1)

    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), lose)


@kind(
    "table-and-names-lost",
    "section 11",
    "the return's values pasted into a new workbook (no table, no defined names)",
    'accepted, read by layout; Info "read-by-layout" naming the table and the names',
)
def _pasted(folder: Path, m: Maker) -> None:
    m.good(folder)
    pasted_into_new_workbook(
        m.s11_return(m.work, "Northmoor ICB", sector="Health", file_name="pasted-src.xlsx"), folder / OTHER
    )


@kind(
    "table-deleted-libreoffice",
    "section 11",
    "the Assessment table deleted (the data left as plain cells), saved by LibreOffice as .xlsx",
    'accepted, read by layout; Info "read-by-layout" naming the table',
    libreoffice=True,
)
def _table_deleted_lo(folder: Path, m: Maker) -> None:
    src = m.s11_return(m.work, "Northmoor ICB", sector="Health", file_name="table-deleted-src.xlsx")
    edit(src, lambda wb: wb[c.ASSESSMENT].tables.pop(c.ASSESSMENT))
    m.good(folder)
    m.convert(src, "xlsx", folder / OTHER)


@kind(
    "names-lost",
    "section 11",
    "every defined name deleted (Name Manager), the table kept",
    'accepted, names read beside their labels; Info "read-by-layout" naming the names',
)
def _names_lost(folder: Path, m: Maker) -> None:
    def lose(wb: openpyxl.Workbook) -> None:
        for name in c.RETURN_NAMES:
            wb.defined_names.pop(name)

    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), lose)


@kind(
    "name-sheet-scoped",
    "section 11",
    "the Agency name only scoped to the Cover sheet (as Excel copies names with a sheet)",
    'accepted; Info "name-sheet-scoped" at Cover!B11',
)
def _name_scoped(folder: Path, m: Maker) -> None:
    def scope(wb: openpyxl.Workbook) -> None:
        wb["Cover"].defined_names["Agency"] = wb.defined_names.pop("Agency")

    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), scope)


@kind(
    "name-ref-deleted",
    "section 11",
    "the Agency name pointing at #REF! (its cell deleted), the agency typed again beside the label",
    'accepted; Info "name-deleted" at Cover!B11, read beside the label',
)
def _name_ref(folder: Path, m: Maker) -> None:
    def delete(wb: openpyxl.Workbook) -> None:
        wb.defined_names["Agency"].attr_text = "Cover!#REF!"

    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), delete)


@kind(
    "assessment-copied",
    "section 11",
    "the Assessment sheet copied, its table named Assessment3 (with a different S1 rating)",
    'accepted, table Assessment read; Warning "table-copy" naming both tables and sheets',
)
def _copied(folder: Path, m: Maker) -> None:
    def copy_sheet(wb: openpyxl.Workbook) -> None:
        ws = wb[c.ASSESSMENT]
        copy = wb.copy_worksheet(ws)
        copy.title = "Assessment (2)"
        copy.add_table(openpyxl.worksheet.table.Table(displayName="Assessment3", ref=ws.tables[c.ASSESSMENT].ref))
        copy["C2"] = "Not met"

    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), copy_sheet)


@kind(
    "named-cell-uncached",
    "section 11",
    "the Agency cell a formula written by a program (no calculated result)",
    'rejected: cell-uncalculated (Error) at Cover!B11, "a formula with no calculated result"',
)
def _named_uncached(folder: Path, m: Maker) -> None:
    m.good(folder)
    edit(
        m.s11_return(folder, "Northmoor ICB", sector="Health"),
        lambda wb: wb["Cover"].__setitem__("B11", '="Northmoor "&"ICB"'),
    )


STRICT = (
    (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    ),
    (b"http://schemas.openxmlformats.org/drawingml/2006/main", b"http://purl.oclc.org/ooxml/drawingml/main"),
)


def to_strict(data: bytes) -> bytes:
    """A package as Excel's "Strict Open XML Spreadsheet" writes it: the transitional namespaces and relationship
    types replaced by the purl.oclc.org ones in every part and relationship (the package's own stay), and the
    workbook marked ``conformance="strict"``."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()

    def swap(part: bytes) -> bytes:
        for old, new in STRICT:
            part = part.replace(old, new)
        return part

    changes: dict[str, bytes | Callable[[bytes], bytes]] = {n: swap for n in names if n.endswith((".xml", ".rels"))}
    changes["xl/workbook.xml"] = lambda part: swap(part).replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
    return rezip(data, changes)


@kind(
    "strict-xlsx",
    "section 11",
    "the return saved as Strict Open XML Spreadsheet (namespaces rewritten to purl.oclc.org)",
    'unreadable (Error): "saved as Strict Open XML Spreadsheet ... save it as Excel Workbook (.xlsx)"',
)
def _strict(folder: Path, m: Maker) -> None:
    data = m.s11_return(m.work, "Northmoor ICB", sector="Health", file_name="strict-src.xlsx").read_bytes()
    m.good(folder)
    (folder / OTHER).write_bytes(to_strict(data))


def agency_list(folder: Path) -> None:
    """The partnership's agency list kept beside the returns (the collation reads it; it is not a return)."""
    (folder / "agencies.csv").write_text(
        "Agency,Sector,Email,Partnerships\r\nMoorlands Police,Police,s11@police.example,All\r\n"
        "Northmoor ICB,Health,s11@icb.example,All\r\n",
        encoding="utf-8",
    )


@kind(
    "zip-in-folder",
    "section 11",
    "Northmoor ICB.zip holding the return, in the returns folder",
    'not-a-return (Error): "a zip file, not a return, holding 1 workbook: unzip it into the returns folder"',
)
def _zip_in_folder(folder: Path, m: Maker) -> None:
    agency_list(folder)
    src = m.s11_return(m.work, "Northmoor ICB", sector="Health", file_name="zipped-src.xlsx")
    m.good(folder)
    with zipfile.ZipFile(folder / "Northmoor ICB.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(src, OTHER)


@kind(
    "xltx-in-folder",
    "section 11",
    "the return saved as an Excel template (Northmoor ICB.xltx)",
    'not-a-return (Error): "an Excel template (.xltx) ... save it as Excel Workbook (.xlsx)"',
)
def _xltx(folder: Path, m: Maker) -> None:
    agency_list(folder)
    data = m.s11_return(m.work, "Northmoor ICB", sector="Health", file_name="xltx-src.xlsx").read_bytes()
    main = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    template = b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
    m.good(folder)
    (folder / "Northmoor ICB.xltx").write_bytes(
        rezip(data, {"[Content_Types].xml": lambda ct: ct.replace(main, template)})
    )


@kind(
    "pdf-in-folder",
    "section 11",
    "Northmoor ICB.pdf (the return printed to PDF) in the returns folder",
    'not-a-return (Error): "a PDF ... ask the agency for the return itself, the .xlsx workbook"',
)
def _pdf_in_folder(folder: Path, m: Maker) -> None:
    agency_list(folder)
    m.good(folder)
    (folder / "Northmoor ICB.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")


@kind(
    "csv-in-folder",
    "section 11",
    "Northmoor ICB.csv (the Assessment sheet saved as CSV) in the returns folder",
    'not-a-return (Error): "a CSV file ... ask the agency for the return workbook (.xlsx)"',
)
def _csv_in_folder(folder: Path, m: Maker) -> None:
    agency_list(folder)
    m.good(folder)
    rows = ["Ref,Standard,Rating,Evidence"] + [f"{s.ref},{s.title},Fully met,Policy" for s in m.config.standards]
    (folder / "Northmoor ICB.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")


@kind(
    "broken-link-in-folder",
    "section 11",
    "Northmoor ICB.xlsx a symbolic link to a file that is not there (a moved share)",
    'not-a-return (Error): "a link to a file that is not there"',
)
def _broken_link(folder: Path, m: Maker) -> None:
    agency_list(folder)
    m.good(folder)
    (folder / OTHER).symlink_to(m.work / "moved-away" / OTHER)


def _rename_column(wb: openpyxl.Workbook, old: str, new: str) -> None:
    ws = wb[c.ASSESSMENT]
    t = ws.tables[c.ASSESSMENT]
    j = [col.name for col in t.tableColumns].index(old)
    t.tableColumns[j].name = new
    ws.cell(1, j + 1).value = new


@kind(
    "column-renamed",
    "section 11",
    "the Rating column renamed 'Ratings'",
    "rejected: column-missing (Error) at Assessment!C1, \"rename it back to 'Rating'\"",
)
def _column_renamed(folder: Path, m: Maker) -> None:
    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), lambda wb: _rename_column(wb, "Rating", "Ratings"))


@kind(
    "column-optional-renamed",
    "section 11",
    "the Owner column renamed 'Lead officer'",
    "accepted: column-missing (Warning) at Assessment!A1, Owner treated as blank",
)
def _column_optional(folder: Path, m: Maker) -> None:
    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), lambda wb: _rename_column(wb, "Owner", "Lead officer"))


@kind(
    "inserted-and-blank-rows",
    "section 11",
    "standards in a different order, blank rows between, and an inserted note row with no Ref",
    'accepted; standard-unknown (Warning) "a row has answers but no Ref" at A11; blanks ignored',
)
def _inserted(folder: Path, m: Maker) -> None:
    std = m.config.standards
    row = [[s.ref, s.title, "Fully met", GOOD_EVIDENCE, None, None, None] for s in std]
    blank: list[object] = [None] * 7
    rows = [
        row[2],
        blank,
        row[0],
        blank,
        blank,
        row[1],
        *row[3:6],
        [None, None, None, "Note: S4 to S6 reviewed by the DSL", None, None, None],
        blank,
        *row[6:],
    ]
    m.good(folder)
    m.s11_return(folder, "Northmoor ICB", sector="Health", rows=rows)


@kind(
    "ten-thousand-blank-rows",
    "section 11",
    "10,000 blank rows inserted inside the table after S1 (S10's evidence left out)",
    "accepted (read in under 2 s); evidence-missing (Warning) named at D10011",
)
def _blank_rows(folder: Path, m: Maker) -> None:
    n = len(m.config.standards)
    path = m.s11_return(folder, "Northmoor ICB", sector="Health", evidence=[GOOD_EVIDENCE] * (n - 1) + [None])

    def insert(wb: openpyxl.Workbook) -> None:
        ws = wb[c.ASSESSMENT]
        ws.insert_rows(3, 10_000)
        t = ws.tables[c.ASSESSMENT]
        _c1, r1, c2, r2 = range_boundaries(t.ref)
        t.ref = f"A{r1}:{openpyxl.utils.get_column_letter(c2)}{r2 + 10_000}"
        if t.autoFilter is not None:
            t.autoFilter.ref = t.ref

    edit(path, insert)
    m.good(folder)


# -- section 11: what people type -------------------------------------------------------------------------


@kind(
    "rating-variants",
    "section 11",
    "ratings typed with odd case, spaces and aliases (' fully MET ', 'N/A', 'na')",
    "accepted; the scale's own labels land in the summary",
)
def _variants(folder: Path, m: Maker) -> None:
    typed = [
        " fully MET ",
        "N/A",
        "na",
        "MOSTLY MET",
        "Partially Met ",
        "not met",
        "Fully met\n",
        "n.a.",
        "Mostly met",
        "FULLY MET",
    ]
    m.good(folder)
    m.s11_return(folder, "Northmoor ICB", sector="Health", ratings=typed[: len(m.config.refs)])


@kind(
    "rating-typo",
    "section 11",
    "'Fuly met' typed for S4",
    "rejected: rating-unknown (Error) at Assessment!C5, \"did you mean 'Fully met'?\" and the allowed labels",
)
def _typo(folder: Path, m: Maker) -> None:
    n = len(m.config.refs)
    m.good(folder)
    m.s11_return(
        folder, "Northmoor ICB", sector="Health", ratings=["Fully met"] * 3 + ["Fuly met"] + ["Fully met"] * (n - 4)
    )


@kind("rating-blank", "section 11", "no rating for S2", "rejected: rating-blank (Error) at Assessment!C3")
def _rating_blank(folder: Path, m: Maker) -> None:
    n = len(m.config.refs)
    m.good(folder)
    m.s11_return(folder, "Northmoor ICB", sector="Health", ratings=["Fully met", None] + ["Fully met"] * (n - 2))


def _formula_ratings(m: Maker, folder: Path, cached: bool) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    part = part_of_sheet(good, c.ASSESSMENT)

    def cells(x: bytes) -> bytes:
        for ref, formula, value in (
            ("C2", 'IF(TRUE,"Fully met","Not met")', "Fully met"),
            ("C3", '"Mostly met"', "Mostly met"),
        ):
            v = f"<v>{value}</v>" if cached else ""
            x = set_cell_xml(x, ref, f'<c t="str"><f>{formula.replace(chr(34), "&quot;")}</f>{v}</c>')
        return x

    m.good(folder)
    (folder / OTHER).write_bytes(rezip(good, {part: cells}))


@kind(
    "rating-formula-cached",
    "section 11",
    'formulas in rating cells (=IF(TRUE,"Fully met",...), ="Mostly met") with the values Excel saves beside them',
    "accepted: the value the agency sees is the rating (S1 Fully met, S2 Mostly met)",
)
def _formula_cached(folder: Path, m: Maker) -> None:
    _formula_ratings(m, folder, cached=True)


@kind(
    "rating-formula-uncached",
    "section 11",
    "the same formulas with no saved value (written by a tool, never opened in Excel)",
    "rejected: rating-uncalculated (Error) at C2 and C3 — a formula with no result, not a blank",
)
def _formula_uncached(folder: Path, m: Maker) -> None:
    _formula_ratings(m, folder, cached=False)


@kind(
    "formula-like-evidence",
    "section 11",
    "evidence, action and owner starting with = + - @ (incl. DDE =cmd|' /C calc'!A0)",
    "accepted; written to the summary as text, never a formula",
)
def _formula_like(folder: Path, m: Maker) -> None:
    n = len(m.config.refs)
    evidence = (list(FORMULA_LIKE) * 2)[:n]
    rows = [
        [s.ref, s.title, "Fully met", evidence[i], "=A1*2" if i == 0 else None, "@owner" if i == 0 else None, None]
        for i, s in enumerate(m.config.standards)
    ]
    m.good(folder)
    m.s11_return(folder, "Northmoor ICB", sector="Health", rows=rows)


@kind(
    "control-characters",
    "section 11",
    "evidence holding control characters as Excel escapes them (_x0007_, _x001B_) plus tabs and line breaks",
    "accepted; the summary holds the text without characters Excel refuses",
)
def _control(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    part = part_of_sheet(good, c.ASSESSMENT)
    m.good(folder)
    (folder / OTHER).write_bytes(
        rezip(
            good,
            {
                part: lambda x: set_cell_xml(
                    x,
                    "D2",
                    '<c t="inlineStr"><is><t xml:space="preserve">Bell_x0007_ here\tand escape_x001B_ there&#10;'
                    "second line</t></is></c>",
                )
            },
        )
    )


@kind(
    "huge-text-at-limit",
    "section 11",
    "evidence of exactly 32,767 characters (Excel's cell limit)",
    "accepted; the summary holds all 32,767 characters",
)
def _huge_at(folder: Path, m: Maker) -> None:
    path = m.s11_return(folder, "Northmoor ICB", sector="Health")
    text = (GOOD_EVIDENCE + " ") * (HUGE // len(GOOD_EVIDENCE) + 1)
    edit(path, lambda wb: setattr(wb[c.ASSESSMENT]["D2"], "value", text[:HUGE]))
    m.good(folder)


@kind(
    "huge-text-over-limit",
    "section 11",
    "evidence of 100,000 characters (beyond Excel's limit: written into the "
    "sheet XML by a tool; openpyxl itself cuts text at 32,767)",
    'accepted; the summary cell is cut to 32,767 characters ending "[truncated: over Excel\'s cell limit]"',
)
def _huge_over(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    part = part_of_sheet(good, c.ASSESSMENT)
    text = ("Supervision records audited. " * 4000)[:100_000]
    m.good(folder)
    (folder / OTHER).write_bytes(
        rezip(good, {part: lambda x: set_cell_xml(x, "D2", f'<c t="inlineStr"><is><t>{text}</t></is></c>')})
    )


@kind(
    "huge-text-in-rating",
    "section 11",
    "a rating cell holding 40,000 characters (a pasted document)",
    "rejected: rating-unknown (Error) at C2; the message quotes its first 60 characters and gives its length",
)
def _huge_rating(folder: Path, m: Maker) -> None:
    good = m.s11_return(m.work, "Northmoor ICB", sector="Health").read_bytes()
    part = part_of_sheet(good, c.ASSESSMENT)
    text = ("Fully met because " * 3000)[:40_000]
    m.good(folder)
    (folder / OTHER).write_bytes(
        rezip(good, {part: lambda x: set_cell_xml(x, "C2", f'<c t="inlineStr"><is><t>{text}</t></is></c>')})
    )


@kind(
    "merged-cells",
    "section 11",
    "Evidence cells D2:D3 merged over the table (S1's evidence spans S2's row)",
    "accepted; S2 has no evidence of its own: evidence-missing (Warning) at D3",
)
def _merged(folder: Path, m: Maker) -> None:
    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), lambda wb: wb[c.ASSESSMENT].merge_cells("D2:D3"))


@kind(
    "hidden-sheet",
    "section 11",
    "the Assessment sheet (holding the table) hidden",
    "accepted (read anyway); hidden-sheet (Warning) naming sheet Assessment",
)
def _hidden(folder: Path, m: Maker) -> None:
    def hide(wb: openpyxl.Workbook) -> None:
        wb[c.ASSESSMENT].sheet_state = "hidden"
        wb.active = 0

    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), hide)


@kind(
    "dates-uk-text",
    "section 11",
    "Completed on '1st May 2026' and Due dates typed as text in ten UK styles "
    "(31.3.27, 31 March 2027, 30 Sept 2027, 1-4-27, ...)",
    "accepted; every date read day-first; no date-invalid",
)
def _dates(folder: Path, m: Maker) -> None:
    n = len(m.config.refs)
    m.good(folder)
    m.s11_return(
        folder,
        "Northmoor ICB",
        sector="Health",
        completed_on="1st May 2026",
        due=list(UK_DUE_DATES[:n]) + [None] * (n - len(UK_DUE_DATES)),
    )


@kind(
    "date-us-format",
    "section 11",
    "Due typed month-first (03/31/2027) and Completed on 'last Tuesday'",
    'accepted; date-invalid (Warning) at Assessment!G2 and Cover!B16 "write it as dd/mm/yyyy"',
)
def _date_us(folder: Path, m: Maker) -> None:
    n = len(m.config.refs)
    m.good(folder)
    m.s11_return(
        folder, "Northmoor ICB", sector="Health", completed_on="last Tuesday", due=["03/31/2027"] + [None] * (n - 1)
    )


@kind(
    "date-impossible-day",
    "section 11",
    "Due typed '31 Sep 2026' (September has 30 days)",
    "accepted; date-invalid (Warning) at G2",
)
def _date_sep31(folder: Path, m: Maker) -> None:
    n = len(m.config.refs)
    m.good(folder)
    m.s11_return(folder, "Northmoor ICB", sector="Health", due=["31 Sep 2026"] + [None] * (n - 1))


@kind(
    "date-cell-huge-negative",
    "section 11",
    "Due holding -1e15 (a huge negative number in a date-formatted cell)",
    "date-invalid (Warning) at G2, or the file listed as unreadable",
)
def _date_negative(folder: Path, m: Maker) -> None:
    def negative(wb: openpyxl.Workbook) -> None:
        cell = wb[c.ASSESSMENT]["G2"]
        cell.value = -1e15
        cell.number_format = "dd/mm/yyyy"

    m.good(folder)
    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), negative)


@kind(
    "two-returns-one-agency",
    "section 11",
    "Northmoor ICB sent a draft (completed 01/04/2026) and a final (20/05/2026)",
    "both read; the later one is used; duplicate-return (Warning) on the draft",
)
def _two(folder: Path, m: Maker) -> None:
    n = len(m.config.refs)
    m.good(folder)
    m.s11_return(
        folder,
        "Northmoor ICB",
        sector="Health",
        file_name="Northmoor ICB draft.xlsx",
        ratings=["Not met"] * n,
        completed_on=date(2026, 4, 1),
    )
    m.s11_return(
        folder, "Northmoor ICB", sector="Health", file_name="Northmoor ICB final.xlsx", completed_on=date(2026, 5, 20)
    )


@kind(
    "agency-not-listed",
    "section 11",
    "a return from 'Moorlands Constabulary', not in agencies.csv (beside it)",
    "accepted; agency-unknown (Warning) suggesting 'Moorlands Police'; Moorlands Police listed as missing",
)
def _unlisted(folder: Path, m: Maker) -> None:
    (folder / "agencies.csv").write_text(
        "Agency,Sector,Email,Partnerships\r\nMoorlands Police,Police,s11@police.example,All\r\n"
        "Northmoor ICB,Health,s11@icb.example,All\r\n",
        encoding="utf-8",
    )
    m.s11_return(folder, "Northmoor ICB", sector="Health")
    m.s11_return(folder, "Moorlands Constabulary", sector="Police")


@kind(
    "agency-name-variants",
    "section 11",
    'agencies.csv lists "Northmoor Women\'s & Children\'s Trust" and "Moorlands Police"; their returns say '
    '"Northmoor Women\u2019s and Children\u2019s Trust" (curly apostrophes, \'and\') and "Moorlands\\u200b '
    'Police\\u00a0" (a zero-width and a non-breaking space)',
    "both accepted as the listed agencies (the list's spelling in the summary); nobody missing, no warning",
)
def _name_variants(folder: Path, m: Maker) -> None:
    (folder / "agencies.csv").write_text(
        "Agency,Sector,Email,Partnerships\r\nMoorlands Police,Police,s11@police.example,All\r\n"
        "Northmoor Women's & Children's Trust,Health,s11@trust.example,All\r\n",
        encoding="utf-8",
    )
    m.s11_return(folder, "Moorlands\u200b Police\u00a0", file_name=GOOD)
    m.s11_return(folder, "Northmoor Women\u2019s and Children\u2019s Trust", sector="Health", file_name=OTHER)


@kind(
    "evidence-as-numbers",
    "section 11",
    "Evidence typed into cells that Excel turned into numbers: 95% (0.95, 0%), 12,000 (#,##0), 3/4/2026 (a date), "
    "0 1/2 (a fraction), 1/2 (1 February, d-mmm), and 150 in a conditional format [>100]0;0",
    "accepted; the evidence collated as shown (95%, 12,000, 03/04/2026, 1/2, 1-Feb); answer-format (Info) naming "
    "D7, where the stored 150 is kept",
)
def _evidence_numbers(folder: Path, m: Maker) -> None:
    from datetime import datetime

    m.good(folder)

    def type_numbers(wb: openpyxl.Workbook) -> None:
        ws = wb["Assessment"]
        for cell, value, code in (
            ("D2", 0.95, "0%"),
            ("D3", 12000, "#,##0"),
            ("D4", datetime(2026, 4, 3), "mm-dd-yy"),  # Excel's built-in short date (14)
            ("D5", 0.5, "# ?/?"),
            ("D6", datetime(2026, 2, 1), "d-mmm"),
            ("D7", 150, "[>100]0;0"),
        ):
            ws[cell].value, ws[cell].number_format = value, code

    edit(m.s11_return(folder, "Northmoor ICB", sector="Health"), type_numbers)


# -- the output ------------------------------------------------------------------------------------------


@kind(
    "unwritable-output",
    "output",
    "collating into a folder that cannot be written (read-only, or a file in the way)",
    'refused (UsageError): "cannot write to ..."; no output, inputs unchanged',
)
def _unwritable(folder: Path, m: Maker) -> None:
    m.good(folder)


@kind(
    "output-is-input",
    "output",
    "--out naming one of the inputs (a return; the budget; the indicator list)",
    'refused (UsageError): "the output ... is also an input"; the input unchanged',
)
def _out_in(folder: Path, m: Maker) -> None:
    m.good(folder)
    _pounds_budget(m, folder / "budget.xlsx")
    wb = openpyxl.Workbook()
    for row in (
        ["Priority", "Indicator", "Period", "Value", "Target", "Polarity"],
        ["Neglect", "Re-referrals", "2024/25", 21.2, 20, "lower"],
    ):
        wb.active.append(row)
    wb.save(folder / "indicators.xlsx")


@kind(
    "two-collations-at-once",
    "output",
    "two collations writing one summary at the same time",
    'the second waits for the first and then succeeds; with a short wait it is refused: "another boardbook '
    'run is writing summary.xlsx"; the summary is never half-written',
)
def _concurrent(folder: Path, m: Maker) -> None:
    m.good(folder)


@kind(
    "interrupted-write",
    "output",
    "a re-collation interrupted midway through writing the summary (Ctrl-C, or the process killed)",
    "the previous summary stays byte-identical; no temporary file is left (Ctrl-C) or read as a return (kill)",
)
def _interrupted(folder: Path, m: Maker) -> None:
    m.good(folder)


# -- budget ----------------------------------------------------------------------------------------------

BUDGET_NAMES = {
    "Partnership": "Northmoor Safeguarding Children Partnership",
    "FinancialYear": "2025/26",
    "ReservesBroughtForward": "£10,000.00",
    "Requirement": "£100,000",
}
BUDGET_CONTRIBUTIONS = [
    ["Northmoor Council", "Local authority", "share", "50%", None],
    ["Northmoor ICB", "Health", "share", 0.3, None],
    None,
    ["Moorlands Police", "Police", "share", "20 %", None],
    ["Probation Service", "Probation", "fixed", None, "£2,500.00"],
]
BUDGET_OTHER_INCOME = [["Dedicated Schools Grant", "Funding stream", "£18,000"], ["Training fees", None, " £1,250.50 "]]
BUDGET_EXPENDITURE = [["Independent scrutineer", "38,500", "£37,999.99"], ["Business unit", "£80,000", None]]


def _pounds_budget(m: Maker, path: Path) -> Path:
    return m.budget(path, BUDGET_NAMES, BUDGET_CONTRIBUTIONS, BUDGET_OTHER_INCOME, BUDGET_EXPENDITURE)


@kind(
    "budget-pound-text",
    "budget",
    "a budget workbook with amounts typed as text: '£100,000', '£2,500.00', ' £1,250.50 ', shares '50%', 0.3, '20 %'",
    "parsed: contributions £50,000/£30,000/£20,000/£2,500; total income £121,750.50; surplus £3,750.51",
)
def _budget_pounds(folder: Path, m: Maker) -> None:
    _pounds_budget(m, folder / "budget.xlsx")


@kind(
    "budget-words",
    "budget",
    "Requirement typed 'about £250k' and an actual typed 'TBC'",
    'refused (BudgetInputError): Budget!B4 and Expenditure!C3 "expected an amount in £"; nothing written',
)
def _budget_words(folder: Path, m: Maker) -> None:
    m.budget(
        folder / "budget.xlsx",
        {**BUDGET_NAMES, "Requirement": "about £250k"},
        BUDGET_CONTRIBUTIONS,
        BUDGET_OTHER_INCOME,
        [BUDGET_EXPENDITURE[0], ["Business unit", "£80,000", "TBC"]],
    )


BUDGET_TOML = """[budget]
partnership = "Northmoor Safeguarding Children Partnership"
financial_year = "2025/26"
reserves_brought_forward = "£10,000.00"
requirement = "100,000"
contributions = "contributions.csv"
other_income = "other-income.csv"
expenditure = "expenditure.csv"
"""


def _budget_csvs(folder: Path, encoding: str) -> None:
    (folder / "budget.toml").write_text(BUDGET_TOML, encoding="utf-8")
    files = {
        "contributions.csv": 'Partner,Sector,Basis,Share,Amount\r\n"Northmoor Council","Local authority","share",'
        '"50%",""\r\n"Northmoor ICB","Health","share","0.3",""\r\n,,,,\r\n'
        '"Moorlands Police","Police","share","20 %",""\r\n'
        '"Probation Service","Probation","fixed","","£2,500.00"\r\n',
        "other-income.csv": 'Item,Kind,Amount\r\n"Dedicated Schools Grant","Funding stream","£18,000"\r\n'
        '"Training fees",""," £1,250.50 "\r\n',
        "expenditure.csv": 'Item,Budget,Actual\r\n"Independent scrutineer","38,500","£37,999.99"\r\n'
        '"Business unit","£80,000",""\r\n',
    }
    for name, text in files.items():
        data = ("\ufeff" + text).encode("utf-8") if encoding == "utf-8-sig" else text.encode(encoding)
        (folder / name).write_bytes(data)


@kind(
    "budget-toml-csv-bom",
    "budget",
    "budget.toml naming CSVs saved by Excel as 'CSV UTF-8': byte-order mark, CRLF, "
    "quoted empties, '£2,500.00', a blank row",
    "parsed: the same numbers as budget-pound-text",
)
def _budget_bom(folder: Path, m: Maker) -> None:
    _budget_csvs(folder, "utf-8-sig")


@kind(
    "budget-csv-windows",
    "budget",
    "the same CSVs saved by Excel as plain 'CSV' (Windows-1252: £ is byte A3)",
    "parsed: the same numbers as budget-pound-text (plain CSV is read as Windows-1252, as Excel writes it)",
)
def _budget_cp1252(folder: Path, m: Maker) -> None:
    _budget_csvs(folder, "cp1252")


@kind(
    "budget-csv-mac-line-endings",
    "budget",
    "the budget CSVs saved with classic-Mac line endings (CR only, Excel's 'CSV (Macintosh)')",
    "parsed as the same budget",
)
def _budget_mac(folder: Path, m: Maker) -> None:
    _budget_csvs(folder, "utf-8")
    for name in ("contributions.csv", "other-income.csv", "expenditure.csv"):
        path = folder / name
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))


@kind(
    "budget-csv-semicolon",
    "budget",
    "the budget CSVs saved by Excel in a European locale: ';' between fields, 'CSV UTF-8' with a BOM",
    "parsed as the same budget (the separator is recognised)",
)
def _budget_semicolon(folder: Path, m: Maker) -> None:
    _budget_csvs(folder, "utf-8-sig")
    for name in ("contributions.csv", "other-income.csv", "expenditure.csv"):
        path = folder / name
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
        text = io.StringIO(newline="")
        csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
        path.write_bytes(b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"))


@kind(
    "budget-european-numbers",
    "budget",
    "numbers typed the European way: Requirement '100.000', a share '24,4%', an actual '37.999,99'",
    "refused (BudgetInputError) naming Budget!B4, Contributions!D3 and Expenditure!C2, each with both readings "
    "(never read as £100, 244% or £3,799,999); nothing written",
)
def _budget_european(folder: Path, m: Maker) -> None:
    contributions = [list(r) if r else r for r in BUDGET_CONTRIBUTIONS]
    contributions[1] = ["Northmoor ICB", "Health", "share", "24,4%", None]
    m.budget(
        folder / "budget.xlsx",
        {**BUDGET_NAMES, "Requirement": "100.000"},
        contributions,
        BUDGET_OTHER_INCOME,
        [["Independent scrutineer", "38,500", "37.999,99"], BUDGET_EXPENDITURE[1]],
    )


@kind(
    "budget-huge-amount",
    "budget",
    "a fixed contribution typed with 30 digits (a pasted reference number)",
    "refused (BudgetInputError) naming Contributions!E6",
)
def _budget_huge(folder: Path, m: Maker) -> None:
    contributions = [
        *BUDGET_CONTRIBUTIONS[:4],
        ["Probation Service", "Probation", "fixed", None, "123456789012345678901234567890"],
    ]
    m.budget(folder / "budget.xlsx", BUDGET_NAMES, contributions, BUDGET_OTHER_INCOME, BUDGET_EXPENDITURE)


@kind(
    "budget-share-overflow",
    "budget",
    "a Share typed '1E+999' (an exponent, as a pasted figure can carry)",
    "refused (BudgetInputError) naming Contributions!D2",
)
def _budget_share(folder: Path, m: Maker) -> None:
    contributions = [["Northmoor Council", "Local authority", "share", "1E+999", None], *BUDGET_CONTRIBUTIONS[1:]]
    m.budget(folder / "budget.xlsx", BUDGET_NAMES, contributions, BUDGET_OTHER_INCOME, BUDGET_EXPENDITURE)


@kind(
    "budget-toml-no-requirement",
    "budget",
    "budget.toml with share-based partners and no requirement key",
    'refused (BudgetInputError) "Requirement ... is missing"',
)
def _budget_no_requirement(folder: Path, m: Maker) -> None:
    _budget_csvs(folder, "utf-8")
    toml = folder / "budget.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('requirement = "100,000"\n', ""), encoding="utf-8")


@kind(
    "budget-legacy-xls",
    "budget",
    "the filled budget saved as Excel 97-2003 .xls (by LibreOffice)",
    'refused (WorkbookError): "legacy Excel 97-2003 (.xls) file: ... save it as .xlsx"',
    libreoffice=True,
)
def _budget_xls(folder: Path, m: Maker) -> None:
    src = _pounds_budget(m, m.work / "budget-xls-src.xlsx")
    m.convert(src, "xls", folder / "budget.xls")


@kind(
    "budget-stray-last-cell",
    "budget",
    "the budget workbook with an 'x' typed in XFD1048576 of the Contributions sheet",
    "refused (WorkbookError) naming budget.xlsx, sheet Contributions and cell XFD1048576; nothing written",
)
def _budget_stray(folder: Path, m: Maker) -> None:
    edit(_pounds_budget(m, folder / "budget.xlsx"), _stray("XFD1048576", "Contributions"))


@kind(
    "budget-share-percent-cells",
    "budget",
    "the shares of budget-pound-text typed into the template's percentage cells, as Excel keeps them: 0.5, 0.3, 0.2 "
    "showing 50.00 %, 30.00 %, 20.00 %",
    "parsed: the same numbers as budget-pound-text",
)
def _budget_percent_cells(folder: Path, m: Maker) -> None:
    contributions = [list(r) if r else None for r in BUDGET_CONTRIBUTIONS]
    for row, share in zip((r for r in contributions if r and r[2] == "share"), (0.5, 0.3, 0.2), strict=True):
        row[3] = share
    m.budget(folder / "budget.xlsx", BUDGET_NAMES, contributions, BUDGET_OTHER_INCOME, BUDGET_EXPENDITURE)


@kind(
    "budget-share-percent-over-100",
    "budget",
    "a share cell showing 150.00 % (1.5 in the template's percentage cell)",
    "refused (BudgetInputError) naming Contributions!D2: \"a share cannot be more than 100 %, found '150%'\", as "
    "typing 150% is (it used to be read as 1.5 %)",
)
def _budget_percent_over(folder: Path, m: Maker) -> None:
    contributions = [["Northmoor Council", "Local authority", "share", 1.5, None], *BUDGET_CONTRIBUTIONS[1:]]
    m.budget(folder / "budget.xlsx", BUDGET_NAMES, contributions, BUDGET_OTHER_INCOME, BUDGET_EXPENDITURE)


# -- performance ---------------------------------------------------------------------------------------------


@kind(
    "indicators-bom-quoted-empties",
    "performance",
    "an indicator list saved as 'CSV UTF-8' with a BOM, CRLF, "
    "every cell quoted, quoted empties, '1,234', '34.8%' and DfE's 'c'",
    "parsed: values computed or taken, 'c' leaves Value empty with a Note; the workbook is filled",
)
def _ind_bom(folder: Path, m: Maker) -> None:
    text = (
        '"Priority","Indicator","Period","Numerator","Denominator","Per","Value","Target","Polarity",'
        '"Tolerance","Note"\r\n'
        '"Neglect","Repeat child protection plans","2024/25","41","168","100","","20","lower","3",""\r\n'
        '"Neglect","Children in need","2024/25","","","","1,234","","","",""\r\n'
        '"Neglect","Re-referrals","2024/25","","","","34.8%","30","lower","",""\r\n'
        '"Neglect","Missing returns","2024/25","","","","c","","","",""\r\n'
        '"","","","","","","","","","",""\r\n'
    )
    (folder / "indicators.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


@kind(
    "indicators-unicode-text",
    "performance",
    "an indicator list saved as Excel's 'Unicode Text' (UTF-16 with a BOM, tab-separated), a change figure typed "
    "with a Unicode minus ('\u22122.5') and a target with an en dash ('\u20131')",
    "parsed: the tab separator and UTF-16 recognised, both signs read as minus; the workbook is filled",
)
def _ind_utf16(folder: Path, m: Maker) -> None:
    rows = [
        ("Priority", "Indicator", "Period", "Value", "Target", "Polarity", "Tolerance"),
        ("Neglect", "Re-referrals", "2024/25", "24.4%", "30", "lower", "2"),
        ("Neglect", "Change in CP plans", "2024/25", "\u22122.5", "\u20131", "lower", ""),
    ]
    text = "".join("\t".join(r) + "\r\n" for r in rows)
    (folder / "indicators.txt").write_bytes(text.encode("utf-16"))  # BOM + little-endian, as Excel writes it


@kind(
    "indicators-decimal-comma",
    "performance",
    "an indicator list from a European-locale Excel: ';' separators and decimal commas ('34,8', '1.234,5')",
    "refused (InputError) naming row 2 and row 3, column Value, each with both readings; nothing written",
)
def _ind_comma(folder: Path, m: Maker) -> None:
    text = (
        "Priority;Indicator;Period;Value;Target;Polarity\r\n"
        "Neglect;Re-referrals;2024/25;34,8;30;lower\r\n"
        "Neglect;Children in need;2024/25;1.234,5;;\r\n"
    )
    (folder / "indicators.csv").write_bytes(text.encode("cp1252"))


@kind(
    "indicators-second-sheet",
    "performance",
    "an indicator workbook with no table: a 'Read me' sheet first, the figures on the second sheet under a title "
    "row and a blank row",
    "parsed: the sheet and header row are found by the headers; the workbook is filled",
)
def _ind_second_sheet(folder: Path, m: Maker) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Read me"
    wb.active.append(["Figures for the board: see the next tab"])
    ws = wb.create_sheet("Q2 figures")
    for row in (
        ["Northmoor SCP indicators, quarter 2"],
        [],
        ["Priority", "Indicator", "Period", "Value", "Target", "Polarity"],
        ["Neglect", "Re-referrals", "2024/25", 21.2, 20, "lower"],
    ):
        ws.append(row)
    wb.save(folder / "indicators.xlsx")


@kind(
    "evidence-uk-dates",
    "performance",
    "findings dated as typed: 31/03/2025, 1 April 2025, 1.4.25, 2025-04-01, 30th Sept 2025",
    "parsed: every date read day-first",
)
def _evidence_dates(folder: Path, m: Maker) -> None:
    lines = ["Priority,Lens,Finding,RAG,Source,Date"]
    for i, d in enumerate(("31/03/2025", "1 April 2025", "1.4.25", "2025-04-01", "30th Sept 2025")):
        lines.append(f"Neglect,Practitioner views,Finding {i + 1},G,Survey,{d}")
    (folder / "evidence.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@kind(
    "evidence-impossible-date",
    "performance",
    "a finding dated '31 Sep 2025' (September has 30 days)",
    "refused (InputError): \"row 2, column Date: '31 Sep 2025' is not a date\"",
)
def _evidence_sep31(folder: Path, m: Maker) -> None:
    (folder / "evidence.csv").write_text(
        "Priority,Lens,Finding,RAG,Source,Date\nNeglect,Practitioner views,Finding 1,G,Survey,31 Sep 2025\n",
        encoding="utf-8",
    )


@kind(
    "indicators-legacy-xls",
    "performance",
    "the indicator list saved as Excel 97-2003 .xls (by LibreOffice)",
    'read, or refused with "legacy Excel 97-2003 (.xls): save it as .xlsx"',
    libreoffice=True,
)
def _ind_xls(folder: Path, m: Maker) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Indicators"
    for row in (
        ["Priority", "Indicator", "Period", "Value", "Target", "Polarity"],
        ["Neglect", "Re-referrals", "2024/25", 21.2, 20, "lower"],
    ):
        wb.active.append(row)
    src = m.work / "indicators-xls-src.xlsx"
    wb.save(src)
    m.convert(src, "xls", folder / "indicators.xls")


@kind(
    "indicators-csv-renamed-xlsx",
    "performance",
    "an indicator CSV renamed indicators.xlsx",
    "read as the CSV it is, or refused saying to name it .csv",
)
def _ind_renamed(folder: Path, m: Maker) -> None:
    (folder / "indicators.xlsx").write_bytes(b"Priority,Indicator,Period,Value\r\nNeglect,Re-referrals,2024/25,21\r\n")


@kind(
    "indicators-overflow",
    "performance",
    "Value '1e999' and Numerator/Denominator '1e999' (overflow to infinity)",
    "refused (InputError) naming row and column",
)
def _ind_overflow(folder: Path, m: Maker) -> None:
    (folder / "indicators.csv").write_text(
        "Priority,Indicator,Period,Numerator,Denominator,Per,Value,Target,Polarity,Tolerance\n"
        "Neglect,Re-referrals,2024/25,,,,1e999,20,lower,3\n"
        "Neglect,Repeat plans,2024/25,1e999,1e999,100,,20,lower,3\n",
        encoding="utf-8",
    )


@kind(
    "risk-factors-impossible",
    "performance",
    "a risk factor with more plans than assessments, a 0, a fraction and a duplicate",
    "refused (InputError) listing each: row and column named, all problems together",
)
def _risk(folder: Path, m: Maker) -> None:
    (folder / "risk-factors.csv").write_text(
        "Factor,Assessments,Plans\nDomestic abuse,400,120\nNeglect,40,50\nMental health,0,0\n"
        "Substance misuse,12.5,3\ndomestic  abuse,10,1\n",
        encoding="utf-8",
    )


@kind(
    "indicators-stray-last-cell",
    "performance",
    "an indicator list in .xlsx (first sheet, header in row 1) with an 'x' typed in XFD1048576",
    "refused (WorkbookError) naming indicators.xlsx, sheet Indicators and cell XFD1048576",
)
def _ind_stray(folder: Path, m: Maker) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Indicators"
    for row in (
        ["Priority", "Indicator", "Period", "Value", "Target", "Polarity"],
        ["Neglect", "Re-referrals", "2024/25", 21.2, 20, "lower"],
    ):
        wb.active.append(row)
    wb.active["XFD1048576"] = "x"
    wb.save(folder / "indicators.xlsx")


@kind(
    "indicators-percent-cells",
    "performance",
    "an indicator list in .xlsx with 24.4% typed into Value (Excel keeps 0.244 formatted 0.0%), Target 25 as a "
    "plain number and Tolerance 2% (0.02 formatted 0%)",
    "parsed as the percentages shown: Value 24.4, Tolerance 2, RAG Amber (as the CSV typed 24.4%; read as 0.244 it "
    "was Red)",
)
def _ind_percent_cells(folder: Path, m: Maker) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Indicators"
    ws.append(["Priority", "Indicator", "Period", "Value", "Target", "Polarity", "Tolerance"])
    ws.append(["Missing children", "Return interviews within 72 hours", "2025-26 Q1", 0.244, 25, "higher", 0.02])
    ws["D2"].number_format, ws["G2"].number_format = "0.0%", "0%"
    wb.save(folder / "indicators.xlsx")


TRACKER_HEADER = [
    "Ref",
    "Review",
    "Review type",
    "Agreed",
    "Recommendation",
    "Theme",
    "Lead agency",
    "Owner",
    "Due",
    "Status",
    "Impact evidence",
    "Updated",
]
TRACKER_ROWS = [
    [
        "R1",
        "CSPR Child £",
        "CSPR",
        "01/04/2025",
        "Train on neglect – all partners",
        "Neglect",
        "Council",
        "Head",
        "01/03/2026",
        "In progress",
        "",
        "01/03/2026",
    ],
    [
        "R2",
        "Audit: “voice”",
        "Audit",
        "01/06/2025",
        "Record the child’s words",
        "Voice",
        "ICB",
        "Nurse",
        "30/06/2026",
        "Evidenced",
        "9 of 10 plans quote the child",
        "01/03/2026",
    ],
]


@kind(
    "tracker-unicode-text",
    "learning",
    "a tracker saved as Excel's 'Unicode text' (UTF-16 with a byte-order mark, tab-separated, £ and curly quotes)",
    "filled: R1 Red, 30 days overdue on 31/03/2026; R2 Green; the text as typed",
)
def _tracker_utf16(folder: Path, m: Maker) -> None:
    lines = ["\t".join(r) for r in (TRACKER_HEADER, *TRACKER_ROWS)]
    (folder / "recommendations.txt").write_bytes("\r\n".join(lines).encode("utf-16"))


@kind(
    "tracker-csv-renamed-xlsx",
    "learning",
    "a tracker CSV renamed recommendations.xlsx",
    "read as the CSV it is (by its bytes, not its name) and filled",
)
def _tracker_renamed(folder: Path, m: Maker) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerows([TRACKER_HEADER, *TRACKER_ROWS])
    (folder / "recommendations.xlsx").write_bytes(buf.getvalue().encode("utf-8"))


@kind(
    "tracker-stray-last-cell",
    "learning",
    "the tracker template typed in, with an 'x' typed in XFD1048576 of the Recommendations sheet",
    "refused (learning-unreadable) naming the file, sheet and cell XFD1048576, fast",
)
def _tracker_stray(folder: Path, m: Maker) -> None:
    from boardbook.templates.learning import build_learning

    path = folder / "tracker.xlsx"
    build_learning(m.config).save(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Recommendations"]
    for j, value in enumerate(TRACKER_ROWS[0], start=1):
        ws.cell(2, j).value = value
    ws["XFD1048576"] = "x"
    wb.save(path)


@kind(
    "concerns-ticks-and-booleans",
    "concerns",
    "a matrix of concerns in .xlsx with marks typed as TRUE (a boolean cell), ✓, ●, 'x', ' YES ', 'No' and blanks",
    "filled: every mark written as Yes in text, every no blank, Sources counted",
)
def _concerns_ticks(folder: Path, m: Maker) -> None:
    from boardbook.templates.concerns import build_concerns

    path = folder / "concerns.xlsx"
    build_concerns(m.config).save(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Concerns"]
    for i, row in enumerate(
        (["Practice", "Neglect", True, "✓", "●", None], ["Systems", "Escalation", "x", " YES ", "No", False]), start=2
    ):
        for j, value in enumerate(row, start=1):
            ws.cell(i, j).value = value
    wb.save(path)


# -- building ---------------------------------------------------------------------------------------------


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def build(
    out: Path, kinds: Sequence[str] | None = None, *, libreoffice: bool = True
) -> tuple[dict[str, Path], list[str]]:
    """Write each kind into ``out/<kind>/``. Returns the folders made and the kinds left out (no LibreOffice)."""
    out.mkdir(parents=True, exist_ok=True)
    soffice = find_soffice() if libreoffice else None
    made: dict[str, Path] = {}
    left_out: list[str] = []
    with tempfile.TemporaryDirectory(prefix="boardbook-corpus-") as work:
        m = Maker(soffice, Path(work))
        for name in kinds or list(KINDS):
            k = KINDS[name]
            if k.libreoffice and soffice is None:
                left_out.append(name)
                continue
            folder = out / name
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir()
            k.make(folder, m)
            made[name] = folder
        m.flush()
    return made, left_out


def readme_lines() -> list[str]:
    return [k.readme_line() for k in KINDS.values()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, help="folder to write the corpus into")
    parser.add_argument("--kind", action="append", choices=sorted(KINDS), help="only this kind (repeatable)")
    parser.add_argument("--no-libreoffice", action="store_true", help="leave out the .xls/.ods kinds")
    parser.add_argument("--readme", action="store_true", help="print the list of kinds for README.md")
    args = parser.parse_args(argv)
    if args.readme:
        print("\n".join(readme_lines()))
        return 0
    if args.out is None:
        parser.error("give OUT_DIR (or --readme)")
    made, left_out = build(args.out, args.kind, libreoffice=not args.no_libreoffice)
    for name, folder in made.items():
        print(f"{name}: {', '.join(sorted(shown(p.name) for p in folder.iterdir()))}")
    if left_out:
        print(f"left out (no LibreOffice): {', '.join(left_out)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
