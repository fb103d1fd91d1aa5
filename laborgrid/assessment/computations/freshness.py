"""数据更新及时率: the share of the grid's employers whose labour-use facts were collected within
six months before the day of reading (the registry's rule, ``employers.freshness``; the same
rule as coverage's 覆盖率, read from the snapshots so that a past year is judged as it was)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from laborgrid.assessment.indicators import Computation, Context, Point, register
from laborgrid.employers.freshness import STALE_AFTER_DAYS, stale_cutoff
from laborgrid.employers.models import Employer, LabourSnapshot

KEY = "freshness"


def points(ctx: Context) -> Iterator[Point]:
    cutoff = stale_cutoff(ctx.as_of)
    last = (
        LabourSnapshot.objects.filter(
            employer=OuterRef("pk"), withdrawn_at__isnull=True, collected_on__lte=ctx.as_of
        )
        .order_by()
        .values("employer")
        .annotate(m=Max("collected_on"))
        .values("m")
    )
    rows = (
        Employer.objects.current()
        .filter(grid_path__under=ctx.root.path)
        .annotate(last=Subquery(last))
        .values_list("pk", "name", "grid_path", "last")
        .order_by("grid_path", "pk")
    )
    for pk, name, grid_path, last_on in rows.iterator(chunk_size=2000):
        if last_on is None:
            outcome = "never"
        elif last_on < cutoff:
            outcome = "stale"
        else:
            outcome = "fresh"
        yield Point(
            grid_path=grid_path,
            good=outcome == "fresh",
            outcome=outcome,
            text=name,
            on=last_on,
            url=reverse("employers:employer_detail", args=[pk]),
            model="employers.employer",
            object_id=pk,
        )


def _rule_text() -> str:
    return gettext(
        "网格内（含下级网格）现有用人单位中，统计截止日前 %(days)s 天内采集过劳动用工信息的比例。"
    ) % {"days": STALE_AFTER_DAYS}


_rule = lazy(_rule_text, str)


def register_it() -> None:
    register(
        Computation(
            key=KEY,
            label=_("数据更新及时率"),
            rule=_rule(),
            grid_points=points,
            outcomes={
                "fresh": _("6个月内已采集"),
                "stale": _("超过6个月未更新"),
                "never": _("从未采集"),
            },
            default_weight=25,
        )
    )
