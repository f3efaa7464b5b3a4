"""vbaProject.bin as written by boardbook, compared with independent readers and with what Excel writes.

The reference is xlwings' own ribbon add-in template, saved by Excel and shipped in the installed xlwings
package (``quickstart_addin_ribbon.xlam``): the dir stream's records come in the same order, class and
document modules carry the same attribute lines, and olefile (strict) and olevba read our container.
"""

from __future__ import annotations

import struct
import zipfile

import olefile
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from boardbook.addin import ovba
from boardbook.addin.build import xlwings_dir, xlwings_modules
from boardbook.addin.vbaproject import Module, compound_file, dir_stream, vba_project_bin

RED, BLACK = 0, 1  # [MS-CFB] 2.6.1 colour flags (olefile names no constants for them)


@pytest.fixture(scope="module")
def reference() -> olefile.OleFileIO:
    with zipfile.ZipFile(xlwings_dir() / "quickstart_addin_ribbon.xlam") as zf:
        return olefile.OleFileIO(zf.read("xl/vbaProject.bin"))


def _records(data: bytes) -> list[tuple[int, bytes]]:
    """(id, payload) of each record of a decompressed dir stream (PROJECTVERSION has a fixed layout)."""
    out, pos = [], 0
    while pos < len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == 0x0009:
            out.append((rid, data[pos + 6 : pos + 12]))
            pos += 12
            continue
        out.append((rid, data[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    return out


def _shape(records: list[tuple[int, bytes]]) -> tuple[list[int], list[list[int]]]:
    """Project-information record ids (before the references) and each module's record ids."""
    ids = [rid for rid, _ in records]
    info = ids[: ids.index(0x0016)]
    modules, current = [], []
    for rid in ids[ids.index(0x0013) + 1 :]:
        current.append(rid)
        if rid == 0x002B:
            modules.append(current)
            current = []
    return info, modules


def _sample(extra: int = 0) -> list[Module]:
    mods = [Module.document("ThisWorkbook", "workbook"), Module.document("Sheet1", "worksheet"), *xlwings_modules()]
    for i in range(extra):
        mods.append(Module(f"M{i:02d}", f'Attribute VB_Name = "M{i:02d}"\r\nSub P{i}()\r\nEnd Sub\r\n' * (1 + i % 3)))
    return mods


def test_dir_stream_has_the_records_excel_writes(reference: olefile.OleFileIO) -> None:
    theirs = _shape(_records(decompress_stream(bytearray(reference.openstream("VBA/dir").read()))))
    ours_records = _records(dir_stream("boardbook", _sample()))
    ours = _shape(ours_records)
    assert ours[0] == theirs[0]  # SYSKIND, LCID, LCIDINVOKE, CODEPAGE, NAME, DOCSTRING…, CONSTANTS
    kinds = {0x0021: "standard", 0x0022: "other"}
    for module in ours[1]:
        twin = next(m for m in theirs[1] if kinds[m[-2]] == kinds[module[-2]])
        assert module == twin
    assert ours_records[-1] == (0x0010, b"")
    refs = [payload for rid, payload in ours_records if rid == 0x000D]
    assert any(b"{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}" in r for r in refs)  # Office library: IRibbonControl


def test_modules_are_stored_as_excel_stores_them(reference: olefile.OleFileIO) -> None:
    parser = VBA_Parser("reference.xlam", data=(xlwings_dir() / "quickstart_addin_ribbon.xlam").read_bytes())
    excel = {name.split(".")[0]: code for _, _, name, code in parser.extract_macros()}
    dictionary = next(m for m in xlwings_modules() if m.name == "Dictionary")
    assert dictionary.kind == "class"
    # Excel adds VB_Base, VB_TemplateDerived and VB_Customizable on import, exactly where we do; it also
    # recases identifiers project-wide (err.Raise), hence the case-insensitive comparison.
    assert dictionary.source.lower() == excel["Dictionary"].lower()
    assert Module.document("ThisWorkbook", "workbook").source == excel["ThisWorkbook"]
    assert Module.document("Sheet2", "worksheet").source == excel["Sheet2"]


def test_olefile_and_olevba_read_the_container() -> None:
    mods = _sample(extra=40)  # enough entries for several directory sectors and a multi-sector FAT chain
    blob = vba_project_bin("boardbook", mods)
    ole = olefile.OleFileIO(blob, raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")  # version 0xFFFF
    assert ole.openstream("PROJECT").read().decode("cp1252").count("\r\nModule=") == 1 + 40
    assert ole.get_size("VBA/xlwings") >= 4096 > ole.get_size("VBA/M00")  # both FAT and mini stream in use
    assert all(ole.getmtime(e) is None and ole.getctime(e) is None for e in ole.listdir(storages=True))
    parser = VBA_Parser("test.bin", data=blob)
    read = {name.split(".")[0]: code for _, _, name, code in parser.extract_macros()}
    assert read == {m.name: m.source for m in mods}


def _check_tree(ole: olefile.OleFileIO, sid: int) -> int:
    """Validate one storage's sibling tree as a red-black binary search tree; returns its black height."""
    entries = ole.direntries

    def key(e):
        return len(e.name), e.name.upper()

    def walk(node_sid: int, lo, hi) -> int:
        if node_sid == olefile.NOSTREAM:
            return 1
        e = entries[node_sid]
        assert (lo is None or key(e) > lo) and (hi is None or key(e) < hi), f"{e.name} out of order"
        if e.color == RED:
            for child in (e.sid_left, e.sid_right):
                assert child == olefile.NOSTREAM or entries[child].color == BLACK, f"red {e.name} has red child"
        left, right = walk(e.sid_left, lo, key(e)), walk(e.sid_right, key(e), hi)
        assert left == right, f"black heights differ under {e.name}"
        return left + (e.color == BLACK)

    root = entries[sid].sid_child
    assert root == olefile.NOSTREAM or entries[root].color == BLACK
    return walk(root, None, None)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 40])
def test_directory_trees_are_valid_red_black_trees(count: int) -> None:
    streams = {f"S/{'x' * (i % 5)}{i}": bytes([i]) * (i * 300) for i in range(count)}
    ole = olefile.OleFileIO(compound_file({**streams, "Top": b"t"}), raise_defects=olefile.DEFECT_INCORRECT)
    for e in ole.direntries:
        if e is not None and e.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
            _check_tree(ole, e.sid)
    for path, data in streams.items():
        assert ole.openstream(path).read() == data


def test_project_stream_names_modules_by_kind_and_is_unprotected() -> None:
    ole = olefile.OleFileIO(vba_project_bin("boardbook", _sample()))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    kinds = "Document=ThisWorkbook/&H00000000\r\nDocument=Sheet1/&H00000000\r\nModule=xlwings\r\nClass=Dictionary"
    assert kinds in text
    project_id = text.split('"')[1]
    values = dict(line.split("=", 1) for line in text.split("\r\n") if line[:4] in ("CMG=", "DPB=", 'GC="'))
    assert ovba.decrypt(values["CMG"].strip('"'), project_id)[0] == bytes(4)
    assert ovba.decrypt(values["DPB"].strip('"'), project_id)[0] == b"\x00"
    assert ovba.decrypt(values["GC"].strip('"'), project_id)[0] == b"\xff"
    assert 'Name="boardbook"' in text and "[Host Extender Info]" in text


def test_bad_modules_are_refused() -> None:
    with pytest.raises(ValueError, match="CRLF"):
        Module("A", 'Attribute VB_Name = "A"\r\nSub X()\nEnd Sub\r\n')
    with pytest.raises(ValueError, match="identifier"):
        Module("2A", 'Attribute VB_Name = "2A"\r\n')
    with pytest.raises(ValueError, match="must start"):
        Module("A", 'Attribute VB_Name = "B"\r\n')
    with pytest.raises(ValueError, match="code page"):
        vba_project_bin("p", [Module("A", 'Attribute VB_Name = "A"\r\n\' \u2603\r\n')])
    with pytest.raises(ValueError, match="unique"):
        vba_project_bin("p", [Module("A", 'Attribute VB_Name = "A"\r\n'), Module("a", 'Attribute VB_Name = "a"\r\n')])


def test_the_tree_check_catches_an_all_black_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Colouring every node black (what some writers do) breaks the black-height rule for 2 siblings."""
    from boardbook.addin import vbaproject

    monkeypatch.setattr(vbaproject, "_RED", BLACK)
    ole = olefile.OleFileIO(compound_file({"A": b"a", "BB": b"b"}))
    with pytest.raises(AssertionError, match="black heights differ"):
        _check_tree(ole, 0)
