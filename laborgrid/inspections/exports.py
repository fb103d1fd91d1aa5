"""The campaign's result table as XLSX (issue 16 §2), a background job like the other exports
(``core.jobs.start_export``). The job re-checks at run time that its owner may still see the
campaign and adds up only the visits the owner may see: the same figures as the page."""

from __future__ import annotations

import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.core.jobs import Progress, exported_by, job_runner
from laborgrid.core.models import Job
from laborgrid.inspections.selectors import campaigns_for, result_table

KIND = "inspections.campaign_results"
BEIJING = ZoneInfo("Asia/Shanghai")


@job_runner(KIND)
def export_results(job: Job, progress: Progress) -> None:
    actor = job.actor
    campaign = campaigns_for(actor).filter(pk=int((job.params or {}).get("campaign") or 0)).first()
    if campaign is None:
        raise PermissionError("campaign not visible to the job's owner")
    table = result_table(campaign, actor)
    progress.set_total(len(table.rows) + 1)
    now = timezone.localtime(timezone.now(), BEIJING)
    title = _("%(name)s 结果统计表　导出时间：%(time)s（北京时间）　导出人：%(user)s") % {
        "name": campaign.name,
        "time": now.strftime("%Y-%m-%d %H:%M"),
        "user": exported_by(actor),
    }
    name = f"{campaign.name}-{_('结果统计表')}-{now.strftime('%Y%m%d-%H%M')}.xlsx"
    head_labels = [
        _("网格编码"),
        _("承办中队"),
        _("检查对象"),
        _("已检查"),
        _("发现问题单位"),
        *[label for _key, label in table.items],
        _("列入整改项目"),
        _("下达指令书（份）"),
        _("追发工资（元）"),
        _("涉及劳动者（人）"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        head = book.add_format(
            {"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True}
        )
        bold = book.add_format({"bold": True, "font_size": 12})
        money = book.add_format({"num_format": "#,##0.00"})
        sheet = book.add_worksheet(_("结果统计"))
        sheet.set_column(0, 0, 14)
        sheet.set_column(1, 1, 20)
        sheet.set_column(2, len(head_labels), 12)
        sheet.write_string(0, 0, title, bold)
        sheet.write_row(1, 0, head_labels, head)

        def write(r: int, code: str, grid_name: str, row: dict[str, object]) -> None:
            sheet.write_string(r, 0, code)
            sheet.write_string(r, 1, grid_name)
            col = 2
            for key in ("targets", "checked", "with_violations"):
                sheet.write_number(r, col, int(row[key]))  # type: ignore[call-overload]  # counts are ints
                col += 1
            by_item: dict[str, int] = row["by_item"]  # type: ignore[assignment]  # see selectors._blank
            for key, _label in table.items:
                sheet.write_number(r, col, by_item.get(key, 0))
                col += 1
            sheet.write_number(r, col, int(row["to_order"]))  # type: ignore[call-overload]
            sheet.write_number(r, col + 1, int(row["orders"]))  # type: ignore[call-overload]
            sheet.write_number(r, col + 2, float(row["wages"]), money)  # type: ignore[arg-type]
            sheet.write_number(r, col + 3, int(row["workers"]))  # type: ignore[call-overload]

        r = 2
        for row in table.rows:
            write(r, row["grid"].code, row["grid"].name, row)
            r += 1
            progress.advance()
        write(r, "", _("合计"), table.total)
        progress.advance()
        book.close()
        progress.log(_("已导出 %(n)s 个中队的结果。") % {"n": len(table.rows)})
        progress.save_result(path, name)
