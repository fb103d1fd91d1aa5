"""底数覆盖情况 export: every grid of a subtree with its rolled-up coverage figures, as XLSX.

A background job (``core.jobs``) like the employer list's export. The job re-checks at run time
that its owner may still read employer data on the grid (their assignments may have changed
since they clicked), counts fresh (never from the cache) and writes one row per grid in tree
order — the grid, its level and parent, then every figure of its whole subtree — with
xlsxwriter's constant-memory mode. A second sheet defines each figure.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.core.jobs import Progress, exported_by, job_runner
from laborgrid.core.models import Job
from laborgrid.core.scope import get_scope
from laborgrid.coverage import services
from laborgrid.coverage.choices import COUNTS, DEFINITIONS, Measure
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid

KIND = "coverage.export"
#: The export's time stamp is Beijing time whatever the server's zone (what the reader expects).
BEIJING = ZoneInfo("Asia/Shanghai")


def headers() -> list[str]:
    return [
        _("网格编码"),
        _("网格名称"),
        _("层级"),
        _("网格级别"),
        _("上级网格编码"),
        _("上级网格"),
        *(str(m.label) for m in COUNTS),
        str(Measure.RATE.label),
    ]


@job_runner(KIND)
def export_coverage(job: Job, progress: Progress) -> None:
    actor = job.actor
    code = (job.params or {}).get("grid", "")
    grid = Grid.objects.visible_to(actor, Cap.WORK_READ).filter(code=code).first()
    if grid is None or not get_scope(actor).has(Cap.WORK_READ):
        raise PermissionError("grid not visible to the job's owner")
    cov = services.coverage(grid, use_cache=False)
    nodes = list(cov.walk())
    progress.set_total(len(nodes))

    now = timezone.localtime(timezone.now(), BEIJING)
    who = exported_by(actor)
    title = _(
        "%(grid)s 底数覆盖情况（含全部下级网格，逐级汇总）　统计日期：%(day)s　"
        "导出时间：%(time)s（北京时间）　导出人：%(user)s"
    ) % {
        "grid": grid.name,
        "day": cov.today.isoformat(),
        "time": now.strftime("%Y-%m-%d %H:%M"),
        "user": who,
    }
    names = {n.grid.code: n.grid.name for n in nodes}
    # The root's parent lies outside the export: named only if the owner may see it.
    root_parent_name = (
        Grid.objects.visible_to(actor)
        .filter(code=grid.parent_id or "")
        .values_list("name", flat=True)
        .first()
        or ""
    )
    levels = {v: str(label) for v, label in GridLevel.choices}
    name = f"{grid.name}-{_('底数覆盖情况')}-{now.strftime('%Y%m%d-%H%M')}.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet(_("底数覆盖情况"))
        title_fmt = book.add_format({"bold": True, "font_size": 12})
        head_fmt = book.add_format(
            {"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True}
        )
        pct_fmt = book.add_format({"num_format": "0.0%"})
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 28)
        sheet.set_column(2, 3, 12)
        sheet.set_column(4, 4, 16)
        sheet.set_column(5, 5, 22)
        sheet.set_column(6, 6 + len(COUNTS), 12)
        sheet.write_string(0, 0, title, title_fmt)
        sheet.write_row(1, 0, headers(), head_fmt)
        sheet.freeze_panes(2, 2)
        row = 2
        for node in nodes:
            g = node.grid
            parent = g.parent_id or ""
            if g.path == grid.path and not root_parent_name:
                parent = ""
            texts = [
                g.code,
                g.name,
                levels.get(g.level, g.level),
                g.tier_label,
                parent,
                root_parent_name if g.path == grid.path else names.get(parent, ""),
            ]
            for col, text in enumerate(texts):
                if text:
                    sheet.write_string(row, col, str(text))
            col = 6
            for m in COUNTS:
                sheet.write_number(row, col, node.rolled.value(m) or 0)
                col += 1
            if node.rolled.rate is not None:
                sheet.write_number(row, col, node.rolled.rate, pct_fmt)
            row += 1
            progress.advance()

        notes = book.add_worksheet(_("指标说明"))
        notes.set_column(0, 0, 24)
        notes.set_column(1, 1, 90)
        notes.write_row(0, 0, [_("指标"), _("说明")], head_fmt)
        for i, measure in enumerate(Measure, start=1):
            notes.write_string(i, 0, str(measure.label))
            notes.write_string(i, 1, str(DEFINITIONS[measure]))
        book.close()
        progress.log(_("已导出 %(n)s 个网格的覆盖情况。") % {"n": len(nodes)})
        progress.save_result(path, name)
