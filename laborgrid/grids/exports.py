"""网格及责任人名册: the grid subtree with its responsible staff, as an XLSX workbook.

The roster counties post and send upward (网格定位、人员定格、责任到人). Written row by row with
xlsxwriter's constant-memory mode, so the whole of China exports without holding it in memory.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

import xlsxwriter
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import STAFF_ROLES, Role
from laborgrid.core.jobs import Progress, job_runner
from laborgrid.core.models import Job
from laborgrid.grids.models import Grid

BATCH = 2000


def _boundary_label(g: Grid) -> str:
    if not getattr(g, "has_boundary", False):
        return _("未导入")
    return _("示意边界（非真实）") if g.boundary_synthetic else _("已导入")


@job_runner("grids.export")
def export_grids(job: Job, progress: Progress) -> None:
    root = Grid.objects.visible_to(job.actor).filter(code=job.params["grid"]).first()
    if root is None:
        raise PermissionError("grid not visible to the job's owner")
    grids = Grid.objects.filter(path__under=root.path, is_active=True).order_by("path")
    progress.set_total(grids.count())
    headers = [
        _("网格编码"),
        _("网格名称"),
        _("层级"),
        _("网格级别"),
        _("上级网格编码"),
        _("上级网格"),
        _("责任人"),
        _("工作电话"),
        _("岗位"),
        _("责任分工"),
        _("边界"),
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{root.name}-{_('网格及责任人名册')}-{stamp}.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet(_("网格名册"))
        bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
        sheet.write_row(0, 0, headers, bold)
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 28)
        sheet.set_column(5, 5, 22)
        sheet.set_column(6, 9, 14)
        sheet.freeze_panes(1, 0)
        row = 1
        names: dict[str, str] = {}
        batch: list[Grid] = []

        def flush(batch: list[Grid]) -> int:
            nonlocal row
            staff: dict[int, list[GridAssignment]] = defaultdict(list)
            for a in (
                GridAssignment.objects.current()
                .filter(grid__in=batch, role__in=(*STAFF_ROLES, Role.LEADER), user__is_active=True)
                .select_related("user")
                .order_by("role", "user__full_name")
            ):
                staff[a.grid_id].append(a)
            for g in batch:
                names[g.code] = g.name
                people: list[GridAssignment | None] = list(staff[g.pk]) or [None]
                for person in people:
                    sheet.write_row(
                        row,
                        0,
                        [
                            g.code,
                            g.name,
                            g.get_level_display(),
                            g.tier_label,
                            g.parent_id or "",
                            names.get(g.parent_id or "", ""),
                            person.user.display_name if person else _("未配备"),
                            person.user.phone if person else "",
                            person.get_role_display() if person else "",
                            person.duty if person else "",
                            _boundary_label(g),
                        ],
                    )
                    row += 1
            return len(batch)

        rows = grids.defer("boundary").annotate(
            has_boundary=ExpressionWrapper(Q(boundary__isnull=False), output_field=BooleanField())
        )
        for grid in rows.iterator(chunk_size=BATCH):
            batch.append(grid)
            if len(batch) >= BATCH:
                progress.advance(flush(batch))
                batch = []
        if batch:
            progress.advance(flush(batch))
        book.close()
        progress.save_result(path, name)
