"""The early warning of a project's missing duties: the incidents app's rule registry and its
``compute_warnings`` run (欠薪预警, 条例 Art. 38) — not a second warning mechanism.

One warning per project and duty (``project:<id>:<kind>``), standing on the general contractor,
counting the overdue months for the monthly duties. The rule's ``threshold`` is the number of
overdue items (months) it takes; its window is not used (an overdue duty stays overdue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from laborgrid.incidents.models import WarningRule
from laborgrid.incidents.warning_rules import Finding, register_rule

RULE_KEY = "project_obligations"


def subject_key(project_id: int, kind: str) -> str:
    return f"project:{project_id}:{kind}"


def overdue_obligations(rule: WarningRule, today: dt.date) -> list[Finding]:
    """Obligations of projects under way whose deadline has passed without evidence."""
    from laborgrid.projects.choices import ACTIVE_STATUSES, ObligationKind
    from laborgrid.projects.models import Obligation

    groups: dict[tuple[int, str], dict[str, Any]] = {}
    for pk, project_id, kind, due, month, name, emp_id, grid_id, path in (
        Obligation.objects.filter(
            met_on__isnull=True,
            due__lt=today,
            project__status__in=list(ACTIVE_STATUSES),
        )
        .values_list(
            "pk",
            "project_id",
            "kind",
            "due",
            "month",
            "project__name",
            "project__general_contractor_id",
            "project__grid_id",
            "project__grid_path",
        )
        .order_by("due", "pk")
    ):
        g = groups.setdefault(
            (project_id, kind),
            {"name": name, "emp": emp_id, "grid": grid_id, "path": path, "ids": [], "months": []},
        )
        g["ids"].append(pk)
        g["latest"] = due
        if month is not None:
            g["months"].append(month.strftime("%Y-%m"))
    return [
        Finding(
            subject_key=subject_key(project_id, kind),
            subject_name=f"{g['name']} · {ObligationKind(kind).label}"[:200],
            grid_id=g["grid"],
            grid_path=g["path"],
            employer_id=g["emp"],
            count=len(g["ids"]),
            latest=g["latest"],
            evidence={
                "project": project_id,
                "obligation": kind,
                "obligations": g["ids"][-24:],
                "months": g["months"][-24:],
            },
        )
        for (project_id, kind), g in groups.items()
        if len(g["ids"]) >= rule.threshold
    ]


register_rule(
    RULE_KEY,
    label=_("在建项目工资保障制度未落实"),
    description=_(
        "在建工程项目的农民工工资专用账户、工资保证金、维权信息告示牌、实名制花名册、"
        "人工费用拨付或工资支付表逾期未落实（保障农民工工资支付条例第四章）。"
    ),
    find=overdue_obligations,
    uses=("threshold",),
)
