"""Refuse ZIP decompression bombs before a reader opens an XLSX (issue 21, item 1).

An XLSX is a ZIP of XML parts. A 1.9 MB file can hold a sheet that expands to 480 MB of XML, and a
reader that loads the sheet whole (python-calamine) then takes gigabytes. :func:`inspect_zip` reads
only the central directory and the local headers — nothing is decompressed — and refuses an
archive whose declared sizes or compression ratios are out of bounds, whose local headers
disagree with the central directory, or which uses a compression method Excel never writes.

Declared sizes can lie. Python's ``zipfile`` (used by openpyxl) stops reading a member at its
declared size, so for streaming readers the declared check is enough. For a reader that does not
(python-calamine, in Rust), ``verify=True`` also inflates every member with a bounded buffer and
refuses the archive as soon as one produces more than it declared, without ever holding more than
one megabyte of output. Framework-free: errors carry a code; callers word the message.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO, Final

_LOCAL_HEADER: Final = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_MAGIC: Final = b"PK\x03\x04"
_CHUNK: Final = 1 << 20
MiB: Final = 1024 * 1024


class ZipBombError(ValueError):
    """The archive is refused; ``code`` says why (``too_many_members``, ``member_too_large``,
    ``too_large``, ``ratio``, ``method``, ``inconsistent``, ``size_lie``, ``corrupt``)."""

    def __init__(self, code: str, *, member: str = "", declared: int = 0, ratio: float = 0):
        super().__init__(f"{code}: {member}")
        self.code = code
        self.member = member
        self.declared = declared
        self.ratio = ratio


@dataclass(frozen=True)
class ZipLimits:
    """Bounds for one use of an archive.

    ``max_ratio`` applies to members whose declared size is at least ``ratio_floor`` bytes (a tiny
    part of repeated XML compresses a thousandfold and harms nobody). Ordinary sheets compress
    5–20 times; 100 leaves room for sparse, styled sheets. ``member_limits`` caps named parts
    further (openpyxl holds ``xl/sharedStrings.xml`` whole in memory).
    """

    max_members: int = 1000
    max_member: int = 4096 * MiB
    max_total: int = 8192 * MiB
    max_ratio: float = 100.0
    ratio_floor: int = 1 * MiB
    member_limits: tuple[tuple[str, int], ...] = (("xl/sharedStrings.xml", 256 * MiB),)


@dataclass(frozen=True)
class ZipReport:
    members: int
    compressed: int
    declared: int  # total declared uncompressed size
    largest: str
    largest_ratio: float


def inspect_zip(file: IO[bytes], limits: ZipLimits, *, verify: bool = False) -> ZipReport:
    """Check ``file`` (seekable, positioned anywhere; left at 0) against ``limits``."""
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ZipBombError("corrupt") from None
    try:
        if len(infos) > limits.max_members:
            raise ZipBombError("too_many_members", declared=len(infos))
        total = compressed = 0
        largest, largest_ratio = "", 0.0
        named = dict(limits.member_limits)
        for info in infos:
            size = info.file_size
            total += size
            compressed += info.compress_size
            ratio = size / max(info.compress_size, 1)
            if size >= limits.ratio_floor and ratio > limits.max_ratio:
                raise ZipBombError("ratio", member=info.filename, declared=size, ratio=ratio)
            if size > limits.max_member or size > named.get(info.filename, size):
                raise ZipBombError("member_too_large", member=info.filename, declared=size)
            if total > limits.max_total:
                raise ZipBombError("too_large", member=info.filename, declared=total)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ZipBombError("method", member=info.filename)
            if ratio > largest_ratio:
                largest, largest_ratio = info.filename, ratio
            _check_local_header(file, info)
            if verify:
                _check_actual_size(file, info)
        return ZipReport(len(infos), compressed, total, largest, largest_ratio)
    finally:
        file.seek(0)


def _check_local_header(file: IO[bytes], info: zipfile.ZipInfo) -> int:
    """The local header agrees with the central directory; returns where the data starts."""
    file.seek(info.header_offset)
    raw = file.read(_LOCAL_HEADER.size)
    if len(raw) != _LOCAL_HEADER.size:
        raise ZipBombError("corrupt", member=info.filename)
    magic, _ver, flags, method, _t, _d, _crc, csize, usize, name_len, extra_len = (
        _LOCAL_HEADER.unpack(raw)
    )
    if magic != _LOCAL_MAGIC or method != info.compress_type:
        raise ZipBombError("inconsistent", member=info.filename)
    # Sizes are in the local header unless a data descriptor follows the data (flag bit 3);
    # 0xFFFFFFFF means ZIP64 (the real sizes are in the extra field, as in the directory).
    declared_here = not flags & 0x08 and 0xFFFFFFFF not in (csize, usize)
    if declared_here and (csize != info.compress_size or usize != info.file_size):
        raise ZipBombError("inconsistent", member=info.filename)
    return info.header_offset + _LOCAL_HEADER.size + name_len + extra_len


def _check_actual_size(file: IO[bytes], info: zipfile.ZipInfo) -> None:
    """Inflate the member in bounded steps; refuse it if it yields more than it declares."""
    start = _check_local_header(file, info)
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise ZipBombError("size_lie", member=info.filename, declared=info.file_size)
        return
    file.seek(start)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    remaining, produced = info.compress_size, 0
    try:
        while remaining > 0:
            chunk = file.read(min(_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            while chunk:
                produced += len(inflater.decompress(chunk, _CHUNK))
                if produced > info.file_size:
                    raise ZipBombError("size_lie", member=info.filename, declared=info.file_size)
                chunk = inflater.unconsumed_tail
    except zlib.error:
        raise ZipBombError("corrupt", member=info.filename) from None
