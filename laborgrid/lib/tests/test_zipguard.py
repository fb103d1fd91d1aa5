"""Decompression-bomb checks on ZIP archives (issue 21 item 1), without a database."""

from __future__ import annotations

import io
import zipfile

import pytest

from laborgrid.lib.zipguard import MiB, ZipBombError, ZipLimits, inspect_zip
from laborgrid.testing.bombs import SHEET, xlsx_bomb, xlsx_size_lie


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def test_an_ordinary_workbook_passes_and_reports_its_sizes() -> None:
    report = inspect_zip(io.BytesIO(xlsx_bomb(0)), ZipLimits(), verify=True)
    assert report.members > 3 and report.declared < MiB


def test_a_high_ratio_member_is_refused_from_the_directory_alone() -> None:
    with pytest.raises(ZipBombError) as exc:
        inspect_zip(io.BytesIO(xlsx_bomb(50)), ZipLimits())
    assert exc.value.code == "ratio" and exc.value.member == SHEET and exc.value.ratio > 500


def test_size_limits_and_member_count() -> None:
    data = _zip({"a.xml": b"x" * (2 * MiB)}, zipfile.ZIP_STORED)
    with pytest.raises(ZipBombError) as exc:
        inspect_zip(data, ZipLimits(max_member=MiB))
    assert exc.value.code == "member_too_large"
    with pytest.raises(ZipBombError) as exc:
        inspect_zip(_zip({f"{i}.xml": b"" for i in range(5)}), ZipLimits(max_members=4))
    assert exc.value.code == "too_many_members"
    limits = ZipLimits(member_limits=(("xl/sharedStrings.xml", 10),))
    with pytest.raises(ZipBombError) as exc:
        inspect_zip(_zip({"xl/sharedStrings.xml": b"<sst>" + b" " * 20}), limits)
    assert exc.value.code == "member_too_large"


def test_a_member_that_inflates_beyond_its_declared_size_is_refused_when_verifying() -> None:
    lie = xlsx_size_lie(32)
    inspect_zip(io.BytesIO(lie), ZipLimits())  # the directory alone looks fine
    with pytest.raises(ZipBombError) as exc:
        inspect_zip(io.BytesIO(lie), ZipLimits(), verify=True)
    assert exc.value.code == "size_lie"


def test_a_method_excel_never_writes_is_refused() -> None:
    with pytest.raises(ZipBombError) as exc:
        inspect_zip(_zip({"a.xml": b"x" * 100}, zipfile.ZIP_BZIP2), ZipLimits())
    assert exc.value.code == "method"


def test_not_a_zip_is_corrupt() -> None:
    with pytest.raises(ZipBombError) as exc:
        inspect_zip(io.BytesIO(b"PK\x03\x04 nothing"), ZipLimits())
    assert exc.value.code == "corrupt"
