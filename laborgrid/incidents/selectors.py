"""Reads of incidents for other modules and the pages.

``employer_year_facts`` / ``facts_by_employer`` are what the grading app (``ratings``, DOMAIN B2:
a violation causing a mass or extreme incident → grade C; B3.2 blacklist condition 2) reads for
an employer and year: how many incidents, the highest level, whether any had extreme acts, and
the wages paid on the spot. Set-based: one query for any number of employers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from laborgrid.incidents.choices import EXTREME_ACTS
from laborgrid.incidents.models import Incident


@dataclass
class IncidentFacts:
    employer_id: int
    year: int
    count: int = 0
    highest_rank: int = 0
    highest_level: str = ""  # the level's code
    extreme: bool = False
    people: int = 0
    wages_paid: Decimal = Decimal("0")
    incident_ids: list[int] = field(default_factory=list)


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=tz),
        dt.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def facts_by_employer(
    year: int, employer_ids: Iterable[int] | None = None
) -> dict[int, IncidentFacts]:
    """Incident facts per employer for incidents that occurred in ``year`` (local time)."""
    start, end = _year_bounds(year)
    qs = Incident.objects.filter(
        employer__isnull=False, occurred_at__gte=start, occurred_at__lt=end
    )
    if employer_ids is not None:
        qs = qs.filter(employer_id__in=list(employer_ids))
    out: dict[int, IncidentFacts] = {}
    for pk, emp, rank, code, acts, people, paid in qs.values_list(
        "pk", "employer_id", "level__rank", "level__code", "acts", "people", "wages_paid"
    ).order_by("occurred_at", "pk"):
        f = out.setdefault(emp, IncidentFacts(employer_id=emp, year=year))
        f.count += 1
        f.incident_ids.append(pk)
        f.people += people
        f.wages_paid += paid or Decimal("0")
        f.extreme = f.extreme or bool(set(acts or ()) & EXTREME_ACTS)
        if rank > f.highest_rank:
            f.highest_rank, f.highest_level = rank, code
    return out


def employer_year_facts(employer_id: int, year: int) -> IncidentFacts:
    return facts_by_employer(year, [employer_id]).get(
        employer_id, IncidentFacts(employer_id=employer_id, year=year)
    )
