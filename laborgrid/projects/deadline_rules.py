"""The obligations' deadlines in the deadline engine (``laborgrid.deadlines``; working days through
``laborgrid.workdays``). One kind per obligation; each obligation row has one deadline.

* 工资专用账户 (Art. 26) and 维权信息告示牌 (Art. 34): in place when works start (the account
  receives the first month's labour cost, Art. 29; the board informs the workers from day one).
  The 人社部发〔2021〕53号 deadline for opening the account was not confirmed (DOMAIN B4.4), so
  the start of works is used, counted in calendar days (0: the start day itself).
* 工资保证金 (Art. 32): within 20 working days of the start of works (人社部发〔2021〕65号).
* 人工费用 (Art. 24: the cycle may not exceed one month): by the last day of the month.
* 实名制月度花名册 (Art. 28) and 工资支付表 (Art. 31, monthly): within 10 working days after the
  month ends (laborgrid's period: the 条例 sets none; the county may tighten it in code review).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db.models import QuerySet

from laborgrid.deadlines.choices import Unit
from laborgrid.deadlines.registry import register_kind, register_subject
from laborgrid.projects.choices import ARTICLE, ObligationKind

DEPOSIT_WORKING_DAYS = 20
MONTHLY_WORKING_DAYS = 10

KINDS: dict[str, tuple[int, str, str]] = {
    ObligationKind.WAGE_ACCOUNT: (0, Unit.CALENDAR, ARTICLE[ObligationKind.WAGE_ACCOUNT]),
    ObligationKind.RIGHTS_BOARD: (0, Unit.CALENDAR, ARTICLE[ObligationKind.RIGHTS_BOARD]),
    ObligationKind.WAGE_DEPOSIT: (
        DEPOSIT_WORKING_DAYS,
        Unit.WORKING,
        ARTICLE[ObligationKind.WAGE_DEPOSIT] + "；《工程建设领域农民工工资保证金规定》",
    ),
    ObligationKind.LABOUR_COST: (30, Unit.CALENDAR, ARTICLE[ObligationKind.LABOUR_COST]),
    ObligationKind.REAL_NAME: (
        MONTHLY_WORKING_DAYS,
        Unit.WORKING,
        ARTICLE[ObligationKind.REAL_NAME],
    ),
    ObligationKind.PAY_SHEET: (
        MONTHLY_WORKING_DAYS,
        Unit.WORKING,
        ARTICLE[ObligationKind.PAY_SHEET],
    ),
}


def kind_key(kind: str) -> str:
    return f"projects.{kind}"


def start_and_amount(
    kind: str, project_start: dt.date, month: dt.date | None
) -> tuple[dt.date, int]:
    """Where the obligation's period starts and how long it is (the rule's unit)."""
    amount = KINDS[kind][0]
    if month is None:
        return project_start, amount
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    if kind == ObligationKind.LABOUR_COST:
        # by the month's last day: the period runs from the day before the month starts
        start = month - dt.timedelta(days=1)
        return start, (last - start).days
    return last, amount


def _describe(ob: Any) -> str:
    label = ObligationKind(ob.kind).label
    month = f" {ob.month:%Y-%m}" if ob.month else ""
    return f"{ob.project.name} · {label}{month}"


def _url(ob: Any) -> str:
    return str(ob.get_absolute_url())


def _queryset() -> QuerySet[Any]:
    from laborgrid.projects.models import Obligation

    return Obligation.objects.select_related("project").only(
        "id", "kind", "month", "project__id", "project__name"
    )


def recomputed(ids: list[int]) -> None:
    """The calendar moved some due dates: copy them onto the obligations."""
    from laborgrid.deadlines.models import Deadline
    from laborgrid.projects.models import Obligation

    for ob in Obligation.objects.filter(pk__in=ids):
        d = (
            Deadline.objects.for_object(ob)
            .filter(voided=False)
            .order_by("-created_at")
            .values_list("due", flat=True)
            .first()
        )
        if d is not None:
            Obligation.objects.filter(pk=ob.pk).update(due=d)


def register() -> None:
    from laborgrid.projects.models import Obligation

    register_subject(
        Obligation, describe=_describe, url=_url, queryset=_queryset, on_recomputed=recomputed
    )
    for kind, (amount, unit, basis) in KINDS.items():
        register_kind(
            kind_key(kind),
            model=Obligation,
            label=ObligationKind(kind).label,
            amount=amount,
            unit=unit,
            basis=basis,
        )


__all__ = ["kind_key", "register", "start_and_amount"]
