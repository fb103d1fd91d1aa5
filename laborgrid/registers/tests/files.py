"""Register files built on the fly, as offices produce them (no binary fixtures in the repo)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl

from laborgrid.testing.employers import make_uscc

TITLE = ["大方县市场主体登记信息导出"]
EXPORTED = ["导出时间：2026-05-01 10:00:00"]
HEADER = [
    "统一社会信用代码",
    "企业名称",
    "法定代表人",
    "企业类型",
    "成立日期",
    "注册资本",
    "登记状态",
    "住所",
]


def scjg_rows(n: int = 3) -> list[list[str]]:
    """``n`` valid 工商 rows (distinct codes)."""
    return [
        [
            make_uscc(i),
            f"大方县第{i}商贸有限公司",
            "张三",
            "有限责任公司（自然人投资或控股）",
            "2015-03-07",
            "500万元人民币",
            "存续（在营、开业、在册）",
            f"贵州省毕节市大方县猫场镇{i}号",
        ]
        for i in range(1, n + 1)
    ]


def csv_text(rows: list[list[Any]], delimiter: str = ",", newline: str = "\r\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerows(rows)
    return buffer.getvalue()


def with_titles(rows: list[list[Any]]) -> list[list[Any]]:
    """Title, export time and a blank row above the header: the usual export layout."""
    return [TITLE, EXPORTED, [], *rows]


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def xlsx_bytes(sheets: dict[str, list[list[Any]]], *, hidden: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    assert book.active is not None
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls_bytes(rows: list[list[Any]], sheet: str = "Sheet1") -> bytes:
    """A real BIFF8 .xls written by xlwt (dates as Excel dates)."""
    import datetime

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    page = book.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                page.write(r, c, value, date_style)
            elif value is not None:
                page.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
