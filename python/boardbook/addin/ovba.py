"""MS-OVBA codecs: the compression of VBA source and of the ``dir`` stream (§2.4.1), and the data
"encryption" of the PROJECT stream's CMG/DPB/GC values (§2.4.3).

Written here rather than taken from PyPI: ms_ovba 0.0.1's compressor (ms_ovba_compression 1.0.1) corrupts
xlwings' VBA module from byte 590 onwards when read back by oletools (measured; see addin/README.md).

    >>> from boardbook.addin.ovba import compress, decompress
    >>> decompress(compress(b"Attribute VB_Name = \\"Module1\\"\\r\\n" * 200))[:26]
    b'Attribute VB_Name = "Modul'

A container is a signature byte 0x01 and chunks of at most 4096 decompressed bytes. Each chunk is
compressed (flag bytes, literal and copy tokens; matches never reach back before the chunk's start) unless
its compressed form would exceed 4096 bytes: then it is a raw chunk of exactly 4096 bytes, which the
specification pads with zero bytes when it is the last, short chunk (§2.4.1.3.10). Source text always
compresses, so :func:`compress` is exact for it; ``padded`` tells whether padding was needed.
"""

from __future__ import annotations

import struct

CHUNK = 4096
_SIGNATURE = 0x01
_COMPRESSED_HEADER = 0xB000  # flag 1 (bit 15) and signature 0b011 (bits 12-14); bits 0-11 hold size - 3
_RAW_HEADER = 0x3FFF  # flag 0, signature 0b011, size 4098 - 3
_MAX_CANDIDATES = 96  # how far down a hash chain to look for a longer match (speed, not correctness)


def _copy_token_help(position: int) -> tuple[int, int]:
    """Bit count of the offset field and the longest copy at ``position`` bytes into a chunk (§2.4.1.3.19.1)."""
    bit_count = max((position - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def _compress_chunk(chunk: bytes) -> bytes:
    """Token sequences for one chunk (§2.4.1.3.7), longest match first, nearest candidate on ties."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos, end = 0, len(chunk)
    while pos < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            length, offset = 0, 0
            if pos >= 1 and pos + 3 <= end:
                bit_count, max_len = _copy_token_help(pos)
                limit = min(max_len, end - pos)
                for cand in reversed(heads.get(chunk[pos : pos + 3], [])[-_MAX_CANDIDATES:]):
                    if length >= limit:
                        break
                    if length and chunk[cand + length] != chunk[pos + length]:
                        continue  # cannot beat the match already found
                    n = 3  # the chain key guarantees three equal bytes
                    while n < limit and chunk[cand + n] == chunk[pos + n]:
                        n += 1
                    if n > length:
                        length, offset = n, pos - cand
                        if n == limit:
                            break
            step = length if length >= 3 else 1
            if length >= 3:
                out += struct.pack("<H", ((offset - 1) << (16 - bit_count)) | (length - 3))
                flags |= 1 << bit
            else:
                out.append(chunk[pos])
            for p in range(pos, pos + step):
                if p + 3 <= end:
                    heads.setdefault(chunk[p : p + 3], []).append(p)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress ``data`` into an MS-OVBA CompressedContainer (§2.4.1.3.6)."""
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK):
        chunk = data[start : start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= CHUNK:
            out += struct.pack("<H", _COMPRESSED_HEADER | (len(body) + 2 - 3)) + body
        else:
            out += struct.pack("<H", _RAW_HEADER) + chunk.ljust(CHUNK, b"\x00")
    return bytes(out)


def padded(data: bytes) -> bool:
    """True when :func:`compress` had to pad ``data``'s last chunk (an incompressible short final chunk)."""
    tail = len(data) % CHUNK
    return bool(tail) and len(_compress_chunk(data[-tail:])) > CHUNK


def decompress(container: bytes) -> bytes:
    """Decompress an MS-OVBA CompressedContainer (§2.4.1.3.1). Raises ValueError for a malformed one."""
    if not container or container[0] != _SIGNATURE:
        raise ValueError("not an MS-OVBA compressed container (no 0x01 signature byte)")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise ValueError(f"truncated chunk header at byte {pos}")
        (header,) = struct.unpack_from("<H", container, pos)
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0x7 != 0b011:
            raise ValueError(f"bad chunk signature at byte {pos}")
        end = min(pos + size, len(container))
        if not header & 0x8000:
            if size != CHUNK + 2:
                raise ValueError(f"raw chunk at byte {pos} is not 4096 bytes")
            out += container[pos + 2 : pos + 2 + CHUNK]
            pos += size
            continue
        chunk_start = len(out)
        pos += 2
        while pos < end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(container[pos])
                    pos += 1
                    continue
                (token,) = struct.unpack_from("<H", container, pos)
                bit_count, _ = _copy_token_help(len(out) - chunk_start)
                length = (token & (0xFFFF >> bit_count)) + 3
                source = len(out) - ((token >> (16 - bit_count)) + 1)
                if source < chunk_start:
                    raise ValueError(f"copy token at byte {pos} reaches before its chunk")
                for i in range(source, source + length):
                    out.append(out[i])
                pos += 2
    return bytes(out)


# §2.4.3 Data Encryption: obfuscates the CMG, DPB and GC values of the PROJECT stream. Office picks a random
# seed; a fixed seed (and fixed "ignored" bytes) keeps the build reproducible and is equally valid.


def _project_key(project_id: str) -> int:
    return sum(project_id.encode("ascii")) & 0xFF


def encrypt(data: bytes, project_id: str, seed: int = 0, ignored: bytes = b"") -> str:
    """Encrypt ``data`` for the PROJECT stream; returns the uppercase hex text Office writes (§2.4.3.2).

    ``ignored`` supplies the (seed & 6) / 2 ignored bytes (zeros when short).
    """
    key = _project_key(project_id)
    version = 2
    out = bytearray([seed, seed ^ version, seed ^ key])
    unencrypted_1, encrypted_1, encrypted_2 = key, seed ^ key, seed ^ version

    def put(value: int) -> None:
        nonlocal unencrypted_1, encrypted_1, encrypted_2
        byte = value ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(byte)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte, value

    ignored_length = (seed & 6) // 2
    for value in ignored.ljust(ignored_length, b"\x00")[:ignored_length]:
        put(value)
    for value in struct.pack("<I", len(data)) + data:
        put(value)
    return out.hex().upper()


def decrypt(text: str, project_id: str) -> tuple[bytes, bytes, int]:
    """Inverse of :func:`encrypt`: (data, ignored bytes, seed). Raises ValueError on a bad version or key."""
    raw = bytes.fromhex(text)
    seed = raw[0]
    if raw[1] ^ seed != 2:
        raise ValueError("encrypted data has the wrong version")
    key = raw[2] ^ seed
    if key != _project_key(project_id):
        raise ValueError("encrypted data does not belong to this project ID")
    unencrypted_1, encrypted_1, encrypted_2 = key, raw[2], raw[1]
    plain = bytearray()
    for byte in raw[3:]:
        value = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        plain.append(value)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte, value
    ignored_length = (seed & 6) // 2
    ignored = bytes(plain[:ignored_length])
    (length,) = struct.unpack_from("<I", plain, ignored_length)
    data = bytes(plain[ignored_length + 4 :])
    if len(data) != length:
        raise ValueError(f"encrypted data says {length} bytes but holds {len(data)}")
    return data, ignored, seed
