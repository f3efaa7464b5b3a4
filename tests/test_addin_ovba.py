"""MS-OVBA codecs, checked against independent implementations and Excel-written data.

- Compression round-trips through oletools' own decompressor (``olevba.decompress_stream``) for random
  bytes and random text of lengths around and beyond one 4096-byte chunk. The one case that cannot round-trip
  exactly is the one the specification pads (§2.4.1.3.10: an incompressible last chunk of 3641-4095 bytes
  becomes a 4096-byte raw chunk); it decodes to the input plus zero bytes, and the builder refuses it.
- The PROJECT stream's CMG/DPB/GC values of xlwings' own add-in template (saved by Excel, shipped in the
  installed xlwings package) decrypt with our decoder, and re-encrypt to the same text.
"""

from __future__ import annotations

import random
import re
import struct
import zipfile
from pathlib import Path

import olefile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from boardbook.addin import ovba
from boardbook.addin.build import xlwings_dir

CHUNK = ovba.CHUNK
LENGTHS = st.one_of(
    st.integers(0, 600),
    st.integers(CHUNK - 64, CHUNK + 64),
    st.integers(3600, 3700),
    st.integers(2 * CHUNK - 32, 2 * CHUNK + 32),
    st.integers(3 * CHUNK - 500, 3 * CHUNK + 500),
)
WORDS = [
    "Sub",
    "End",
    "If",
    "Then",
    "Dim",
    " As ",
    "String",
    "    ",
    "\r\n",
    "'",
    '"',
    "RunPython",
    "boardbook",
    "(",
    ")",
    "=",
    "&",
    "_",
    "x",
    "1",
    "0",
    "é",
    "\t",
    "ChrW(247)",
    "Application.StatusBar",
    " ",
]


def _chunks(container: bytes) -> list[tuple[bool, int]]:
    """(compressed?, size) of each chunk of a container, read from the headers."""
    out, pos = [], 1
    while pos < len(container):
        (header,) = struct.unpack_from("<H", container, pos)
        size = (header & 0x0FFF) + 3
        out.append((bool(header & 0x8000), size))
        pos += size
    return out


def _round_trip(data: bytes) -> None:
    packed = ovba.compress(data)
    theirs = decompress_stream(bytearray(packed))
    assert ovba.decompress(packed) == theirs  # our decoder agrees with oletools' on every container we write
    assert all(size <= CHUNK + 2 for _, size in _chunks(packed))
    if ovba.padded(data):
        assert theirs == data.ljust(-(-len(data) // CHUNK) * CHUNK, b"\x00")
        assert _chunks(packed)[-1] == (False, CHUNK + 2)
    else:
        assert theirs == data


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_bytes_round_trip_through_oletools(data: st.DataObject) -> None:
    n = data.draw(LENGTHS, label="length")
    _round_trip(data.draw(st.binary(min_size=n, max_size=n), label="bytes"))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_text_round_trips_exactly(data: st.DataObject) -> None:
    n = data.draw(LENGTHS, label="length")
    pieces = data.draw(
        st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), min_size=1, max_size=80), label="pieces"
    )
    text = ("".join(pieces) * (n // max(1, len("".join(pieces))) + 1))[:n]
    encoded = text.encode("utf-8")
    assert not ovba.padded(encoded)  # text repeats enough to compress: never the padded case
    _round_trip(encoded)
    assert decompress_stream(bytearray(ovba.compress(encoded))) == encoded


def test_xlwings_module_round_trips_and_compresses_like_excel() -> None:
    """The whole xlwings module (45 KB, 12 chunks) reads back intact; its size is near what Excel writes."""
    source = (xlwings_dir() / "xlwings_custom_addin.bas").read_bytes()
    packed = ovba.compress(source)
    assert decompress_stream(bytearray(packed)) == source
    assert len(_chunks(packed)) == -(-len(source) // CHUNK) and all(c for c, _ in _chunks(packed))
    assert len(packed) < 0.45 * len(source)  # Excel's own stream for the same module is 19,531 bytes (43 %)


def test_copy_tokens_never_reach_before_their_chunk() -> None:
    """A run longer than a chunk must restart its copies in every chunk (§2.4.1.3.19)."""
    data = b"ab" * 5000
    packed = ovba.compress(data)
    assert decompress_stream(bytearray(packed)) == data
    assert len(_chunks(packed)) == 3 and len(packed) < 100


def test_empty_and_malformed_containers() -> None:
    assert ovba.compress(b"") == b"\x01" and ovba.decompress(b"\x01") == b""
    for bad in (b"", b"\x02\x00\xb0", b"\x01\x00\x00"):
        try:
            ovba.decompress(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} should not decompress")


def _reference_project() -> tuple[str, dict[str, str]]:
    """ID and CMG/DPB/GC of the PROJECT stream of xlwings' ribbon add-in template (saved by Excel)."""
    with zipfile.ZipFile(Path(xlwings_dir()) / "quickstart_addin_ribbon.xlam") as zf:
        ole = olefile.OleFileIO(zf.read("xl/vbaProject.bin"))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    values = dict(re.findall(r'^(ID|CMG|DPB|GC)="([^"]+)"', text, re.M))
    return values.pop("ID"), values


def test_project_encryption_matches_excel() -> None:
    project_id, values = _reference_project()
    expected = {"CMG": bytes(4), "DPB": b"\x00", "GC": b"\xff"}  # unprotected, no password, visible
    for key, text in values.items():
        data, ignored, seed = ovba.decrypt(text, project_id)
        assert data == expected[key], key
        assert ovba.encrypt(data, project_id, seed, ignored) == text, key


def test_encryption_round_trips_for_every_seed() -> None:
    project_id = "{5CF9CDAB-B77B-4FE4-BD7E-D29900070E1B}"
    for seed in range(256):
        text = ovba.encrypt(b"\xff", project_id, seed, bytes([seed, 7, 1]))
        assert ovba.decrypt(text, project_id)[0] == b"\xff"
        assert len(bytes.fromhex(text)) == 3 + (seed & 6) // 2 + 4 + 1


def test_incompressible_short_last_chunk_is_padded_as_the_specification_says() -> None:
    data = random.Random(11).randbytes(CHUNK + 3700)
    assert ovba.padded(data)
    assert _chunks(ovba.compress(data)) == [(False, CHUNK + 2), (False, CHUNK + 2)]
    _round_trip(data)
