"""Risk factors that propose patrol targets (issue 16 §1): a small registry, data + functions.

A factor is a condition on ``employers.Employer`` (a ``Q`` built for a day), a weight that orders
the proposals, and whether it puts the employer on the high-risk cycle (``CycleConfig``: e.g.
quarterly instead of yearly). This module registers the factors built from facts the platform
already has; a later app registers its own from its ``AppConfig.ready()`` without this app knowing
it (the integrity grading: ``register_factor(RiskFactor("grade_c", _("诚信等级C级"), 5, True,
lambda today: Q(...)))``)::

    from laborgrid.inspections.risk import RiskFactor, register_factor

The proposals and the coverage of a plan annotate every factor in one query
(:func:`annotate_risk`): ``rf_<key>`` booleans, ``risk_score`` and ``risk_high``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from laborgrid.employers.freshness import stale_cutoff


@dataclass(frozen=True)
class RiskFactor:
    key: str  # a short stable code (stored with each plan target)
    label: Promise | str
    weight: int  # orders the proposals (higher first)
    high_risk: bool  # puts the employer on the high-risk cycle
    condition: Callable[[date], Q]  # a condition on Employer for ``today``


_FACTORS: dict[str, RiskFactor] = {}


def register_factor(factor: RiskFactor) -> RiskFactor:
    """Add a factor (a second registration under the same key is ignored: reloading is harmless)."""
    _FACTORS.setdefault(factor.key, factor)
    return factor


def factors() -> list[RiskFactor]:
    return list(_FACTORS.values())


def label(key: str) -> str:
    f = _FACTORS.get(key)
    return str(f.label) if f else key


def labels(keys: Iterable[str]) -> list[str]:
    return [label(k) for k in keys]


def annotate_risk(qs: QuerySet[Any], today: date) -> QuerySet[Any]:
    """Each factor as ``rf_<key>``, the sum of the weights met as ``risk_score`` and whether any
    high-risk factor is met as ``risk_high``."""
    ann: dict[str, Any] = {}
    for f in factors():
        ann[f"rf_{f.key}"] = Case(
            When(f.condition(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    qs = qs.annotate(**ann)
    score: Any = Value(0)
    high = Q(pk__in=[])
    for f in factors():
        score = score + Case(
            When(**{f"rf_{f.key}": True}, then=Value(f.weight)),
            default=Value(0),
            output_field=IntegerField(),
        )
        if f.high_risk:
            high |= Q(**{f"rf_{f.key}": True})
    return qs.annotate(
        risk_score=Coalesce(score, Value(0), output_field=IntegerField()),
        risk_high=Case(
            When(high, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    )


def reasons_of(row: Any) -> list[str]:
    """The keys of the factors an annotated row meets, heaviest first."""
    met = [f for f in factors() if getattr(row, f"rf_{f.key}", False)]
    return [f.key for f in sorted(met, key=lambda f: -f.weight)]


def high_risk_industries() -> tuple[str, ...]:
    """GB/T 4754 sections treated as a risk (setting ``LABORGRID_INSPECTION_RISK_INDUSTRIES``;
    default construction and manufacturing, where wage arrears concentrate)."""
    return tuple(getattr(settings, "LABORGRID_INSPECTION_RISK_INDUSTRIES", ("E", "C")))


# --- the factors built from the platform's own facts -------------------------------------------


def _complaints(today: date) -> Q:
    from laborgrid.cases.models import Case as CaseModel

    since = today - timedelta(days=365)
    return Q(Exists(CaseModel.objects.filter(employer=OuterRef("pk"), received_on__gte=since)))


def _never_visited(today: date) -> Q:
    from laborgrid.inspections.choices import VisitStatus
    from laborgrid.inspections.models import Visit

    return ~Q(Exists(Visit.objects.filter(employer=OuterRef("pk"), status=VisitStatus.CONCLUDED)))


def _stale(today: date) -> Q:
    return Q(last_collected_on__isnull=True) | Q(last_collected_on__lt=stale_cutoff(today))


register_factor(RiskFactor("arrears", _("拖欠工资"), 5, True, lambda today: Q(flag_arrears=True)))
register_factor(RiskFactor("complaints", _("近12个月有投诉举报"), 4, True, _complaints))
register_factor(
    RiskFactor("below_min_wage", _("低于最低工资"), 4, True, lambda t: Q(flag_below_min_wage=True))
)
register_factor(
    RiskFactor("no_contracts", _("未签劳动合同"), 3, True, lambda t: Q(flag_no_contracts=True))
)
register_factor(
    RiskFactor("uninsured", _("未参加社会保险"), 2, False, lambda t: Q(flag_uninsured=True))
)
register_factor(RiskFactor("never_visited", _("从未检查"), 2, False, _never_visited))
register_factor(RiskFactor("stale", _("用工信息过期"), 1, False, _stale))
register_factor(
    RiskFactor(
        "industry",
        _("重点行业"),
        1,
        False,
        lambda t: Q(industry__in=high_risk_industries()),
    )
)
