"""The visiting cycle (issue 16 §1) and what it says about a grid: which employers are due, which
are covered, and the risk-ordered proposals for a plan."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery

from laborgrid.core.paths import path_codes
from laborgrid.employers.choices import EmployerStatus
from laborgrid.employers.models import Employer
from laborgrid.inspections import risk
from laborgrid.inspections.choices import VisitStatus
from laborgrid.inspections.models import CycleConfig, PatrolPlan, PatrolTarget, Visit

#: Employers that can be visited (a deregistered, revoked or moved-out one cannot).
ACTIVE = (EmployerStatus.OPERATING, EmployerStatus.SUSPENDED)
PROPOSALS = 100


@dataclass(frozen=True)
class Cycle:
    high_risk_months: int
    other_months: int
    config: CycleConfig | None = None


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (negative: back), the day clipped to the month's length."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cycle_for(grid_path: str) -> Cycle:
    """The nearest setting at or above the grid, else ``LABORGRID_INSPECTION_CYCLE`` (3, 12)."""
    codes = path_codes(grid_path)
    found = {
        c.grid.code: c
        for c in CycleConfig.objects.filter(grid__code__in=codes).select_related("grid")
    }
    for code in reversed(codes):
        if code in found:
            c = found[code]
            return Cycle(c.high_risk_months, c.other_months, c)
    high, other = getattr(settings, "LABORGRID_INSPECTION_CYCLE", (3, 12))
    return Cycle(int(high), int(other))


def employers_under(path: str) -> QuerySet[Employer]:
    return Employer.objects.filter(
        grid_path__under=path, status__in=ACTIVE, merged_into__isnull=True
    )


def with_cycle(qs: QuerySet[Employer], cycle: Cycle, today: date) -> QuerySet[Any]:
    """Annotate the risk factors, the last concluded visit and ``covered`` conditions."""
    last = (
        Visit.objects.filter(employer=OuterRef("pk"), status=VisitStatus.CONCLUDED)
        .order_by()
        .values("employer")
        .annotate(m=Max("visited_on"))
        .values("m")
    )
    return risk.annotate_risk(qs, today).annotate(last_visit=Subquery(last))


def covered_q(cycle: Cycle, today: date) -> Q:
    """Visited within its cycle (high-risk: the shorter one)."""
    return Q(risk_high=True, last_visit__gte=add_months(today, -cycle.high_risk_months)) | Q(
        risk_high=False, last_visit__gte=add_months(today, -cycle.other_months)
    )


def due_q(cycle: Cycle, today: date) -> Q:
    """Never visited, or last visited before its cycle began (written out, not ``~covered_q``:
    a NULL last visit would make the negation unknown in SQL)."""
    return (
        Q(last_visit__isnull=True)
        | Q(risk_high=True, last_visit__lt=add_months(today, -cycle.high_risk_months))
        | Q(risk_high=False, last_visit__lt=add_months(today, -cycle.other_months))
    )


@dataclass(frozen=True)
class Coverage:
    total: int
    high_risk: int
    covered: int
    planned: int
    due: int  # neither covered nor planned
    cycle: Cycle

    @property
    def percent(self) -> int:
        return round(100 * (self.covered + self.planned) / self.total) if self.total else 100


def plan_coverage(plan: PatrolPlan, today: date) -> Coverage:
    """How much of the cycle the grid has covered: employers visited within their cycle, those the
    plan still has to visit, and those due and not planned. One query."""
    cycle = cycle_for(plan.grid_path)
    qs = with_cycle(employers_under(plan.grid_path), cycle, today).annotate(
        in_plan=Exists(
            PatrolTarget.objects.filter(plan=plan, employer=OuterRef("pk"), visit__isnull=True)
        )
    )
    cov = covered_q(cycle, today)
    agg = qs.aggregate(
        total=Count("pk"),
        high=Count("pk", filter=Q(risk_high=True)),
        covered=Count("pk", filter=cov),
        planned=Count("pk", filter=Q(in_plan=True) & due_q(cycle, today)),
    )
    due = agg["total"] - agg["covered"] - agg["planned"]
    return Coverage(agg["total"], agg["high"], agg["covered"], agg["planned"], due, cycle)


def proposals(plan: PatrolPlan, today: date, limit: int = PROPOSALS) -> list[Any]:
    """Employers of the plan's grid that are due in their cycle and not in the plan, heaviest
    risk first, then the longest unvisited; each with ``reasons`` (factor keys)."""
    cycle = cycle_for(plan.grid_path)
    qs = (
        with_cycle(employers_under(plan.grid_path), cycle, today)
        .exclude(pk__in=PatrolTarget.objects.filter(plan=plan).values("employer_id"))
        .filter(due_q(cycle, today))
        .select_related("grid")
        .only("id", "name", "uscc", "address", "employees", "industry", "grid__name", "grid__code")
        .order_by("-risk_score", "last_visit", "name", "id")[:limit]
    )
    rows = list(qs)
    for row in rows:
        row.reasons = risk.reasons_of(row)
        row.reason_labels = risk.labels(row.reasons)
    return rows


def risk_of(employer_ids: list[int], today: date) -> dict[int, tuple[list[str], int]]:
    """Factor keys and score of each employer (for targets added by hand or from proposals)."""
    rows = risk.annotate_risk(Employer.objects.filter(pk__in=employer_ids), today)
    return {r.pk: (risk.reasons_of(r), int(r.risk_score)) for r in rows}
