"""巡查计划完成率: of the employers in the squadrons' monthly patrol plans (``laborgrid.inspections``)
for the months of the year that have ended by the day of reading, the share visited — a concluded
on-site visit recorded against the plan's target. Draft plans are not counted (nobody was sent);
a month still running is not judged yet.

Per person: none (a plan is the squadron's; the visit's two inspectors are named on the visit,
linked from each point).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborgrid.assessment.indicators import Computation, Context, Point, register
from laborgrid.inspections.choices import PlanStatus, VisitStatus
from laborgrid.inspections.models import PatrolTarget

KEY = "patrols_done"

OUTCOMES = {"visited": _("已检查"), "missed": _("未检查")}


def _month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def grid_points(ctx: Context) -> Iterator[Point]:
    rows = (
        PatrolTarget.objects.filter(
            grid_path__under=ctx.root.path,
            plan__month__gte=ctx.start,
            plan__month__lte=ctx.end,
        )
        .exclude(plan__status=PlanStatus.DRAFT)
        .values_list(
            "pk",
            "grid_path",
            "plan_id",
            "plan__month",
            "plan__title",
            "employer__name",
            "visit_id",
            "visit__status",
            "visit__visited_on",
        )
        .order_by("grid_path", "plan__month", "pk")
    )
    for pk, path, plan_id, month, title, name, visit_id, status, visited_on in rows.iterator():
        end = _month_end(month)
        if end >= ctx.as_of:
            continue  # the month is not over: not judged yet
        done = visit_id is not None and status == VisitStatus.CONCLUDED
        if done:
            url = reverse("inspections:visit_detail", args=[visit_id])
            text = f"{title} · {name} · {visited_on:%Y-%m-%d} 检查"
        else:
            url = reverse("inspections:plan_detail", args=[plan_id])
            text = f"{title} · {name} · 未检查"
        yield Point(
            grid_path=path,
            good=done,
            outcome="visited" if done else "missed",
            text=text[:300],
            on=end,
            url=url,
            model="inspections.patroltarget",
            object_id=pk,
        )


def register_it() -> None:
    register(
        Computation(
            key=KEY,
            label=_("巡查计划完成率"),
            rule=_(
                "本年度已结束月份的巡视检查计划（不含编制中的计划）所列用人单位中，已完成现场检查的比例。"
            ),
            grid_points=grid_points,
            outcomes=OUTCOMES,
        )
    )
