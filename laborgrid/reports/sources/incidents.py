"""Figures of mass incidents (``laborgrid.incidents``).

* ``incidents.period`` — incidents that occurred in the period (local days), the people involved
  and the wages paid on the spot during their handling;
* ``incidents.current`` — incidents still being handled (not 已办结).

Each links to the incident list with the grid and period filters that select exactly the
incidents counted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.incidents.choices import IncidentStatus
from laborgrid.incidents.models import Incident
from laborgrid.lib.periods import Period
from laborgrid.reports.figures import (
    COUNT,
    CURRENT,
    PEOPLE,
    PERIOD,
    YUAN,
    Figure,
    Section,
    Values,
    register_section,
    register_source,
)


@cache
def _list_path() -> str:
    return reverse("incidents:incident_list")


def incident_list(**params: str) -> Any:
    def url(grid: Any, period: Period) -> str:
        query = {"grid": grid.code}
        for k, v in params.items():
            query[k] = period.key if v == "{period}" else v
        return f"{_list_path()}?{urlencode(query)}"

    return url


def bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period's local days as moments: [first day 00:00, day after the last 00:00)."""
    start, end = (
        timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        for day in (period.start, period.end + dt.timedelta(days=1))
    )
    return start, end


def compute_period(root: str, period: Period, today: dt.date) -> Values:
    start, end = bounds(period)
    rows = (
        Incident.objects.filter(grid_path__under=root, occurred_at__gte=start, occurred_at__lt=end)
        .order_by()
        .values("grid_path")
        .annotate(occurred=Count("pk"), people=Sum("people"), wages=Sum("wages_paid"))
    )
    return {
        row["grid_path"]: {
            f"incidents_{k}": Decimal(row[k] or 0) for k in ("occurred", "people", "wages")
        }
        for row in rows
    }


def compute_current(root: str, period: Period, today: dt.date) -> Values:
    rows = (
        Incident.objects.filter(grid_path__under=root)
        .exclude(status=IncidentStatus.CLOSED)
        .order_by()
        .values("grid_path")
        .annotate(active=Count("pk"))
    )
    return {row["grid_path"]: {"incidents_active": Decimal(row["active"])} for row in rows}


def register() -> None:
    register_section(Section("incidents", _("群体性事件"), 60))
    register_source(
        "incidents.period",
        timing=PERIOD,
        compute=compute_period,
        figures=[
            Figure(
                "incidents_occurred",
                _("发生群体性事件"),
                COUNT,
                PERIOD,
                "incidents",
                incident_list(status="all", occurred="{period}"),
                _("发生时间在本期内的群体性事件（按报告的发生时间）。"),
                bad=True,
                order=10,
            ),
            Figure(
                "incidents_people",
                _("群体性事件涉及人数"),
                PEOPLE,
                PERIOD,
                "incidents",
                incident_list(status="all", occurred="{period}"),
                _("本期发生的群体性事件报告的涉及人数之和。"),
                on_map=False,
                order=20,
            ),
            Figure(
                "incidents_wages",
                _("事件处置中支付工资"),
                YUAN,
                PERIOD,
                "incidents",
                incident_list(status="all", occurred="{period}"),
                _("本期发生的群体性事件在处置中当场支付的工资之和。"),
                on_map=False,
                order=30,
            ),
        ],
    )
    register_source(
        "incidents.current",
        timing=CURRENT,
        compute=compute_current,
        figures=[
            Figure(
                "incidents_active",
                _("处置中的群体性事件"),
                COUNT,
                CURRENT,
                "incidents",
                incident_list(status="open"),
                _("尚未办结的群体性事件（处置中或已平息）。"),
                in_return=False,
                bad=True,
                order=40,
            ),
        ],
    )
