"""采集进度 export (issue 5 §7): a round's progress per grid (rolled up) and per person, as XLSX.

A background job like the other exports (``core.jobs.start_export``). The job re-checks at run
time that its owner may still see the round (their assignments may have changed since they
clicked) and counts only the tasks the owner may see.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.collection.models import CollectionRound
from laborgrid.collection.progress import Counts, round_progress
from laborgrid.core.jobs import Progress, exported_by, job_runner
from laborgrid.core.models import Job

KIND = "collection.export"
BEIJING = ZoneInfo("Asia/Shanghai")


def _figures() -> list[str]:
    return [_("已派任务"), _("已完成"), _("待审核"), _("已逾期"), _("拒绝配合"), _("完成率")]


def _write(
    sheet: xlsxwriter.worksheet.Worksheet, row: int, col: int, c: Counts, pct: object
) -> None:
    for i, v in enumerate((c.assigned, c.done, c.submitted, c.overdue, c.refused)):
        sheet.write_number(row, col + i, v)
    if c.rate is not None:
        sheet.write_number(row, col + 5, c.rate, pct)


@job_runner(KIND)
def export_progress(job: Job, progress: Progress) -> None:
    actor = job.actor
    rnd = (
        CollectionRound.objects.visible_to(actor)
        .select_related("grid")
        .filter(pk=int((job.params or {}).get("round") or 0))
        .first()
    )
    if rnd is None:
        raise PermissionError("round not visible to the job's owner")
    prog = round_progress(rnd, actor)
    progress.set_total(len(prog.grids) + len(prog.people))
    now = timezone.localtime(timezone.now(), BEIJING)
    title = _(
        "%(round)s 采集进度　统计日期：%(day)s　导出时间：%(time)s（北京时间）　导出人：%(user)s"
    ) % {
        "round": rnd.name,
        "day": prog.today.isoformat(),
        "time": now.strftime("%Y-%m-%d %H:%M"),
        "user": exported_by(actor),
    }
    name = f"{rnd.name}-{_('采集进度')}-{now.strftime('%Y%m%d-%H%M')}.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        head = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
        bold = book.add_format({"bold": True, "font_size": 12})
        pct = book.add_format({"num_format": "0.0%"})

        sheet = book.add_worksheet(_("按网格"))
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 30)
        sheet.set_column(2, 7, 12)
        sheet.write_string(0, 0, title, bold)
        sheet.write_row(1, 0, [_("网格编码"), _("网格名称（逐级汇总）"), *_figures()], head)
        for i, g in enumerate(prog.grids, start=2):
            sheet.write_string(i, 0, g.grid.code)
            sheet.write_string(i, 1, "　" * g.level + g.grid.name)
            _write(sheet, i, 2, g.counts, pct)
            progress.advance()

        people = book.add_worksheet(_("按人员"))
        people.set_column(0, 1, 16)
        people.set_column(2, 7, 12)
        people.write_string(0, 0, title, bold)
        people.write_row(1, 0, [_("用户名"), _("姓名"), *_figures()], head)
        for i, p in enumerate(prog.people, start=2):
            people.write_string(i, 0, p.user.username if p.user else "")
            people.write_string(i, 1, p.user.display_name if p.user else _("未分派"))
            _write(people, i, 2, p.counts, pct)
            progress.advance()
        book.close()
        progress.log(
            _("已导出 %(n)s 个网格、%(p)s 名人员的进度。")
            % {"n": len(prog.grids), "p": len(prog.people)}
        )
        progress.save_result(path, name)
