"""验收达标率: the acceptance checklist of every 二级 and 三级 grid (office, signage, staff in
post per the plan's "1 + 2 / 2" norm, ``laborgrid.assessment.staffing``): three items per grid,
each passed or not. An office or sign the county has not checked for the year counts as not
passed. Not in the default scheme: the county adds it on the configuration page."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborgrid.assessment.choices import CheckItem
from laborgrid.assessment.indicators import Computation, Context, Point, register
from laborgrid.assessment.models import ChecklistCheck
from laborgrid.assessment.staffing import STAFF_NORMS, staffing
from laborgrid.grids.models import Grid

KEY = "acceptance"


def grid_points(ctx: Context) -> Iterator[Point]:
    grids = list(
        Grid.objects.filter(
            path__under=ctx.root.path, level__in=list(STAFF_NORMS), is_active=True
        ).order_by("path")
    )
    checks = {
        (c.grid_id, c.item): c
        for c in ChecklistCheck.objects.filter(
            grid_path__under=ctx.root.path, year=ctx.year, checked_on__lte=ctx.as_of
        )
    }
    staff = staffing(grids, ctx.as_of)
    for g in grids:
        url = reverse("assessment:checklist", args=[g.code]) + f"?year={ctx.year}"
        for item in CheckItem:
            check = checks.get((g.pk, item.value))
            if check is None:
                outcome = f"{item.value}_unchecked"
            else:
                outcome = f"{item.value}_{'passed' if check.passed else 'failed'}"
            yield Point(
                grid_path=g.path,
                good=outcome.endswith("_passed"),
                outcome=outcome,
                text=g.name,
                on=check.checked_on if check else None,
                url=url,
                model="assessment.checklistcheck" if check else "grids.grid",
                object_id=check.pk if check else g.pk,
            )
        met = staff[g.pk].met
        yield Point(
            grid_path=g.path,
            good=met,
            outcome="staff_met" if met else "staff_short",
            text=g.name,
            on=ctx.as_of,
            url=url,
            model="grids.grid",
            object_id=g.pk,
        )


def register_it() -> None:
    register(
        Computation(
            key=KEY,
            label=_("网格验收达标率"),
            rule=_(
                "二级、三级网格的验收项目（办公场所、标识标牌、人员在岗）中达标的比例；人员按“二级网格1名专职工作人员+2名协管员、三级网格2名协管员”计算，县局未检查的项目按未达标计。"
            ),
            grid_points=grid_points,
            outcomes={
                "office_passed": _("办公场所达标"),
                "office_failed": _("办公场所未达标"),
                "office_unchecked": _("办公场所未检查"),
                "signage_passed": _("标识标牌达标"),
                "signage_failed": _("标识标牌未达标"),
                "signage_unchecked": _("标识标牌未检查"),
                "staff_met": _("人员在岗达标"),
                "staff_short": _("人员在岗不足"),
            },
            default_weight=0,
        )
    )
