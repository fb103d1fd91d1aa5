"""Sample workbooks in the layout the upload pages describe (demo and tests): a real-name
roster and a month's pay sheet. The ID numbers are made up (Dafang area code, valid check
digit); two people on the pay sheet are not on the roster."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from laborgrid.lib.identifiers import _ric_check


def ric(body17: str) -> str:
    return body17 + _ric_check(body17)


ROSTER = [
    ("王大勇", ric("52052119800312451"), 0, "2026-01-05"),
    ("李小平", ric("52052119850704452"), 0, "2026-01-05"),
    ("陈华", ric("52052119900101453"), 0, "2026-01-06"),
    ("杨明", ric("52052119780520454"), 1, "2026-01-08"),
    ("刘光荣", ric("52052119821111455"), 1, "2026-01-08"),
]
NOT_ON_ROSTER = [
    ("赵二狗", ric("52052119920215456")),
    ("孙正", ric("52052119870808457")),
]


def _book(header: list[str], rows: list[list[Any]], title: str) -> bytes:
    wb = Workbook()
    ws = wb.create_sheet(title, 0)
    del wb[wb.sheetnames[1]]
    ws.append([title])
    ws.append(header)
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=3):
        row[1].number_format = "@"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def roster_xlsx(contractor: str, subcontractor: str) -> bytes:
    units = [contractor, subcontractor]
    return _book(
        ["姓名", "身份证号码", "用工单位", "进场日期"],
        [[n, i, units[u], d] for n, i, u, d in ROSTER],
        "实名制花名册",
    )


def paysheet_xlsx() -> bytes:
    """Everyone on the roster paid in full except 刘光荣 (600 short), plus two strangers."""
    rows: list[list[Any]] = []
    for n, i, _u, _d in ROSTER:
        rows.append([n, i, 6000, 5400 if n == "刘光荣" else 6000, "是"])
    for n, i in NOT_ON_ROSTER:
        rows.append([n, i, 4500, 4500, "是"])
    return _book(["姓名", "身份证号码", "应发工资", "实发工资", "本人签字"], rows, "工资支付表")


def project_list_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """A 住建 project list as the department exports it: a title row, ``序号``, the sum in 万元.
    Each row: name, code, client, contractor, uscc, sum_wan, starts, ends, address."""
    header = [
        "序号",
        "项目名称",
        "施工许可证号",
        "建设单位",
        "施工单位",
        "施工单位统一社会信用代码",
        "合同金额（万元）",
        "开工日期",
        "计划竣工日期",
        "项目地址",
        "劳资专管员",
    ]
    body = [
        [
            n,
            r["name"],
            r["code"],
            r["client"],
            r["contractor"],
            r["uscc"],
            r["sum_wan"],
            r["starts"],
            r.get("ends", ""),
            r.get("address", ""),
            r.get("officer", ""),
        ]
        for n, r in enumerate(rows, start=1)
    ]
    wb = Workbook()
    ws = wb.create_sheet("在建项目", 0)
    del wb[wb.sheetnames[1]]
    ws.append(["大方县住房和城乡建设局在建房屋建筑和市政工程项目清单"])
    ws.append(header)
    for r in body:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
