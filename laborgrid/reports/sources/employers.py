"""Figures of the employer registry: the base (底数), its coverage, and employers at risk.

One grouped query over the subtree's current employers (not merged into another record), the
same rules as the coverage pages and the employer list:

* ``total``; ``fresh`` (collected within 183 days); ``never`` (never collected); ``stale``
  (collected, but more than 183 days ago — the coverage page's 超过6个月未更新);
* coverage % = fresh / total (derived, never summed);
* the four risk flags copied from the latest facts (拖欠工资, 未签劳动合同, 低于最低工资,
  未参加社会保险), each the employer list's ``flag`` filter.

These are states today (``CURRENT``). The returns show them as of the day they were drafted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborgrid.employers.freshness import stale_cutoff
from laborgrid.employers.models import Employer
from laborgrid.lib.periods import Period
from laborgrid.reports.figures import (
    CURRENT,
    EMPLOYERS,
    PERCENT,
    Figure,
    Section,
    Values,
    register_section,
    register_source,
)

FLAGS = {
    "arrears": ("flag_arrears", _("拖欠工资的单位")),
    "no_contracts": ("flag_no_contracts", _("未签劳动合同的单位")),
    "below_min_wage": ("flag_below_min_wage", _("低于最低工资的单位")),
    "uninsured": ("flag_uninsured", _("未参加社会保险的单位")),
}


@cache
def _employer_list_path() -> str:
    return reverse("employers:employer_list")


def employer_list(**params: str) -> Any:
    def url(grid: Any, period: Period) -> str:
        return f"{_employer_list_path()}?{urlencode({'grid': grid.code, **params})}"

    return url


def coverage_list(kind: str | None) -> Any:
    def url(grid: Any, period: Period) -> str:
        if kind is None:
            return reverse("coverage:coverage_detail", args=[grid.code])
        return reverse("coverage:gap_list", args=[grid.code, kind])

    return url


def compute(root: str, period: Period, today: date) -> Values:
    cutoff = stale_cutoff(today)
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "fresh": Count("pk", filter=Q(last_collected_on__gte=cutoff)),
        "never": Count("pk", filter=Q(last_collected_on__isnull=True)),
        "stale": Count("pk", filter=Q(last_collected_on__lt=cutoff)),
        **{k: Count("pk", filter=Q(**{column: True})) for k, (column, _l) in FLAGS.items()},
    }
    rows = (
        Employer.objects.filter(grid_path__under=root, merged_into__isnull=True)
        .order_by()
        .values("grid_path")
        .annotate(**aggregates)
    )
    return {
        row["grid_path"]: {f"employers_{k}": Decimal(row[k]) for k in aggregates} for row in rows
    }


def register() -> None:
    register_section(Section("employers", _("用人单位底数"), 30))
    register_section(Section("risk", _("存在风险的用人单位"), 40))
    register_source(
        "employers",
        timing=CURRENT,
        compute=compute,
        figures=[
            Figure(
                "employers_total",
                _("用人单位总数"),
                EMPLOYERS,
                CURRENT,
                "employers",
                employer_list(),
                _("名录中的用人单位（不含已并入其他记录的）。"),
                order=10,
            ),
            Figure(
                "employers_fresh",
                _("6个月内已采集"),
                EMPLOYERS,
                CURRENT,
                "employers",
                coverage_list("fresh"),
                on_map=False,
                order=20,
            ),
            Figure(
                "employers_coverage",
                _("覆盖率"),
                PERCENT,
                CURRENT,
                "employers",
                coverage_list(None),
                _("6个月内已采集的单位占单位总数的比例。"),
                ratio=("employers_fresh", "employers_total"),
                order=30,
            ),
            Figure(
                "employers_never",
                _("从未采集"),
                EMPLOYERS,
                CURRENT,
                "employers",
                employer_list(flag="never_collected"),
                bad=True,
                order=40,
            ),
            Figure(
                "employers_stale",
                _("超过6个月未更新"),
                EMPLOYERS,
                CURRENT,
                "employers",
                coverage_list("stale"),
                _("采集过，但最近一次采集早于183天前。"),
                bad=True,
                order=50,
            ),
            *(
                Figure(
                    f"employers_{key}",
                    label,
                    EMPLOYERS,
                    CURRENT,
                    "risk",
                    employer_list(flag=key),
                    bad=True,
                    order=10 + i,
                )
                for i, (key, (_c, label)) in enumerate(FLAGS.items())
            ),
        ],
    )
