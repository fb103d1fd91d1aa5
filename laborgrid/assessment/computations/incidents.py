"""群体性事件按时报告率: of the report deadlines of mass incidents (首报、续报、终报, hour periods
set per level in ``laborgrid.incidents``: ``incidents.deadline_rules``) that fell due in the year,
the share reported on time. Judged as the general deadlines indicator judges an hour period
(``computations.deadlines.judge``: the moment counts); a report made late, or not made by its
moment, counts against. Per person: the staff who held a post on the incident's grid that day.

Not in a new year's default scheme (weight 0): a county chooses it where incidents are frequent
enough for a rate to mean something.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from laborgrid.assessment.computations.deadlines import deadline_points, staff_points
from laborgrid.assessment.indicators import Computation, Context, Point, register
from laborgrid.deadlines.models import Deadline
from laborgrid.deadlines.registry import kind_label
from laborgrid.incidents.deadline_rules import CONTINUING, FINAL, INITIAL

KEY = "incidents_reported"

OUTCOMES = {"met": _("按时报告"), "late": _("超时报告"), "overdue": _("超时未报告")}


def grid_points(ctx: Context) -> list[Point]:
    return deadline_points(ctx, Deadline.objects.filter(kind__in=[INITIAL, CONTINUING, FINAL]))


def person_points(ctx: Context) -> Iterator[Point]:
    return staff_points(ctx, grid_points(ctx))


def register_it() -> None:
    register(
        Computation(
            key=KEY,
            label=_("群体性事件按时报告率"),
            rule=_(
                "届满时间在本年度内的群体性事件首报、续报、终报期限中，按时报告的比例；超时报告或到时未报告的计为未达标。"
            ),
            grid_points=grid_points,
            person_points=person_points,
            outcomes=OUTCOMES,
            detail_label=kind_label,
        )
    )
