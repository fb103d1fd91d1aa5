"""Reading register files: formats by content, encodings detected, header below title rows, true
row numbers, and a clear refusal for what is not a register. Files are built here on the fly."""

from __future__ import annotations

import codecs
import io
import itertools
import os
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files import File
from django.utils import translation

from laborgrid.registers import reading
from laborgrid.registers.reading import (
    ASCII_SCAN_LIMIT,
    SAMPLE_BYTES,
    RegisterFile,
    RegisterFileError,
    open_register,
)
from laborgrid.registers.tests.files import (
    EXPORTED,
    HEADER,
    TITLE,
    csv_text,
    scjg_rows,
    with_titles,
    write,
    xls_bytes,
    xlsx_bytes,
)


def _read(
    source: Path | io.BytesIO | File, sheet: str | None = None
) -> tuple[RegisterFile, list[tuple[int, list[Any]]]]:
    with open_register(source, sheet=sheet) as register:
        return register, list(register.rows())


#: Excel date-times carry no time zone; python-calamine returns them naive.
EXCEL_DATETIME = datetime(2016, 1, 2, 8, 30)  # noqa: DTZ001

# --------------------------------------------------------------------------- CSV encodings


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str, expected: str) -> None:
    rows = with_titles([HEADER, *scjg_rows(3)])
    delimiter = "\t" if encoding == "utf-16" else ","  # Excel's "Unicode text" is tab-separated
    path = write(tmp_path, "r.csv", csv_text(rows, delimiter).encode(encoding))
    register, data = _read(path)
    assert register.format == "csv"
    assert register.encoding == expected
    assert register.delimiter == delimiter
    assert register.headers == HEADER
    assert register.header_row == 4
    assert register.title_rows == [TITLE[0], EXPORTED[0]]
    assert [n for n, _cells in data] == [5, 6, 7]
    assert data[0][1] == scjg_rows(1)[0]


def test_gb18030_only_characters_survive(tmp_path: Path) -> None:
    # 䶮 (U+4DAE, CJK Extension A) is in GB18030 but not in GBK: a name a GBK decoder would break.
    rows = [HEADER, [*scjg_rows(1)[0][:1], "大方县䶮记餐馆", *scjg_rows(1)[0][2:]]]
    path = write(tmp_path, "r.csv", csv_text(rows).encode("gb18030"))
    register, data = _read(path)
    assert register.encoding == "gb18030"
    assert data[0][1][1] == "大方县䶮记餐馆"


def test_sample_cut_inside_a_character_is_still_utf8(tmp_path: Path) -> None:
    """The 64 KB sample ends in the middle of a 3-byte character: not a decoding error."""
    head = csv_text([HEADER]).encode()
    rows = csv_text(scjg_rows(3)).encode()
    for shift in (1, 2):  # the character starts 1 or 2 bytes before the sample's end
        pad = b"x" * (SAMPLE_BYTES - shift - len(head) - 2)
        content = head + b"#," + pad + "中文\r\n".encode() + rows
        assert content[SAMPLE_BYTES - shift : SAMPLE_BYTES - shift + 3] == "中".encode()
        register, data = _read(write(tmp_path, f"cut{shift}.csv", content))
        assert register.encoding == "utf-8"
        assert data[0][1][1].endswith("中文") and len(data) == 4


def test_ascii_start_reads_on_for_the_encoding(tmp_path: Path) -> None:
    """70 KB of ASCII before the first Chinese character: the encoding is still found."""
    header = "uscc,name,address\r\n"
    ascii_rows = "".join(f"91520521{i:010d},shop {i},street {i}\r\n" for i in range(3000))
    chinese = "91520521MA6DXXXX01,大方县某某商店,猫场镇\r\n"
    content = (header + ascii_rows).encode() + chinese.encode("gbk")
    assert len(content) > SAMPLE_BYTES and len(content) < ASCII_SCAN_LIMIT
    path = write(tmp_path, "late.csv", content)
    register, data = _read(path)
    assert register.encoding == "gb18030"
    assert data[-1][1] == ["91520521MA6DXXXX01", "大方县某某商店", "猫场镇"]
    assert data[-1][0] == 3002


def test_stray_bytes_in_a_utf8_file_become_replacement_characters(tmp_path: Path) -> None:
    """One bad byte spoils its row only (the row normaliser rejects U+FFFD), not the file."""
    good = csv_text([HEADER, *scjg_rows(3)]).encode()
    bad = good.replace("第2商贸".encode(), "第2".encode() + b"\xff" + "商贸".encode())
    path = write(tmp_path, "stray.csv", bad)
    register, data = _read(path)
    assert register.encoding == "utf-8"
    assert "\ufffd" in data[1][1][1]
    assert "\ufffd" not in data[0][1][1] + data[2][1][1]


# --------------------------------------------------------------------------- CSV structure


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = write(tmp_path, "d.txt", csv_text([HEADER, *scjg_rows(2)], delimiter).encode("gbk"))
    register, data = _read(path)
    assert register.delimiter == delimiter
    assert len(data) == 2 and len(data[0][1]) == len(HEADER)


def test_quoted_fields_with_newlines_and_delimiters(tmp_path: Path) -> None:
    rows = scjg_rows(3)
    rows[0][7] = "贵州省毕节市大方县\n猫场镇\r\n新街村, 3组"  # newline and comma inside quotes
    path = write(tmp_path, "q.csv", csv_text(with_titles([HEADER, *rows])).encode("gbk"))
    _register, data = _read(path)
    assert data[0][1][7] == "贵州省毕节市大方县\n猫场镇\r\n新街村, 3组"
    # Row numbers are the line each record starts on, as a text editor shows it.
    assert [n for n, _c in data] == [5, 8, 9]


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    rows = [HEADER, scjg_rows(1)[0], [], ["", "", ""], [" ", ""], scjg_rows(2)[1]]
    path = write(tmp_path, "b.csv", csv_text(rows).encode())
    _register, data = _read(path)
    assert [n for n, _c in data] == [2, 6]


def test_short_rows_are_padded_and_long_rows_keep_their_extra_cells(tmp_path: Path) -> None:
    full = scjg_rows(3)
    rows = [HEADER, full[0][:3], [*full[1], "", ""], [*full[2], "", "多出来的"]]
    path = write(tmp_path, "w.csv", csv_text(rows).encode())
    _register, data = _read(path)
    assert data[0][1] == [*full[0][:3], "", "", "", "", ""]
    assert data[1][1] == full[1]  # blank trailing cells dropped
    assert data[2][1] == [*full[2], "", "多出来的"]  # kept: the row normaliser reports them


def test_blank_and_repeated_headers_get_distinct_labels(tmp_path: Path) -> None:
    rows = [["企业名称", "", "电话", "电话", "统一社会信用代码"], ["某公司", "x", "1", "2", "3"]]
    path = write(tmp_path, "h.csv", csv_text(rows).encode())
    register, _data = _read(path)
    assert register.headers == ["企业名称", "第2列", "电话", "电话（第4列）", "统一社会信用代码"]


def test_header_scoring_prefers_the_real_header_over_a_title_row(tmp_path: Path) -> None:
    # A title row with two short cells would pass the fallback; the header names more fields.
    rows = [["单位：大方县", "日期：2026"], [], HEADER, scjg_rows(1)[0]]
    path = write(tmp_path, "t.csv", csv_text(rows).encode())
    register, data = _read(path)
    assert register.header_row == 3
    assert [n for n, _c in data] == [4]


def test_title_rows_padded_with_delimiters(tmp_path: Path) -> None:
    """Excel saves every CSV row with the same number of fields, title rows included."""
    width = len(HEADER)
    rows = [TITLE + [""] * (width - 1), EXPORTED + [""] * (width - 1), [""] * width]
    path = write(tmp_path, "p.csv", csv_text([*rows, HEADER, *scjg_rows(2)]).encode("gbk"))
    register, data = _read(path)
    assert register.header_row == 4 and register.title_rows == [TITLE[0], EXPORTED[0]]
    assert [n for n, _c in data] == [5, 6]


def test_header_detection_with_one_preset(tmp_path: Path) -> None:
    from laborgrid.registers.presets import PRESETS

    rows = [["民办学校名单"], ["学校名称", "校长", "办学地址"], ["某某幼儿园", "王五", "猫场镇"]]
    path = write(tmp_path, "jy.csv", csv_text(rows).encode("gbk"))
    with open_register(path, preset=PRESETS["jy"]) as register:
        assert register.header_row == 2
        assert list(register.rows()) == [(3, ["某某幼儿园", "王五", "猫场镇"])]


def test_header_fallback_without_known_names(tmp_path: Path) -> None:
    rows = [["报表"], ["甲列", "乙列", "丙列"], ["1", "2", "3"]]
    path = write(tmp_path, "f.csv", csv_text(rows).encode())
    register, data = _read(path)
    assert register.header_row == 2 and register.headers == ["甲列", "乙列", "丙列"]
    assert data == [(3, ["1", "2", "3"])]


def test_file_objects_are_read_and_left_open(tmp_path: Path) -> None:
    content = csv_text([HEADER, *scjg_rows(2)]).encode("gbk")
    upload = io.BytesIO(content)
    with open_register(upload) as register:
        first = list(register.rows())
        again = list(register.rows())  # rows() reads again from the start
    assert first == again and len(first) == 2
    assert not upload.closed
    upload.seek(0)
    assert upload.read() == content


def test_django_uploads_are_read_directly(tmp_path: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = csv_text([HEADER, *scjg_rows(2)]).encode("gbk")
    upload = SimpleUploadedFile("登记表.csv", content)
    register, data = _read(upload)
    assert register.encoding == "gb18030" and len(data) == 2
    assert not upload.closed


def test_unclosed_quote_is_reported_not_swallowed(tmp_path: Path) -> None:
    body = csv_text([HEADER, *scjg_rows(3)])
    broken = body.replace("大方县第2商贸有限公司", '"大方县第2商贸有限公司')
    path = write(tmp_path, "u.csv", broken.encode())
    with pytest.raises(RegisterFileError) as info:  # found while looking for the header
        open_register(path)
    assert info.value.code == "csv"
    assert "第 3 行" in info.value.message
    # Further down the file, it is found while streaming the rows.
    long_body = csv_text([HEADER, *scjg_rows(30)])
    broken = long_body.replace("大方县第25商贸有限公司", '"大方县第25商贸有限公司')
    with open_register(write(tmp_path, "u2.csv", broken.encode())) as register:
        rows = register.rows()
        assert len([next(rows) for _ in range(24)]) == 24
        with pytest.raises(RegisterFileError) as info:
            next(rows)  # the broken record is never yielded
    assert info.value.code == "csv" and "第 26 行" in info.value.message


# --------------------------------------------------------------------------- Excel


@pytest.fixture(params=["whole", "streamed"])
def excel_reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each XLSX test twice: read whole (python-calamine) and row by row (openpyxl, as a file
    above ``STREAM_XLSX_BYTES`` is)."""
    if request.param == "streamed":
        monkeypatch.setattr(reading, "STREAM_XLSX_BYTES", 0)
    return str(request.param)


@pytest.mark.usefixtures("excel_reader")
def test_xlsx_with_title_rows_and_typed_cells(tmp_path: Path) -> None:
    codes = scjg_rows(2)
    sheet: list[list[Any]] = [
        TITLE,
        EXPORTED,
        [],
        ["序号", *HEADER],
        [1, codes[0][0], "某公司", "张三", "有限责任公司", date(2015, 3, 7), 500, "存续", "猫场镇"],
        [],
        [
            2.0,
            codes[1][0],
            "另一公司",
            "李四",
            "个体工商户",
            EXCEL_DATETIME,
            20150307.0,
            "在业",
            "大方镇",
        ],
        [3, 915205211234567890, "数字代码公司", "王五", "", 42070, 500.5, "注销", ""],
    ]
    path = write(tmp_path, "r.xlsx", xlsx_bytes({"登记信息": sheet}))
    register, data = _read(path)
    assert register.format == "xlsx" and register.encoding is None
    assert register.sheet_name == "登记信息"
    assert register.header_row == 4
    assert register.headers == ["序号", *HEADER]
    assert [n for n, _c in data] == [5, 7, 8]
    first, second, third = (cells for _n, cells in data)
    assert first[0] == 1 and isinstance(first[0], int)
    assert first[5] == date(2015, 3, 7)  # a date cell stays a date
    assert second[0] == 2 and isinstance(second[0], int)  # integral float → int
    assert second[5] == EXCEL_DATETIME
    assert second[6] == 20150307 and isinstance(second[6], int)
    assert third[6] == 500.5
    # An 18-digit number is beyond Excel's 15 significant digits: kept as a float, so that the
    # code normaliser can say the digits are lost.
    assert isinstance(third[1], float)


@pytest.mark.usefixtures("excel_reader")
def test_xlsx_data_starting_in_a_later_column(tmp_path: Path) -> None:
    """Column A left empty: the columns are the sheet's used ones, row numbers still Excel's."""
    sheet: list[list[Any]] = [[None, *TITLE], [], [None, *HEADER], [None, *scjg_rows(1)[0]]]
    register, data = _read(write(tmp_path, "b.xlsx", xlsx_bytes({"Sheet1": sheet})))
    assert register.headers == HEADER and register.header_row == 3
    assert data == [(4, scjg_rows(1)[0])]


@pytest.mark.usefixtures("excel_reader")
def test_xlsx_sheet_choice(tmp_path: Path) -> None:
    data_rows = [HEADER, *scjg_rows(2)]
    content = xlsx_bytes(
        {
            "说明": [["本表为大方县登记信息"], ["请勿修改表头"]],
            "隐藏": [HEADER, *scjg_rows(5)],
            "数据": data_rows,
        },
        hidden=("隐藏",),
    )
    path = write(tmp_path, "s.xlsx", content)
    register, data = _read(path)
    assert register.sheet_name == "数据" and len(data) == 2
    register, data = _read(path, sheet="隐藏")
    assert len(data) == 5
    with pytest.raises(RegisterFileError) as info:
        open_register(path, sheet="没有")
    assert info.value.code == "sheet" and "数据" in info.value.message


@pytest.mark.usefixtures("excel_reader")
def test_xlsx_from_a_file_object_whatever_its_name(tmp_path: Path) -> None:
    content = xlsx_bytes({"Sheet1": [HEADER, *scjg_rows(1)]})
    register, data = _read(io.BytesIO(content))
    assert register.format == "xlsx" and len(data) == 1
    # Format by content: an .xlsx named .csv is still read as a workbook.
    register, data = _read(write(tmp_path, "misnamed.csv", content))
    assert register.format == "xlsx" and len(data) == 1


def test_xls(tmp_path: Path) -> None:
    pytest.importorskip("xlwt")
    rows: list[list[Any]] = [
        TITLE,
        [],
        HEADER,
        [*scjg_rows(1)[0][:4], date(2015, 3, 7), 500, "存续", "猫场镇"],
    ]
    path = write(tmp_path, "r.xls", xls_bytes(rows, sheet="登记信息"))
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    register, data = _read(path)
    assert register.format == "xls" and register.header_row == 3
    assert data[0][0] == 4
    cells = data[0][1]
    assert cells[0] == scjg_rows(1)[0][0]
    assert cells[4] == date(2015, 3, 7) and cells[5] == 500


def test_tab_separated_text_named_xls_is_read_as_text(tmp_path: Path) -> None:
    """Many systems' "Export to Excel" writes tab-separated GBK text with an .xls name."""
    content = csv_text(with_titles([HEADER, *scjg_rows(2)]), "\t").encode("gbk")
    register, data = _read(write(tmp_path, "导出.xls", content))
    assert register.format == "csv" and register.delimiter == "\t" and len(data) == 2


# --------------------------------------------------------------------------- refusals


def _refused(tmp_path: Path, content: bytes, name: str = "x.csv") -> RegisterFileError:
    with pytest.raises(RegisterFileError) as info:
        open_register(write(tmp_path, name, content))
    assert info.value.message and info.value.message == str(info.value)
    return info.value


@pytest.mark.parametrize(
    "content", [b"", b"\r\n\r\n  \r\n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b",,,\r\n,,\r\n"]
)
def test_empty_files(tmp_path: Path, content: bytes) -> None:
    assert _refused(tmp_path, content).code == "empty"


def test_empty_workbook(tmp_path: Path) -> None:
    assert _refused(tmp_path, xlsx_bytes({"Sheet1": []}), "e.xlsx").code == "empty"


def test_no_header(tmp_path: Path) -> None:
    error = _refused(tmp_path, b"1,2,3\r\n4,5,6\r\n" * 30)
    assert error.code == "no_header" and "20" in error.message


@pytest.mark.usefixtures("excel_reader")
def test_corrupt_xlsx(tmp_path: Path) -> None:
    good = xlsx_bytes({"Sheet1": [HEADER, *scjg_rows(1)]})
    assert _refused(tmp_path, good[: len(good) // 2], "c.xlsx").code == "corrupt"
    assert _refused(tmp_path, b"PK\x03\x04" + b"\x00garbage" * 100, "g.xlsx").code == "corrupt"


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("登记表.csv", csv_text([HEADER]))
    assert _refused(tmp_path, buffer.getvalue(), "z.zip").code == "not_excel"


def test_corrupt_xls(tmp_path: Path) -> None:
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00\x01garbage" * 200
    assert _refused(tmp_path, content, "c.xls").code == "corrupt"


def test_binary_garbage(tmp_path: Path) -> None:
    import random

    noise = random.Random(4).randbytes(20000)
    assert _refused(tmp_path, noise, "n.csv").code in {"binary", "encoding"}
    assert _refused(tmp_path, b"\x89PNG\r\n\x1a\n" + noise, "p.csv").code == "binary"
    assert _refused(tmp_path, b"%PDF-1.7\n" + noise, "d.xls").code == "binary"
    controls = bytes(range(1, 9)) * 500
    assert _refused(tmp_path, controls, "c.csv").code == "binary"


@pytest.mark.parametrize(
    "content",
    [
        "<html><body><table><tr><td>企业名称</td></tr></table></body></html>",
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
    ],
)
def test_web_pages_named_xls(tmp_path: Path, content: str) -> None:
    error = _refused(tmp_path, content.encode("gbk"), "导出.xls")
    assert error.code == "web_page" and "xlsx" in error.message


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "utf-16"])
def test_the_row_estimate_for_a_progress_bar(tmp_path: Path, encoding: str) -> None:
    rows = scjg_rows(40)
    path = write(tmp_path, "a.csv", csv_text(with_titles([HEADER, *rows])).encode(encoding))
    with open_register(path) as register:
        assert register.estimated_rows() == 40
        assert len(list(register.rows())) == 40  # the estimate does not disturb reading
    xlsx = write(tmp_path, "a.xlsx", xlsx_bytes({"Sheet1": with_titles([HEADER, *rows])}))
    with open_register(xlsx) as register:
        assert register.estimated_rows() == 40


# --- reading ahead in a thread of its own ----------------------------------------------------------


def test_read_ahead_gives_every_item_in_order_and_raises_where_the_source_failed() -> None:
    def source() -> Any:
        yield from range(5)
        raise RegisterFileError("第 6 行无法读取", code="unreadable")

    items = []
    with reading.ReadAhead(source(), depth=2) as ahead, pytest.raises(RegisterFileError):
        for item in ahead:
            items.append(item)
    assert items == [0, 1, 2, 3, 4]


def test_read_ahead_stops_its_thread_and_closes_the_source_when_the_consumer_stops() -> None:
    closed = []

    def source() -> Any:
        try:
            yield from itertools.count()
        finally:
            closed.append(True)

    ahead = reading.ReadAhead(source(), depth=1)
    assert next(ahead) == 0
    ahead.close()
    assert not ahead._thread.is_alive()
    assert closed == [True]


def test_read_ahead_translates_in_the_callers_language() -> None:
    def source() -> Any:
        yield translation.get_language()

    with translation.override("en"), reading.ReadAhead(source()) as ahead:
        assert list(ahead) == ["en"]


# --- reading ahead in a process of its own ---------------------------------------------------------


def test_a_reading_process_gives_every_item_in_order_and_raises_where_the_source_failed() -> None:
    def source() -> Any:
        yield from range(5)
        raise RegisterFileError("第 6 行无法读取", code="unreadable")

    items = []
    ahead = reading.ReadAheadProcess[Any](
        source(), encode=lambda i: [i], decode=lambda v: v[0] * 10
    )
    with ahead, pytest.raises(RegisterFileError) as failed:
        for item in ahead:
            items.append(item)
    assert items == [0, 10, 20, 30, 40]
    assert (failed.value.message, failed.value.code) == ("第 6 行无法读取", "unreadable")


def test_a_reading_process_is_stopped_when_the_consumer_stops() -> None:
    ahead = reading.ReadAheadProcess[Any](itertools.count())
    assert next(ahead) == 0
    pid = ahead._pid
    assert pid is not None
    ahead.close()
    assert ahead.peak_mb > 0  # its peak memory, read when it was reaped
    with pytest.raises(ChildProcessError):  # stopped and reaped: no process of that id is ours
        os.waitpid(pid, os.WNOHANG)


def test_a_reading_process_that_dies_is_an_error_not_the_end_of_the_file() -> None:
    def source() -> Any:
        yield 1
        os._exit(3)

    with reading.ReadAheadProcess[Any](source()) as ahead:
        assert next(ahead) == 1
        with pytest.raises(RuntimeError, match="意外结束"):
            next(ahead)


def test_a_reading_process_translates_in_the_callers_language() -> None:
    def source() -> Any:
        yield translation.get_language()

    with translation.override("en"), reading.ReadAheadProcess[Any](source()) as ahead:
        assert list(ahead) == ["en"]
