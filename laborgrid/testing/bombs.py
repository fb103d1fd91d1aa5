"""Decompression bombs built on the fly for tests (issue 21, item 1): small on disk, huge inflated."""

from __future__ import annotations

import io
import struct
import zipfile

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"


def _workbook(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_bomb(expanded_mb: int = 480, rows: list[list[str]] | None = None) -> bytes:
    """A valid workbook whose sheet XML is padded with ``expanded_mb`` MB of whitespace inside
    ``<sheetData>`` (valid XML; deflate packs it about 1,000 times)."""
    original = _workbook(rows or [["统一社会信用代码", "企业名称"], ["x", "y"]])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != SHEET:
                target.writestr(info.filename, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with target.open(SHEET, "w", force_zip64=True) as member:
                member.write(head + b"<sheetData>")
                block = b" " * (1 << 20)
                for _ in range(expanded_mb):
                    member.write(block)
                member.write(tail)
    return out.getvalue()


def xlsx_size_lie(expanded_mb: int = 64) -> bytes:
    """A bomb whose sheet declares only 200 KB in both headers (ratio ≈ 100, under every
    bound) while it inflates to ``expanded_mb`` MB: only inflating it shows the lie."""
    data = bytearray(xlsx_bomb(expanded_mb))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(SHEET)
    lie = max(info.compress_size * 100 - 1, 1024)
    # ZIP64 member: the sizes are in the extra fields; rewrite them there and in the plain fields.
    _patch_sizes(data, info, lie)
    return bytes(data)


def _patch_sizes(data: bytearray, info: zipfile.ZipInfo, size: int) -> None:
    name = info.filename.encode()
    # local header: plain uncompressed size at 22, then the ZIP64 extra (id 1: usize, csize)
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, size)
    name_len, extra_len = struct.unpack_from("<HH", data, local + 26)
    _patch_zip64_extra(data, local + 30 + name_len, extra_len, size)
    central = data.find(b"PK\x01\x02", 0)
    while central >= 0:
        n_len, e_len = struct.unpack_from("<HH", data, central + 28)
        if bytes(data[central + 46 : central + 46 + n_len]) == name:
            struct.pack_into("<I", data, central + 24, size)
            _patch_zip64_extra(data, central + 46 + n_len, e_len, size)
            return
        central = data.find(b"PK\x01\x02", central + 4)


def _patch_zip64_extra(data: bytearray, start: int, length: int, size: int) -> None:
    pos = start
    while pos + 4 <= start + length:
        tag, ln = struct.unpack_from("<HH", data, pos)
        if tag == 1:
            struct.pack_into("<Q", data, pos + 4, size)  # the uncompressed size comes first
            return
        pos += 4 + ln
