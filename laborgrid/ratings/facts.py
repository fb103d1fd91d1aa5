"""Where the grading's facts come from: a small registry of fact providers (issue 18).

A provider answers one fact for a year and a set of employers, set-based: one query for any
number of employers, ``{employer_id: (value, [evidence, ...])}`` for the employers it has
something on; the others get the fact's neutral default (``rules.FACTS``). Evidence items are
``{"kind", "id", "label", "url"}`` dicts stored with the grade.

This app registers the providers for the facts other apps already hold (decided cases,
rectification orders not complied with, mass incidents, refusals of inspection). The written
review belongs to the written-review app, which registers ``written_review`` itself (wrapping its
``reviews.selectors``) — ratings never imports it. While no provider is registered for a fact,
the fact is *unknown* (``None``) for everyone and the rules reading it are not evaluated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from laborgrid.ratings.rules import FACTS

Evidence = dict[str, Any]
Answer = dict[int, tuple[Any, list[Evidence]]]
Provider = Callable[[int, QuerySet[Any]], Answer]

_PROVIDERS: dict[str, Provider] = {}


def register_fact_provider(name: str, fn: Provider) -> Provider:
    """Provide fact ``name`` (one of ``rules.FACTS``); a later registration replaces the earlier."""
    if name not in FACTS:
        raise ValueError(f"unknown grading fact {name!r}")
    _PROVIDERS[name] = fn
    return fn


def unregister_fact_provider(name: str) -> None:
    _PROVIDERS.pop(name, None)


def provided() -> set[str]:
    return set(_PROVIDERS)


def unknown_facts() -> list[str]:
    return [name for name in FACTS if name not in _PROVIDERS]


def collect(
    year: int, employers: QuerySet[Any]
) -> tuple[dict[int, dict[str, Any]], dict[int, list[Evidence]]]:
    """Facts and evidence per employer that some provider answered for (others: defaults)."""
    facts: dict[int, dict[str, Any]] = {}
    evidence: dict[int, list[Evidence]] = {}
    for name, fn in _PROVIDERS.items():
        for emp, (value, items) in fn(year, employers).items():
            facts.setdefault(emp, {})[name] = value
            if items:
                evidence.setdefault(emp, []).extend(items)
    return facts, evidence


def defaults() -> dict[str, Any]:
    """Each fact's value for an employer no provider answered for: the neutral value of a
    provided fact, ``None`` (unknown) for a fact without a provider."""
    return {
        name: (default if name in _PROVIDERS else None) for name, (_k, _l, default) in FACTS.items()
    }


def _bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --- this app's providers, over the other apps' records ----------------------------------------


def _ev(kind: str, pk: int, label: str, url: str) -> Evidence:
    return {"kind": kind, "id": pk, "label": label, "url": url}


def cases_decided(year: int, employers: QuerySet[Any]) -> Answer:
    """被查处: cases in which a handling, penalty or correction decision was made in ``year``."""
    from laborgrid.cases.models import Case

    start, end = _bounds(year)
    out: Answer = {}
    rows = (
        Case.objects.filter(employer__in=employers.values("pk"), decided_on__range=(start, end))
        .exclude(decision_kind="")
        .values_list("pk", "employer_id", "received_on", "decided_on", "decision_kind")
        .order_by("decided_on", "pk")
    )
    for pk, emp, received, decided, _kind in rows:
        count, items = out.get(emp, (0, []))
        items.append(
            _ev(
                "case",
                pk,
                f"案件 {received:%Y}-{pk:06d} · {decided:%Y-%m-%d} 作出决定",
                reverse("cases:case_detail", args=[pk]),
            )
        )
        out[emp] = (count + 1, items)
    return out


def serious_violations(year: int, employers: QuerySet[Any]) -> Answer:
    """Child labour established by a decision made in ``year`` (使用童工)."""
    from laborgrid.cases.choices import Category
    from laborgrid.cases.models import Case

    start, end = _bounds(year)
    out: Answer = {}
    rows = (
        Case.objects.filter(employer__in=employers.values("pk"), decided_on__range=(start, end))
        .exclude(decision_kind="")
        .filter(Q(category=Category.CHILD_LABOUR) | Q(violation="child_labour"))
        .values_list("pk", "employer_id", "received_on")
    )
    for pk, emp, received in rows:
        _v, items = out.get(emp, (True, []))
        items.append(
            _ev(
                "case",
                pk,
                f"案件 {received:%Y}-{pk:06d} · 使用童工",
                reverse("cases:case_detail", args=[pk]),
            )
        )
        out[emp] = (True, items)
    return out


def orders_not_complied(year: int, employers: QuerySet[Any]) -> Answer:
    """Orders found not corrected at re-inspection in ``year``, and decisions not performed
    (closed as not performed or enforced by the court, or sent to enforcement) in ``year``."""
    from laborgrid.cases.choices import CaseState, ClosureKind
    from laborgrid.cases.models import Case
    from laborgrid.rectifications.choices import OrderState
    from laborgrid.rectifications.models import RectificationOrder

    start, end = _bounds(year)
    out: Answer = {}

    def add(emp: int, item: Evidence) -> None:
        count, items = out.get(emp, (0, []))
        items.append(item)
        out[emp] = (count + 1, items)

    for pk, emp, number in RectificationOrder.objects.filter(
        employer__in=employers.values("pk"),
        state__in=[OrderState.NOT_CORRECTED, OrderState.ESCALATED],
        rechecked_on__range=(start, end),
    ).values_list("pk", "employer_id", "number"):
        add(
            emp,
            _ev(
                "order",
                pk,
                f"指令书 {number} · 复查未改正",
                reverse("rectifications:order_detail", args=[pk]),
            ),
        )
    cases = Case.objects.filter(employer__in=employers.values("pk")).filter(
        Q(
            closure_kind__in=[ClosureKind.NOT_PERFORMED, ClosureKind.ENFORCED],
            closed_on__range=(start, end),
        )
        | Q(state=CaseState.ENFORCEMENT, decided_on__range=(start, end))
    )
    for pk, emp, received in cases.values_list("pk", "employer_id", "received_on"):
        add(
            emp,
            _ev(
                "case",
                pk,
                f"案件 {received:%Y}-{pk:06d} · 决定未履行",
                reverse("cases:case_detail", args=[pk]),
            ),
        )
    return out


def _incident_rows(year: int, employers: QuerySet[Any]) -> list[tuple[int, int, list[str], str]]:
    from django.utils import timezone

    from laborgrid.incidents.models import Incident

    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    return list(
        Incident.objects.filter(
            employer__in=employers.values("pk"), occurred_at__gte=start, occurred_at__lt=end
        ).values_list("pk", "employer_id", "acts", "place")
    )


def mass_incidents(year: int, employers: QuerySet[Any]) -> Answer:
    out: Answer = {}
    for pk, emp, _acts, place in _incident_rows(year, employers):
        count, items = out.get(emp, (0, []))
        items.append(
            _ev(
                "incident",
                pk,
                f"群体性事件 · {place[:40]}",
                reverse("incidents:incident_detail", args=[pk]),
            )
        )
        out[emp] = (count + 1, items)
    return out


def extreme_incidents(year: int, employers: QuerySet[Any]) -> Answer:
    from laborgrid.incidents.choices import EXTREME_ACTS

    out: Answer = {}
    for _pk, emp, acts, _place in _incident_rows(year, employers):
        if set(acts or ()) & EXTREME_ACTS:
            out[emp] = (True, [])  # the incident is already linked by ``mass_incidents``
    return out


def inspection_refusals(year: int, employers: QuerySet[Any]) -> Answer:
    """On-site visits concluded as 拒绝、阻挠检查 in ``year``."""
    from laborgrid.inspections.choices import VisitOutcome, VisitStatus
    from laborgrid.inspections.models import Visit

    start, end = _bounds(year)
    out: Answer = {}
    for pk, emp, day in Visit.objects.filter(
        employer__in=employers.values("pk"),
        status=VisitStatus.CONCLUDED,
        outcome=VisitOutcome.OBSTRUCTED,
        visited_on__range=(start, end),
    ).values_list("pk", "employer_id", "visited_on"):
        count, items = out.get(emp, (0, []))
        items.append(
            _ev(
                "visit",
                pk,
                f"检查记录 {day.isoformat()} · 拒绝、阻挠检查",
                reverse("inspections:visit_detail", args=[pk]),
            )
        )
        out[emp] = (count + 1, items)
    return out


def register_own() -> None:
    register_fact_provider("violations_found", cases_decided)
    register_fact_provider("serious_violation", serious_violations)
    register_fact_provider("orders_not_complied", orders_not_complied)
    register_fact_provider("mass_incidents", mass_incidents)
    register_fact_provider("extreme_incident", extreme_incidents)
    register_fact_provider("inspection_refusals", inspection_refusals)
