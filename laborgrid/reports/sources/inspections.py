"""Figures of on-site inspections and the orders to correct they lead to (issue 16 §5).

* ``inspections.period`` — visits concluded (现场检查, patrols and campaigns) with their visit date
  in the period, by the employer's grid;
* ``rectifications.period`` — orders to correct issued in the period, and orders closed as
  corrected (整改销号) in the period;
* ``rectifications.current`` — orders overdue today (the employer's period lapsed unanswered).

Each links to the list with the filters that select exactly the rows counted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborgrid.inspections.choices import VisitStatus
from laborgrid.inspections.models import Visit
from laborgrid.lib.periods import Period
from laborgrid.rectifications.choices import OrderState
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.reports.figures import (
    COUNT,
    CURRENT,
    PERIOD,
    Figure,
    Section,
    Values,
    register_section,
    register_source,
)


def _list(url_name: str, **params: str) -> Any:
    def url(grid: Any, period: Period) -> str:
        query = {"grid": grid.code}
        for k, v in params.items():
            query[k] = period.key if v == "{period}" else v
        return f"{reverse(url_name)}?{urlencode(query)}"

    return url


def compute_visits(root: str, period: Period, today: date) -> Values:
    rows = (
        Visit.objects.filter(
            grid_path__under=root,
            status=VisitStatus.CONCLUDED,
            visited_on__range=(period.start, period.end),
        )
        .order_by()
        .values("grid_path")
        .annotate(n=Count("pk"))
    )
    return {row["grid_path"]: {"visits_done": Decimal(row["n"])} for row in rows}


def compute_orders(root: str, period: Period, today: date) -> Values:
    r = (period.start, period.end)
    issued, closed = Q(issued_on__range=r), Q(state=OrderState.CLOSED, closed_on__range=r)
    rows = (
        RectificationOrder.objects.filter(grid_path__under=root)
        .filter(issued | closed)
        .order_by()
        .values("grid_path")
        .annotate(issued=Count("pk", filter=issued), closed=Count("pk", filter=closed))
    )
    return {
        row["grid_path"]: {
            "orders_issued": Decimal(row["issued"]),
            "orders_corrected": Decimal(row["closed"]),
        }
        for row in rows
    }


def compute_overdue(root: str, period: Period, today: date) -> Values:
    rows = (
        RectificationOrder.objects.filter(grid_path__under=root)
        .overdue(today)
        .order_by()
        .values("grid_path")
        .annotate(n=Count("pk"))
    )
    return {row["grid_path"]: {"orders_overdue": Decimal(row["n"])} for row in rows}


def register() -> None:
    register_section(Section("inspections", _("监察检查和责令改正"), 25))
    register_source(
        "inspections.period",
        timing=PERIOD,
        compute=compute_visits,
        figures=[
            Figure(
                "visits_done",
                _("现场检查"),
                COUNT,
                PERIOD,
                "inspections",
                _list("inspections:visit_list", status=VisitStatus.CONCLUDED, visited="{period}"),
                _("检查日期在本期内、已由监察员确认的现场检查（日常巡视和专项检查）。"),
                order=10,
            )
        ],
    )
    register_source(
        "rectifications.period",
        timing=PERIOD,
        compute=compute_orders,
        figures=[
            Figure(
                "orders_issued",
                _("下达责令改正指令书"),
                COUNT,
                PERIOD,
                "inspections",
                _list("rectifications:order_list", issued="{period}"),
                _("下达日期在本期内的责令改正指令书。"),
                order=20,
            ),
            Figure(
                "orders_corrected",
                _("整改销号"),
                COUNT,
                PERIOD,
                "inspections",
                _list("rectifications:order_list", state=OrderState.CLOSED, closed="{period}"),
                _("复查已改正、销号日期在本期内的责令改正指令书。"),
                order=30,
            ),
        ],
    )
    register_source(
        "rectifications.current",
        timing=CURRENT,
        compute=compute_overdue,
        figures=[
            Figure(
                "orders_overdue",
                _("逾期未改正"),
                COUNT,
                CURRENT,
                "inspections",
                _list("rectifications:order_list", state=OrderState.OPEN, overdue="1"),
                _("整改期限已过而单位尚未回复的责令改正指令书。"),
                in_return=False,
                bad=True,
                order=40,
            )
        ],
    )
