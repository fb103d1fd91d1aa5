"""Figures of construction projects and their wage-arrears ledger (在建工程项目、欠薪台账,
``laborgrid.projects``; issue 24).

* ``projects.period`` — projects registered in the period (the day they were entered, local
  time); arrears found in the period (``found_on``) and settled in the period. A ledger entry
  keeps its settlement cumulatively (the amount paid so far and the day of the last payment), so
  "settled in the period" is the settled amount of entries whose last payment falls in it — the
  projects ledger's own definition (``projects.selectors.ledger_rows``);
* ``projects.current`` — projects under construction (在建) today, and arrears still owed (amount
  less settled, entries not fully settled) with the workers concerned.

By the grid of the project site (a ledger entry carries its project's grid). Each figure links to
the project list or the ledger's entry list with the filters that select exactly the rows counted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborgrid.lib.periods import Period
from laborgrid.projects.choices import ProjectStatus
from laborgrid.projects.models import ArrearsEntry, Project
from laborgrid.projects.selectors import arrears_filter, outstanding
from laborgrid.reports.figures import (
    CURRENT,
    ITEMS,
    PEOPLE,
    PERIOD,
    YUAN,
    Figure,
    Section,
    Values,
    register_section,
    register_source,
)
from laborgrid.reports.sources.incidents import bounds


@cache
def _path(name: str) -> str:
    return reverse(name)


def listing(url_name: str, **params: str) -> Any:
    def url(grid: Any, period: Period) -> str:
        query = {"grid": grid.code}
        for k, v in params.items():
            query[k] = period.key if v == "{period}" else v
        return f"{_path(url_name)}?{urlencode(query)}"

    return url


def compute_period(root: str, period: Period, today: date) -> Values:
    out: Values = {}
    start, end = bounds(period)
    for row in (
        Project.objects.filter(grid_path__under=root, created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("grid_path")
        .annotate(n=Count("pk"))
    ):
        out.setdefault(row["grid_path"], {})["projects_registered"] = Decimal(row["n"])
    found, settled = arrears_filter(found=period), arrears_filter(settled=period)
    for row in (
        ArrearsEntry.objects.filter(grid_path__under=root)
        .filter(found | settled)
        .order_by()
        .values("grid_path")
        .annotate(
            found=Sum("amount", filter=found, default=Decimal(0)),
            settled=Sum("settled_amount", filter=settled, default=Decimal(0)),
        )
    ):
        values = out.setdefault(row["grid_path"], {})
        values["arrears_found"] = Decimal(row["found"])
        values["arrears_settled"] = Decimal(row["settled"])
    return out


def compute_current(root: str, period: Period, today: date) -> Values:
    out: Values = {}
    for row in (
        Project.objects.filter(grid_path__under=root, status=ProjectStatus.BUILDING)
        .order_by()
        .values("grid_path")
        .annotate(n=Count("pk"))
    ):
        out.setdefault(row["grid_path"], {})["projects_building"] = Decimal(row["n"])
    for row in (
        ArrearsEntry.objects.filter(grid_path__under=root)
        .filter(arrears_filter(open_only=True))
        .order_by()
        .values("grid_path")
        .annotate(owed=Sum(outstanding()), workers=Sum("workers"))
    ):
        values = out.setdefault(row["grid_path"], {})
        values["arrears_outstanding"] = Decimal(row["owed"] or 0)
        values["arrears_workers"] = Decimal(row["workers"] or 0)
    return out


def register() -> None:
    register_section(Section("projects", _("工程建设领域"), 50))
    register_source(
        "projects.period",
        timing=PERIOD,
        compute=compute_period,
        figures=[
            Figure(
                "projects_registered",
                _("登记在建工程项目"),
                ITEMS,
                PERIOD,
                "projects",
                listing("projects:project_list", registered="{period}"),
                _("本期内登记（录入或导入）的工程建设项目。"),
                order=10,
            ),
            Figure(
                "arrears_found",
                _("项目新增欠薪"),
                YUAN,
                PERIOD,
                "projects",
                listing("projects:arrears_list", found="{period}"),
                _("发现日期在本期内的欠薪台账金额。"),
                bad=True,
                order=30,
            ),
            Figure(
                "arrears_settled",
                _("项目欠薪已清偿"),
                YUAN,
                PERIOD,
                "projects",
                listing("projects:arrears_list", settled="{period}"),
                _(
                    "最近一次清偿日期在本期内的欠薪台账的累计清偿金额（与欠薪台账的月度统计口径一致）。"
                ),
                order=40,
            ),
        ],
    )
    register_source(
        "projects.current",
        timing=CURRENT,
        compute=compute_current,
        figures=[
            Figure(
                "projects_building",
                _("在建工程项目"),
                ITEMS,
                CURRENT,
                "projects",
                listing("projects:project_list", status=ProjectStatus.BUILDING),
                _("状态为在建的工程建设项目。"),
                order=20,
            ),
            Figure(
                "arrears_outstanding",
                _("项目欠薪未清偿"),
                YUAN,
                CURRENT,
                "projects",
                listing("projects:arrears_list", open="1"),
                _("欠薪台账中尚未全部清偿的欠薪金额（欠薪金额减已清偿金额）。"),
                bad=True,
                order=50,
            ),
            Figure(
                "arrears_workers",
                _("项目欠薪涉及人数"),
                PEOPLE,
                CURRENT,
                "projects",
                listing("projects:arrears_list", open="1"),
                _("尚未全部清偿的欠薪台账涉及的劳动者人数。"),
                on_map=False,
                order=60,
            ),
        ],
    )
