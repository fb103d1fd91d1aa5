"""A return as XLSX and PDF, in a fixed layout.

Both show the same form: a title (grid, kind of return, period), the status and who signed,
consolidated and locked it, then one row per figure of the registry in the registry's order
(序号, 指标, 单位, 系统生成数, 上报数, 调整说明), grouped by section. Ratios (coverage %) are
computed from the return's lines, never typed. The corrections registered after the lock follow
apart; the locked figures are never replaced. The XLSX adds a sheet with the rows the return was
drafted or consolidated from (one per village or township, and the direct records).

Strings in the files are Chinese whatever the reader's language: a return is an official form.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from laborgrid.reports import figures as registry
from laborgrid.reports.choices import PartSource, PeriodKind, ReturnStatus
from laborgrid.reports.models import Return

ZERO = Decimal(0)


def period_label(ret: Return) -> str:
    p = ret.period
    if p.kind == "month":
        return f"{p.start.year}年{p.start.month}月"
    if p.kind == "quarter":
        return f"{p.start.year}年第{(p.start.month - 1) // 3 + 1}季度"
    return f"{p.start.year}年"


def title(ret: Return) -> str:
    with override("zh-hans"):
        kind = str(PeriodKind(ret.period_kind).label)
    return f"{ret.grid.name}劳动保障监察统计{kind}（{period_label(ret)}）"


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def rows(ret: Return) -> list[tuple[str, str, str, str, str, str]]:
    """The form's rows: (序号, 指标, 单位, 系统生成数, 上报数, 说明); a section is a row with
    only its name."""
    lines = {line.key: line for line in ret.lines.all()}
    drafted = {k: line.drafted for k, line in lines.items()}
    values = {k: line.value for k, line in lines.items()}
    out: list[tuple[str, str, str, str, str, str]] = []
    n = 0
    with override("zh-hans"):
        for section in registry.sections():
            figs = [
                f
                for f in registry.return_figures()
                if f.section == section.key and (not f.additive or f.key in lines)
            ]
            if not figs:
                continue
            out.append(("", str(section.label), "", "", "", ""))
            for f in figs:
                n += 1
                line = lines.get(f.key)
                note = line.note if line else ""
                if f.timing == registry.CURRENT:
                    note = (note + "；" if note else "") + f"截至{ret.drafted_on:%Y-%m-%d}"
                out.append(
                    (
                        str(n),
                        str(f.label),
                        f.unit_label,
                        f.format(f.value_of(drafted)),
                        f.format(f.value_of(values)),
                        note,
                    )
                )
    return out


def signatures(ret: Return) -> list[tuple[str, str]]:
    with override("zh-hans"):
        status = str(ReturnStatus(ret.status).label)
    out = [("状态", status), ("生成", f"{_person(ret.drafted_by)} {_when(ret.drafted_at)}")]
    if ret.signed_at:
        out.append(("签报", f"{_person(ret.signed_by)} {_when(ret.signed_at)}"))
    if ret.consolidated_at:
        out.append(("汇总", f"{_person(ret.consolidated_by)} {_when(ret.consolidated_at)}"))
    if ret.locked_at:
        out.append(("锁定", f"{_person(ret.locked_by)} {_when(ret.locked_at)}"))
    if ret.note:
        out.append(("说明", ret.note))
    return out


def corrections(ret: Return) -> list[tuple[str, str, str, str, str]]:
    out = []
    for c in ret.corrections.select_related("created_by"):
        figure = registry.get(c.key)
        label = str(figure.label) if figure else c.key
        fmt = figure.format if figure else str
        out.append(
            (
                label,
                fmt(c.locked_value),
                fmt(c.value),
                c.note,
                f"{_person(c.created_by)} {_when(c.created_at)}",
            )
        )
    return out


THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def xlsx(ret: Return) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "统计报表"
    ws.append([title(ret)])
    ws.merge_cells("A1:F1")
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    p = ret.period
    ws.append([f"统计期：{p.start:%Y-%m-%d} 至 {p.end:%Y-%m-%d}　网格编码：{ret.grid_id}"])
    ws.merge_cells("A2:F2")
    header = ["序号", "指标", "单位", "系统生成数", "上报数", "调整说明"]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center")
    for row in rows(ret):
        ws.append(list(row))
        r = ws.max_row
        for cell in ws[r]:
            cell.border = BOX
        if not row[0]:
            ws.merge_cells(f"B{r}:F{r}")
            ws[f"B{r}"].font = Font(bold=True)
        else:
            for col in ("D", "E"):
                ws[f"{col}{r}"].alignment = Alignment(horizontal="right")
    ws.append([])
    for label, text in signatures(ret):
        ws.append([label, text])
    for col, width in zip("ABCDEF", (6, 28, 6, 16, 16, 40), strict=True):
        ws.column_dimensions[col].width = width

    parts = list(ret.parts.select_related("grid"))
    keys = [f for f in registry.return_figures() if f.additive]
    sheet = wb.create_sheet("分网格")
    with override("zh-hans"):
        sheet.append(["网格编码", "网格", "来源", *(f"{f.label}（{f.unit_label}）" for f in keys)])
        for part in parts:
            sheet.append(
                [
                    part.grid_id,
                    part.grid.name
                    if part.source != PartSource.DIRECT
                    else f"{part.grid.name}（直属）",
                    str(PartSource(part.source).label),
                    *(float(Decimal(part.values.get(f.key, "0"))) for f in keys),
                ]
            )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 20
    sheet.column_dimensions["C"].width = 22
    for i in range(4, 4 + len(keys)):
        sheet.column_dimensions[get_column_letter(i)].width = 14

    fixes = corrections(ret)
    if fixes:
        extra = wb.create_sheet("锁定后更正")
        extra.append(["指标", "锁定数", "更正数", "更正说明", "登记"])
        for cell in extra[1]:
            cell.font = Font(bold=True)
        for fix in fixes:
            extra.append(list(fix))
        for col, width in zip("ABCDE", (24, 16, 16, 40, 28), strict=True):
            extra.column_dimensions[col].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def pdf(ret: Return) -> bytes:
    from fpdf.enums import WrapMode
    from fpdf.fonts import FontFace

    from laborgrid.documents.render import FONT, DocumentPDF

    doc = DocumentPDF()
    # One weight of the font is embedded: headings are shaded, not bold.
    head_style = FontFace(emphasis="", fill_color=(235, 235, 235))
    doc.set_title(title(ret))
    doc.add_page()
    doc.set_font(FONT, size=15)
    doc.multi_cell(0, 9, title(ret), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, size=10)
    p = ret.period
    doc.cell(0, 7, f"统计期：{p.start:%Y-%m-%d} 至 {p.end:%Y-%m-%d}　网格编码：{ret.grid_id}")
    doc.ln(9)
    with doc.table(
        col_widths=(8, 40, 8, 18, 18, 36),
        text_align=("CENTER", "LEFT", "CENTER", "RIGHT", "RIGHT", "LEFT"),
        line_height=6,
        padding=1,
        wrapmode=WrapMode.CHAR,
        headings_style=head_style,
    ) as table:
        head = table.row()
        for text in ("序号", "指标", "单位", "系统生成数", "上报数", "调整说明"):
            head.cell(text)
        for row in rows(ret):
            r = table.row()
            if not row[0]:
                r.cell(row[1], colspan=6)
            else:
                for text in row:
                    r.cell(text)
    doc.ln(4)
    for label, text in signatures(ret):
        doc.multi_cell(0, 6, f"{label}：{text}", new_x="LMARGIN", new_y="NEXT")
    fixes = corrections(ret)
    if fixes:
        doc.ln(3)
        doc.set_font(FONT, size=11)
        doc.cell(0, 7, "锁定后登记的更正（锁定数不变）")
        doc.ln(8)
        doc.set_font(FONT, size=10)
        with doc.table(
            col_widths=(30, 18, 18, 50, 30),
            line_height=6,
            padding=1,
            wrapmode=WrapMode.CHAR,
            headings_style=head_style,
        ) as table:
            head = table.row()
            for text in ("指标", "锁定数", "更正数", "更正说明", "登记"):
                head.cell(text)
            for fix in fixes:
                r = table.row()
                for text in fix:
                    r.cell(text)
    return bytes(doc.output())
