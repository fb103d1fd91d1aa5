"""Figures of the cases flow (complaints, reports, referrals, inspection findings).

Two sources, one grouped query each over the subtree's cases:

* ``cases.period`` — received (and by kind), filed, decided, closed in the period; wages
  recovered, workers helped (cases closed in the period) and penalties (decided in the period);
* ``cases.current`` — open cases, overdue among them (a pending deadline past due: the list's
  ``overdue`` filter), 挂牌督办 among them.

Each links to the case list with the filters that select exactly the cases counted (the list's
period filters ``received`` / ``filed`` / ``decided`` / ``closed`` take the period's key).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborgrid.cases.choices import OPEN_STATES, CaseKind
from laborgrid.cases.models import Case
from laborgrid.cases.querysets import overdue_q
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
def _case_list_path() -> str:
    """Reversed once: a dashboard links hundreds of cells to this list."""
    return reverse("cases:case_list")


def case_list(**params: str) -> Any:
    def url(grid: Any, period: Period) -> str:
        query = {"grid": grid.code}
        for k, v in params.items():
            query[k] = period.key if v == "{period}" else v
        return f"{_case_list_path()}?{urlencode(query)}"

    return url


def _range(period: Period) -> tuple[date, date]:
    return (period.start, period.end)


def compute_period(root: str, period: Period, today: date) -> Values:
    r = _range(period)
    received, filed = Q(received_on__range=r), Q(filed_on__range=r)
    decided, closed = Q(decided_on__range=r), Q(closed_on__range=r)
    aggregates: dict[str, Any] = {
        "received": Count("pk", filter=received),
        "filed": Count("pk", filter=filed),
        "closed": Count("pk", filter=closed),
        "wages": Sum("amount_recovered", filter=closed),
        "workers": Sum("workers_helped", filter=closed),
        "penalties": Sum("penalty_amount", filter=decided),
        **{f"received_{k}": Count("pk", filter=received & Q(kind=k)) for k in CaseKind.values},
    }
    rows = (
        Case.objects.filter(grid_path__under=root)
        .filter(received | filed | decided | closed)
        .order_by()
        .values("grid_path")
        .annotate(**aggregates)
    )
    return {
        row["grid_path"]: {f"cases_{k}": Decimal(row[k] or 0) for k in aggregates} for row in rows
    }


def compute_current(root: str, period: Period, today: date) -> Values:
    rows = (
        Case.objects.filter(grid_path__under=root, state__in=OPEN_STATES)
        .order_by()
        .values("grid_path")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(overdue_q())),
            escalated=Count("pk", filter=Q(escalated=True)),
        )
    )
    return {
        row["grid_path"]: {f"cases_{k}": Decimal(row[k]) for k in ("open", "overdue", "escalated")}
        for row in rows
    }


KIND_LABELS = {
    CaseKind.COMPLAINT: _("其中：投诉"),
    CaseKind.REPORT: _("其中：举报"),
    CaseKind.REFERRAL: _("其中：转办线索"),
    CaseKind.INSPECTION: _("其中：检查发现"),
}


def register() -> None:
    register_section(Section("cases", _("投诉举报案件"), 10))
    register_section(Section("outcome", _("办案成效"), 20))
    register_source(
        "cases.period",
        timing=PERIOD,
        compute=compute_period,
        figures=[
            Figure(
                "cases_received",
                _("收到投诉举报"),
                COUNT,
                PERIOD,
                "cases",
                case_list(received="{period}"),
                _("收到日期在本期内的投诉、举报、转办线索和检查发现（含已并案的重复件）。"),
                order=10,
            ),
            *(
                Figure(
                    f"cases_received_{kind}",
                    label,
                    COUNT,
                    PERIOD,
                    "cases",
                    case_list(received="{period}", kind=kind),
                    on_map=False,
                    order=11 + i,
                )
                for i, (kind, label) in enumerate(KIND_LABELS.items())
            ),
            Figure(
                "cases_filed",
                _("立案案件"),
                COUNT,
                PERIOD,
                "cases",
                case_list(filed="{period}"),
                _("立案日期在本期内的案件。"),
                order=20,
            ),
            Figure(
                "cases_closed",
                _("结案案件"),
                COUNT,
                PERIOD,
                "cases",
                case_list(closed="{period}"),
                _("结案日期在本期内的案件。"),
                order=30,
            ),
            Figure(
                "cases_wages",
                _("追回工资待遇"),
                YUAN,
                PERIOD,
                "outcome",
                case_list(closed="{period}"),
                _("本期结案案件的追回金额之和。"),
                order=10,
            ),
            Figure(
                "cases_workers",
                _("维权劳动者人数"),
                PEOPLE,
                PERIOD,
                "outcome",
                case_list(closed="{period}"),
                _("本期结案案件的维权劳动者人数之和。"),
                order=20,
            ),
            Figure(
                "cases_penalties",
                _("罚款金额"),
                YUAN,
                PERIOD,
                "outcome",
                case_list(decided="{period}"),
                _("决定日期在本期内的案件的罚款金额之和。"),
                order=30,
            ),
        ],
    )
    register_source(
        "cases.current",
        timing=CURRENT,
        compute=compute_current,
        figures=[
            Figure(
                "cases_open",
                _("在办案件"),
                COUNT,
                CURRENT,
                "cases",
                case_list(state="open"),
                _("尚未结案、归档、不予受理或告知其他途径的案件。"),
                in_return=False,
                order=40,
            ),
            Figure(
                "cases_overdue",
                _("超期案件"),
                COUNT,
                CURRENT,
                "cases",
                case_list(state="open", overdue="1"),
                _("在办案件中有期限已过而未完成的。"),
                in_return=False,
                bad=True,
                order=50,
            ),
            Figure(
                "cases_escalated",
                _("挂牌督办案件"),
                COUNT,
                CURRENT,
                "cases",
                case_list(state="open", escalated="1"),
                _("在办案件中已挂牌督办的。"),
                in_return=False,
                bad=True,
                order=60,
            ),
        ],
    )
