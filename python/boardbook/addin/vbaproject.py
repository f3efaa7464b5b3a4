"""Build ``xl/vbaProject.bin`` from VBA source text: the streams of [MS-OVBA] in an [MS-CFB] container.

    >>> from boardbook.addin.vbaproject import Module, vba_project_bin
    >>> hello = Module("Hello", 'Attribute VB_Name = "Hello"\\r\\nSub Hi()\\r\\nEnd Sub\\r\\n')
    >>> blob = vba_project_bin("boardbook", [Module.document("ThisWorkbook", "workbook"), hello])
    >>> blob[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    True

What is written, and why (the xlwings templates that ship inside the pinned xlwings package have the same
shape, and Excel opens those):
- ``VBA/_VBA_PROJECT`` is the 7-byte header with version 0xFFFF and no performance cache, which the
  specification requires on write: Office then compiles the project from source on first load.
- every module stream is source only (MODULEOFFSET 0), compressed with :mod:`boardbook.addin.ovba`;
- ``VBA/dir`` lists the project (Windows 64-bit, LCID 1033, code page 1252), the two references every new
  Excel project has (OLE Automation and the Office library, which declares IRibbonControl), and the
  modules; cookies are 0xFFFF as the specification says to write them;
- ``PROJECT`` names the modules by kind (Document/Module/Class) and carries CMG/DPB/GC for an unprotected,
  visible project; ``PROJECTwm`` maps module names to Unicode.
The container is a version-3 compound file (512-byte sectors, 64-byte mini sectors below 4096 bytes) with
zero timestamps and a valid red-black directory tree, so the bytes depend only on the input.
"""

from __future__ import annotations

import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from boardbook.addin import ovba

CODEPAGE = 1252
ENCODING = "cp1252"
LCID = 0x0409
SYSKIND_WIN64 = 3
# The base class GUIDs Excel writes into document and class modules' VB_Base attribute.
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
REFERENCES = (
    ("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"),
    (
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files\Microsoft Shared"
        r"\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
)
HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"


@dataclass(frozen=True)
class Module:
    """One VBA module as stored: its name, kind and source (Attribute lines included, CRLF line ends).

    ``kind`` is "standard" (.bas), "class" (.cls) or "document" (ThisWorkbook and the sheets).
    """

    name: str
    source: str
    kind: str = "standard"

    def __post_init__(self) -> None:
        if self.kind not in ("standard", "class", "document"):
            raise ValueError(f"module {self.name}: unknown kind {self.kind!r}")
        if not self.name.isidentifier() or not self.name.isascii() or len(self.name) > 31:
            raise ValueError(f"module name {self.name!r} is not a VBA identifier of at most 31 characters")
        first = self.source.split("\r\n", 1)[0]
        if first != f'Attribute VB_Name = "{self.name}"':
            raise ValueError(f'module {self.name}: source must start with Attribute VB_Name = "{self.name}"')
        if "\n" in self.source.replace("\r\n", ""):
            raise ValueError(f"module {self.name}: line ends must be CRLF")

    @classmethod
    def document(cls, name: str, host: str) -> Module:
        """An empty document module for the workbook (``host="workbook"``) or a worksheet."""
        base = WORKBOOK_BASE if host == "workbook" else WORKSHEET_BASE
        return cls(name, _attributes(name, base, predeclared=True, customizable=True), "document")

    @classmethod
    def from_export(cls, text: str) -> Module:
        """A module from the text of an exported .bas or .cls file (any line ends).

        For a class, the ``VERSION``/``BEGIN``/``END`` header of the export is dropped and the VB_Base,
        VB_TemplateDerived and VB_Customizable attributes are added, as Excel does on import.
        """
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        kind = "standard"
        if lines and lines[0].startswith("VERSION ") and "CLASS" in lines[0]:
            kind = "class"
            end = lines.index("END")
            lines = lines[end + 1 :]
        if not lines or not lines[0].startswith('Attribute VB_Name = "'):
            raise ValueError("an exported module starts with its Attribute VB_Name line")
        name = lines[0].split('"')[1]
        if kind == "class":
            header = [i for i, line in enumerate(lines) if line.startswith("Attribute VB_")]
            last = max(i for i in header if not lines[i].startswith("Attribute VB_Description"))
            lines = [
                lines[0],
                f'Attribute VB_Base = "{CLASS_BASE}"',
                *lines[1 : last + 1],
                "Attribute VB_TemplateDerived = False",
                "Attribute VB_Customizable = False",
                *lines[last + 1 :],
            ]
        source = "\r\n".join(lines)
        return cls(name, source if source.endswith("\r\n") else source + "\r\n", kind)


def _attributes(name: str, base: str, *, predeclared: bool, customizable: bool) -> str:
    return "\r\n".join(
        [
            f'Attribute VB_Name = "{name}"',
            f'Attribute VB_Base = "{base}"',
            "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False",
            f"Attribute VB_PredeclaredId = {predeclared}",
            "Attribute VB_Exposed = True",
            "Attribute VB_TemplateDerived = False",
            f"Attribute VB_Customizable = {customizable}",
            "",
        ]
    )


# --- MS-OVBA streams ---------------------------------------------------------------------------------------


def _mbcs(text: str) -> bytes:
    return text.encode(ENCODING)


def _record(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _twin(rid: int, text: str, unicode_id: int) -> bytes:
    """A record with an MBCS string followed by its reserved id and the UTF-16 copy."""
    return _record(rid, _mbcs(text)) + _record(unicode_id, text.encode("utf-16-le"))


def dir_stream(project_name: str, modules: Sequence[Module]) -> bytes:
    """The decompressed ``VBA/dir`` stream (§2.3.4.2)."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", SYSKIND_WIN64))
    out += _record(0x0002, struct.pack("<I", LCID))
    out += _record(0x0014, struct.pack("<I", LCID))
    out += _record(0x0003, struct.pack("<H", CODEPAGE))
    out += _record(0x0004, _mbcs(project_name))
    out += _twin(0x0005, "", 0x0040)  # docstring
    out += _twin(0x0006, "", 0x003D)  # help file (both copies)
    out += _record(0x0007, struct.pack("<I", 0))  # help context
    out += _record(0x0008, struct.pack("<I", 0))  # lib flags
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION: reserved size 4, major 1, minor 0
    out += _twin(0x000C, "", 0x003C)  # conditional compilation constants
    for name, libid in REFERENCES:
        out += _twin(0x0016, name, 0x003E)
        lib = _mbcs(libid)
        out += _record(0x000D, struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0))
    out += _record(0x000F, struct.pack("<H", len(modules)))
    out += _record(0x0013, struct.pack("<H", 0xFFFF))
    for module in modules:
        out += _twin(0x0019, module.name, 0x0047)  # MODULENAME, MODULENAMEUNICODE
        out += _twin(0x001A, module.name, 0x0032)  # MODULESTREAMNAME
        out += _twin(0x001C, "", 0x0048)  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source starts the stream
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += _record(0x0021 if module.kind == "standard" else 0x0022, b"")  # MODULETYPE
        out += _record(0x002B, b"")  # terminator
    out += _record(0x0010, b"")  # end of dir stream
    return bytes(out)


def project_stream(project_name: str, project_id: str, modules: Sequence[Module]) -> bytes:
    """The ``PROJECT`` stream (§2.3.1): module kinds, name, and an unprotected, visible project."""
    protection, password, visibility = (ovba.encrypt(data, project_id) for data in (bytes(4), bytes(1), b"\xff"))
    lines = [f'ID="{project_id}"']
    for module in modules:
        lines.append(
            {
                "document": f"Document={module.name}/&H00000000",
                "standard": f"Module={module.name}",
                "class": f"Class={module.name}",
            }[module.kind]
        )
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{protection}"',  # protection state: none
        f'DPB="{password}"',  # password: none
        f'GC="{visibility}"',  # visibility: visible
        "",
        "[Host Extender Info]",
        HOST_EXTENDER,
        "",
        "[Workspace]",
        *(f"{module.name}=0, 0, 0, 0, C" for module in modules),
    ]
    return ("\r\n".join(lines) + "\r\n").encode(ENCODING)


def project_wm_stream(modules: Sequence[Module]) -> bytes:
    """The ``PROJECTwm`` stream (§2.3.3): each module name in MBCS and UTF-16."""
    out = bytearray()
    for module in modules:
        out += _mbcs(module.name) + b"\x00" + module.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


VBA_PROJECT_HEADER = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)


def project_streams(project_name: str, project_id: str, modules: Sequence[Module]) -> dict[str, bytes]:
    """Every stream of the VBA project storage, by path ("PROJECT", "VBA/dir", "VBA/<module>", ...)."""
    names = [m.name.upper() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError(f"module names must be unique (ignoring case): {[m.name for m in modules]}")
    streams = {
        "PROJECT": project_stream(project_name, project_id, modules),
        "PROJECTwm": project_wm_stream(modules),
        "VBA/_VBA_PROJECT": VBA_PROJECT_HEADER,
        "VBA/dir": ovba.compress(dir_stream(project_name, modules)),
    }
    for module in modules:
        try:
            source = module.source.encode(ENCODING)
        except UnicodeEncodeError as exc:
            raise ValueError(
                f"module {module.name}: {exc.object[exc.start : exc.end]!r} is not in code page {CODEPAGE}"
            ) from None
        if ovba.padded(source):
            raise ValueError(f"module {module.name}: its last chunk does not compress (binary data in source?)")
        streams[f"VBA/{module.name}"] = ovba.compress(source)
    return streams


def vba_project_bin(project_name: str, modules: Sequence[Module], project_id: str | None = None) -> bytes:
    """The complete ``vbaProject.bin`` for ``modules``; the project ID defaults to one derived from the name."""
    project_id = project_id or "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"boardbook:{project_name}")).upper() + "}"
    return compound_file(project_streams(project_name, project_id, modules))


# --- MS-CFB container --------------------------------------------------------------------------------------

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] | None = None
    index: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN


def _cfb_key(name: str) -> tuple[int, str]:
    """Sibling order of [MS-CFB] §2.6.4: shorter names first, then by upper-cased name."""
    return len(name.encode("utf-16-le")), name.upper()


def _children(storage: _Entry) -> list[_Entry]:
    """The children of a storage (or the root), which is always made with ``children=[]``."""
    assert storage.children is not None, f"{storage.name!r} is a stream, not a storage"
    return storage.children


def _tree(children: list[_Entry]) -> int:
    """Link sorted siblings into a balanced binary tree coloured as a valid red-black tree; returns the root.

    Built by halving, every leaf sits at depth d or d-1: nodes at the deepest level d are red when the tree
    is not perfect, all others black, so every path holds the same number of black nodes.
    """
    ordered = sorted(children, key=lambda e: _cfb_key(e.name))
    depth_of: dict[int, int] = {}

    def link(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        depth_of[id(node)] = depth
        node.left, node.right = link(lo, mid, depth + 1), link(mid + 1, hi, depth + 1)
        return node.index

    root = link(0, len(ordered), 0)
    deepest = max(depth_of.values(), default=0)
    perfect = len(ordered) == 2 ** (deepest + 1) - 1
    for node in ordered:
        node.color = _RED if depth_of[id(node)] == deepest and not perfect and deepest > 0 else _BLACK
    return root


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding ``streams`` (paths with "/" between storage and stream names)."""
    root = _Entry("Root Entry", _ROOT, children=[])
    storages: dict[str, _Entry] = {"": root}
    for path in sorted(streams):
        parent = ""
        parts = path.split("/")
        for part in parts[:-1]:
            key = f"{parent}/{part}" if parent else part
            if key not in storages:
                storages[key] = _Entry(part, _STORAGE, children=[])
                _children(storages[parent]).append(storages[key])
            parent = key
        _children(storages[parent]).append(_Entry(parts[-1], _STREAM, data=streams[path]))
    entries: list[_Entry] = []

    def number(entry: _Entry) -> None:
        entry.index = len(entries)
        entries.append(entry)
        for child in sorted(entry.children or [], key=lambda e: _cfb_key(e.name)):
            number(child)

    number(root)
    for entry in entries:
        if entry.children:
            entry.child = _tree(entry.children)
    for entry in entries:
        if len(entry.name) > 31:
            raise ValueError(f"compound file names have at most 31 characters: {entry.name!r}")

    # Mini stream: every stream below the cutoff, in 64-byte mini sectors.
    minifat: list[int] = []
    mini = bytearray()
    for entry in entries:
        if entry.kind == _STREAM and 0 < len(entry.data) < MINI_CUTOFF:
            count = -(-len(entry.data) // MINI_SECTOR)
            entry.start = len(minifat)
            minifat += [*range(entry.start + 1, entry.start + count), ENDOFCHAIN]
            mini += entry.data.ljust(count * MINI_SECTOR, b"\x00")
        elif entry.kind == _STREAM and not entry.data:
            entry.start = ENDOFCHAIN

    # Regular sectors: big streams, the mini stream container, the miniFAT, the directory, then the FAT.
    fat: list[int] = []
    body = bytearray()

    def place(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        count = -(-len(data) // SECTOR)
        start = len(fat)
        fat.extend([*range(start + 1, start + count), ENDOFCHAIN])
        body.extend(data.ljust(count * SECTOR, b"\x00"))
        return start

    for entry in entries:
        if entry.kind == _STREAM and len(entry.data) >= MINI_CUTOFF:
            entry.start = place(entry.data)
    root.start = place(bytes(mini))
    root.data = bytes(mini)
    minifat_bytes = b"".join(struct.pack("<I", n) for n in minifat)
    minifat_bytes += b"\xff" * (-len(minifat_bytes) % SECTOR)
    minifat_start = place(minifat_bytes)
    directory = b"".join(_directory_entry(e) for e in entries)
    directory += _directory_entry(None) * (-len(entries) % (SECTOR // 128))
    directory_start = place(directory)

    fat_sectors = 0
    while fat_sectors * (SECTOR // 4) < len(fat) + fat_sectors:
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("VBA project too large for a compound file without DIFAT sectors")
    first_fat = len(fat)
    fat += [FATSECT] * fat_sectors
    fat += [FREESECT] * (fat_sectors * (SECTOR // 4) - len(fat))
    fat_bytes = b"".join(struct.pack("<I", n) for n in fat)

    difat = [first_fat + i for i in range(fat_sectors)] + [FREESECT] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        bytes(16),
        0x003E,
        3,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        fat_sectors,
        directory_start,
        0,
        MINI_CUTOFF,
        minifat_start if minifat else ENDOFCHAIN,
        len(minifat_bytes) // SECTOR if minifat else 0,
        ENDOFCHAIN,
        0,
    ) + b"".join(struct.pack("<I", n) for n in difat)
    return header + bytes(body) + fat_bytes


def _directory_entry(entry: _Entry | None) -> bytes:
    if entry is None:  # an unused slot
        return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, bytes(16), 0, 0, 0, 0, 0)
    name = entry.name.encode("utf-16-le")
    size = len(entry.data) if entry.kind in (_STREAM, _ROOT) else 0
    start = entry.start if entry.kind in (_STREAM, _ROOT) else 0
    if entry.kind in (_STREAM, _ROOT) and size == 0:
        start = ENDOFCHAIN
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name) + 2,
        entry.kind,
        entry.color,
        entry.left,
        entry.right,
        entry.child,
        bytes(16),
        0,
        0,
        0,
        start,
        size,
    )
