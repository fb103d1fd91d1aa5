"""Roster import from Excel (职工名册导入): counts and row-level errors exactly, refusals with a
message, never a 500; the files are built here with openpyxl, as offices make them."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from laborgrid.audit.models import AuditEvent
from laborgrid.employers import roster_import
from laborgrid.employers.models import Employer, Worker
from laborgrid.employers.roster_import import RowError, parse_date
from laborgrid.testing.employers import make_employer, make_ric, make_worker
from laborgrid.testing.personas import MAOCHANG_VILLAGE, client_for

pytestmark = pytest.mark.django_db

# A header as offices write it: a row counter, common synonyms, and a column we do not know.
HEADER = ["序号", "姓名", "性别", "身份证号", "联系电话", "用工形式", "是否农民工", "入职日期",
          "合同期限", "合同到期日", "离职日期", "备注"]  # fmt: skip


def _xlsx(rows: list[list[Any]], *, title: str | None = "某某公司职工花名册") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(
    employer: Employer, content: bytes, name: str = "名册.xlsx", username: str = "maochang"
) -> Any:
    return client_for(username).post(
        reverse("employers:roster_import", args=[employer.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def _errors(response: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in response.context["result"].errors]


def _form_error(response: Any) -> str:
    assert response.status_code == 200
    assert response.context["result"] is None
    return " ".join(response.context["form"].errors["file"])


# --- the whole story ---------------------------------------------------------------------------


def test_import_adds_updates_and_reports_bad_rows_with_excel_row_numbers() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    already = make_ric(401, birth="19800101")
    make_worker(employer, name="老职工", id_number=already, started_on="2020-01-01")
    a = make_ric(403, birth="19900101")  # odd sequence: male
    b = make_ric(404, birth="19920202")  # even sequence: female
    bad_check = make_ric(406)[:-1] + ("0" if make_ric(406)[-1] != "0" else "1")
    c = make_ric(408, birth="19950505")
    d = make_ric(410, birth="19960606")
    rows: list[list[Any]] = [
        HEADER,
        # row 4: full-width digits, an Excel serial date, a phone typed as a number
        [
            1,
            "张甲",
            "男",
            _full_width(a),
            13800001111,
            "全日制",
            "是",
            45292,
            "无固定期限",
            "",
            "",
            "x",
        ],
        # row 5: text date with slashes, female, fixed term with an Excel date for its end
        [2, "李乙", "女", b, "", "非全日制", "否", "2024/1/5", "固定期限", date(2026, 1, 4)],
        # row 6: a bad check digit
        [3, "王丙", "男", bad_check, "", "全日制", "否", "2024-01-05", "无固定期限"],
        # row 7: an impossible date and an unknown employment form: two errors, one row
        [4, "赵丁", "", c, "", "临时工", "否", "2024-13-01", "无固定期限"],
        # row 8: blank (skipped, not an error)
        [],
        # row 9: the same person as row 4, new phone: an update, with a warning
        [5, "张甲", "男", a, "13800002222", "全日制", "是", "2024年1月1日", "无固定期限"],
        # row 10: the person already on the roster: an update (leaves)
        [6, "老职工", "", already, "", "全日制", "否", 20200101, "无固定期限", "", "2025-06-30"],
        # row 11: an 18-digit ID typed as a number: Excel lost its last digits
        [7, "孙戊", "男", float(d), "", "全日制", "否", "2024-02-01", "无固定期限"],
        # row 12: fixed term without an end date (the service's rule, on its column)
        [8, "周己", "", d, "", "劳务派遣", "否", "2024-02-01", "固定期限"],
    ]
    response = _upload(employer, _xlsx(rows))
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.added, result.updated, result.rejected) == (2, 2, 4)
    assert result.rows == 8  # the blank row 8 is not a data row
    errors = _errors(response)
    assert [(r, col) for r, col, _m in errors] == [
        (6, "身份证号"),
        (7, "用工形式"),
        (7, "入职日期"),
        (11, "身份证号"),
        (12, "合同到期日"),
    ]
    assert "校验码" in errors[0][2]
    assert "临时工" in errors[1][2] and "全日制" in errors[1][2]
    assert "2024-13-01" in errors[2][2]
    assert "文本" in errors[3][2]
    assert "终止日期" in errors[4][2]
    assert response.context["result"].errors[0] == RowError(6, "身份证号", errors[0][2], "王丙")
    assert any("备注" in w for w in result.warnings)
    assert any("第 9 行与第 4 行" in w for w in result.warnings)

    workers = {w.name: w for w in Worker.objects.filter(employer=employer)}
    assert set(workers) == {"老职工", "张甲", "李乙"}
    assert workers["张甲"].started_on == date(2024, 1, 1)  # 45292 and 2024年1月1日 alike
    assert workers["张甲"].phone_masked == "138****2222" and workers["张甲"].is_migrant
    assert workers["张甲"].gender == "male"
    assert workers["李乙"].gender == "female" and workers["李乙"].employment_form == "part_time"
    assert workers["李乙"].started_on == date(2024, 1, 5)
    assert workers["李乙"].contract_end == date(2026, 1, 4)
    assert workers["老职工"].left_on == date(2025, 6, 30)
    assert workers["老职工"].started_on == date(2020, 1, 1)

    body = response.content.decode()
    assert "王丙" in body and "校验码" in body
    for number in (a, b, already, bad_check, c, d):
        assert number not in body  # the page never shows a full number

    event = AuditEvent.objects.filter(action="roster_imported").order_by("-id").first()
    assert event is not None and event.object_id == str(employer.pk)
    assert event.detail == {"rows": 8, "added": 2, "updated": 2, "rejected": 4}


def test_importing_the_same_file_again_adds_nothing() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    rehired = make_ric(416, birth="19880808")
    make_worker(employer, name="王再来", id_number=rehired, started_on="2022-03-01")
    rows: list[list[Any]] = [
        [*HEADER[:9], "离职日期"],
        [1, "吴一", "", make_ric(412), "", "全日制", "否", "2023-05-01", "无固定期限", ""],
        [2, "郑二", "", make_ric(414), "", "全日制", "否", "2021-05-01", "未签订", "2022-01-31"],
        # an earlier spell of a person who is current again: added beside the current line
        [3, "王再来", "", rehired, "", "全日制", "否", "2018-01-01", "未签订", "2020-05-01"],
    ]
    content = _xlsx(rows, title=None)
    first = _upload(employer, content).context["result"]
    assert (first.added, first.updated, first.rejected) == (3, 0, 0)
    second = _upload(employer, content).context["result"]
    assert (second.added, second.updated, second.rejected) == (0, 3, 0)
    assert Worker.objects.filter(employer=employer).count() == 4
    spells = Worker.objects.filter(employer=employer, name="王再来").order_by("started_on")
    assert [(str(w.started_on), str(w.left_on)) for w in spells] == [
        ("2018-01-01", "2020-05-01"),
        ("2022-03-01", "None"),
    ]


def test_a_bad_row_does_not_undo_the_good_ones() -> None:
    """A refused row is reported and skipped; the rows around it are imported."""
    employer = make_employer(MAOCHANG_VILLAGE)
    rows = [
        ["姓名", "公民身份号码", "用工起始日期", "劳动合同期限"],
        ["甲", make_ric(417), "2024-01-01", "无固定期限"],
        ["乙", make_ric(418, birth="20150101"), "2024-01-01", "无固定期限"],  # a child: refused
        ["丙", make_ric(420), "2024-01-01", "无固定期限"],
    ]
    result = _upload(employer, _xlsx(rows, title=None)).context["result"]
    assert (result.added, result.rejected) == (2, 1)
    assert result.errors[0].row == 3 and result.errors[0].column == "用工起始日期"
    assert sorted(Worker.objects.filter(employer=employer).values_list("name", flat=True)) == [
        "丙",
        "甲",
    ]


def test_the_downloaded_template_imports_and_skips_its_example_row() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    response: Any = client_for("maochang").get(reverse("employers:roster_template"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    sheet.append(
        [
            1,
            "钱多多",
            "女",
            "居民身份证",
            make_ric(422),
            "13900001111",
            "",
            "",
            "全日制",
            "否",
            date(2024, 3, 1),
            "固定期限",
            date(2027, 2, 28),
            None,
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    result = _upload(employer, buffer.getvalue()).context["result"]
    assert (result.added, result.updated, result.rejected) == (1, 0, 0), result.errors
    assert any("示例" in w for w in result.warnings)
    assert list(Worker.objects.filter(employer=employer).values_list("name", flat=True)) == [
        "钱多多"
    ]


# --- refusals ----------------------------------------------------------------------------------


def test_a_csv_file_is_refused_with_a_message() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    csv = "姓名,身份证号,入职日期\n张三,520521199001010019,2024-01-01\n".encode()
    assert "CSV" in _form_error(_upload(employer, csv, "名册.csv"))
    assert "Excel" in _form_error(_upload(employer, b"hello", "名册.txt"))
    assert not Worker.objects.filter(employer=employer).exists()


def test_a_corrupt_or_disguised_file_is_refused_with_a_message() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    assert "无法读取" in _form_error(_upload(employer, b"PK\x03\x04not really a zip"))
    csv = "姓名,身份证号,入职日期\n".encode()
    assert "无法读取" in _form_error(_upload(employer, csv, "名册.xlsx"))
    assert "无法读取" in _form_error(_upload(employer, b"\xd0\xcf\x11\xe0garbage", "名册.xls"))


def test_a_missing_required_column_refuses_the_file() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    rows = [["姓名", "性别", "身份证号"], ["张三", "男", make_ric(424)]]
    message = _form_error(_upload(employer, _xlsx(rows)))
    assert "缺少必填列" in message and "用工起始日期" in message
    no_header = _form_error(_upload(employer, _xlsx([["a", "b"], [1, 2]])))
    assert "找不到表头" in no_header
    only_header = _form_error(_upload(employer, _xlsx([HEADER])))
    assert "没有数据行" in only_header
    assert not Worker.objects.filter(employer=employer).exists()
    assert not AuditEvent.objects.filter(action="roster_imported").exists()


def test_size_and_row_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    rows = [["姓名", "身份证号", "入职日期", "合同期限"]]
    rows += [[f"人{i}", make_ric(430 + i), "2024-01-01", "无固定期限"] for i in range(4)]
    content = _xlsx(rows)
    monkeypatch.setattr(roster_import, "MAX_ROWS", 3)
    assert "超过 3 行" in _form_error(_upload(employer, content))
    monkeypatch.setattr(roster_import, "MAX_ROWS", 5000)
    monkeypatch.setattr(roster_import, "MAX_BYTES", 100)
    assert "10 MB" in _form_error(_upload(employer, content))
    assert not Worker.objects.filter(employer=employer).exists()


# --- gates -------------------------------------------------------------------------------------


def test_leader_gets_403_and_anonymous_goes_to_login() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    rows = [
        ["姓名", "身份证号", "入职日期", "合同期限"],
        ["张三", make_ric(440), "2024-01-01", "无固定期限"],
    ]
    url = reverse("employers:roster_import", args=[employer.pk])
    assert _upload(employer, _xlsx(rows), username="leader").status_code == 403
    assert client_for("leader").get(url).status_code == 403
    anonymous = client_for("county").__class__()
    for response in (anonymous.get(url), anonymous.post(url)):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Worker.objects.filter(employer=employer).exists()
    assert client_for("maochang-a1").get(url).status_code == 200  # assistants keep rosters


# --- cell conversion ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-05", date(2024, 1, 5)),
        ("2024/1/5", date(2024, 1, 5)),
        ("2024.1.5", date(2024, 1, 5)),
        ("2024年1月5日", date(2024, 1, 5)),
        ("２０２４年１月５日", date(2024, 1, 5)),
        ("2024-01-05 00:00:00", date(2024, 1, 5)),
        (20240105, date(2024, 1, 5)),
        ("20240105", date(2024, 1, 5)),
        (45296.0, date(2024, 1, 5)),
        (45296.75, date(2024, 1, 5)),
        (date(2024, 1, 5), date(2024, 1, 5)),
    ],
)
def test_dates_in_the_shapes_offices_write_them(value: Any, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2024-02-30", "2024-13-01", "明年", "20241301", -5, "2024-1"])
def test_impossible_dates_are_errors(value: Any) -> None:
    with pytest.raises(ValueError, match="不是有效日期"):
        parse_date(value)


def test_a_decompression_bomb_is_refused_before_it_is_opened() -> None:
    """Issue 21 item 1: a ~100 KB workbook whose sheet inflates to 100 MB (ratio ≈ 1,000), and one
    whose headers understate the sheet's size, are refused with a message; nothing is written."""
    import time

    from laborgrid.testing.bombs import xlsx_bomb, xlsx_size_lie

    employer = make_employer(MAOCHANG_VILLAGE)
    bomb = xlsx_bomb(100, rows=[HEADER])
    assert len(bomb) < 200_000
    started = time.perf_counter()
    message = _form_error(_upload(employer, bomb))
    assert time.perf_counter() - started < 5
    assert "压缩比异常" in message and "压缩炸弹" in message
    assert "结构异常" in _form_error(_upload(employer, xlsx_size_lie(64)))
    assert not Worker.objects.filter(employer=employer).exists()
