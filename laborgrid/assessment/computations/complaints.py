"""投诉按期办结率: of the complaints (投诉, not reports or referrals) whose investigation period
(劳动保障监察条例第十七条: 60 working days from filing, extended by 30 with approval; the
deadline engine's ``investigation`` deadline, the extended one when it was extended) fell due in
the year, the share whose investigation was concluded in time. A complaint refused or redirected
before filing has no investigation period and is not counted."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from laborgrid.assessment.computations.deadlines import OUTCOMES, deadline_points
from laborgrid.assessment.indicators import Computation, Context, Point, register
from laborgrid.cases.choices import CaseKind, DeadlineKind
from laborgrid.cases.models import Case
from laborgrid.deadlines.models import Deadline

KEY = "complaints_on_time"


def grid_points(ctx: Context) -> list[Point]:
    complaints = Case.objects.filter(
        kind=CaseKind.COMPLAINT, grid_path__under=ctx.root.path
    ).values("pk")
    qs = Deadline.objects.for_model(Case).filter(
        kind=str(DeadlineKind.INVESTIGATION), object_id__in=complaints
    )
    points = deadline_points(ctx, qs)
    for p in points:
        p.detail = ""
    return points


def register_it() -> None:
    register(
        Computation(
            key=KEY,
            label=_("投诉按期办结率"),
            rule=_(
                "调查期限（立案之日起60个工作日，经批准延长的按延长后的期限）届满日在本年度内的投诉案件中，在期限内调查终结的比例。"
            ),
            grid_points=grid_points,
            outcomes=OUTCOMES,
            default_weight=30,
        )
    )
