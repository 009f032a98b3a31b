"""A minimal, deterministic zip writer that can reuse already-compressed members.

A template's unchanged parts (styles, fonts, theme, footers …) are the same in
every rendered document. zipfile can only add members by compressing them again;
this module keeps their compressed bytes from the template and writes them as
they are, compressing only the parts a render changed. Every member gets the same
fixed time stamp and attributes, so identical inputs give identical bytes.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

DOS_TIME, DOS_DATE = 0, (2000 - 1980) << 9 | 1 << 5 | 1  # 2000-01-01 00:00:00
EXTERNAL_ATTR = 0o600 << 16
VERSION = 20
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")

# A fixed timestamp for every zip member: same inputs, byte-identical outputs.
ZIP_EPOCH = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Member:
    """One zip member, already compressed (raw deflate)."""

    name: str
    crc: int
    size: int
    compressed: bytes


def deflate(name: str, data: bytes, level: int = 6) -> Member:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Member(name, zlib.crc32(data), len(data), compressor.compress(data) + compressor.flush())


class DeflateStream:
    """A member compressed as its bytes come (the same bytes as :func:`deflate` of them joined):
    a sheet of ten thousand units' rows is never held whole as text."""

    def __init__(self, name: str, level: int = 6) -> None:
        self.name = name
        self._compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        self._chunks: list[bytes] = []
        self._crc = 0
        self._size = 0

    def write(self, data: bytes) -> None:
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        if out := self._compressor.compress(data):
            self._chunks.append(out)

    def member(self) -> Member:
        self._chunks.append(self._compressor.flush())
        return Member(self.name, self._crc, self._size, b"".join(self._chunks))


def members_of(data: bytes) -> list[Member]:
    """The members of a zip, in order, with their compressed bytes (recompressed if stored)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    found = []
    for info in archive.infolist():
        if info.compress_type != zipfile.ZIP_DEFLATED:
            found.append(deflate(info.filename, archive.read(info)))
            continue
        offset = info.header_offset
        name_length, extra_length = struct.unpack("<2H", data[offset + 26 : offset + 30])
        start = offset + 30 + name_length + extra_length
        found.append(
            Member(
                info.filename, info.CRC, info.file_size, data[start : start + info.compress_size]
            )
        )
    return found


def write(members: list[Member]) -> bytes:
    """The zip of ``members``, in order, with fixed metadata."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for member in members:
        name = member.name.encode("utf-8")
        flags = 0x800 if not member.name.isascii() else 0  # UTF-8 names
        local = _LOCAL.pack(
            b"PK\x03\x04",
            VERSION,
            flags,
            zipfile.ZIP_DEFLATED,
            DOS_TIME,
            DOS_DATE,
            member.crc,
            len(member.compressed),
            member.size,
            len(name),
            0,
        )
        chunks += [local, name, member.compressed]
        central.append(
            _CENTRAL.pack(
                b"PK\x01\x02",
                VERSION,
                VERSION,
                flags,
                zipfile.ZIP_DEFLATED,
                DOS_TIME,
                DOS_DATE,
                member.crc,
                len(member.compressed),
                member.size,
                len(name),
                0,
                0,
                0,
                0,
                EXTERNAL_ATTR,
                offset,
            )
            + name
        )
        offset += len(local) + len(name) + len(member.compressed)
    directory = b"".join(central)
    end = _END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), offset, 0)
    if offset > 0xFFFFFFFF:
        raise ValueError("document larger than 4 GB")
    return b"".join(chunks) + directory + end


def normalize_zip(data: bytes) -> bytes:
    """Re-pack a zip (docx/xlsx) with fixed member timestamps and attributes.

    Member order and content are kept; only the metadata that varies from run to
    run (time stamps, host OS) is pinned.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            member.create_system = 0
            out.writestr(member, source.read(info.filename))
    return target.getvalue()
