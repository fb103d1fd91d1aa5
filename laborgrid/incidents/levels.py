"""Grading an incident from the county's configured levels (DOMAIN B1.9: thresholds are local).

Pure rule over the configuration rows: an incident takes the highest-ranked active level any of
whose thresholds it reaches (people, amount claimed, acts); the lowest active level is the floor
(every report is graded, even below every threshold).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_noop

from laborgrid.incidents.choices import LevelReason
from laborgrid.incidents.models import IncidentLevel

#: The names migration 0002 seeds, in the catalogue so that they read in the reader's language.
DEFAULT_NAMES = (
    gettext_noop("Ⅳ级（一般）"),
    gettext_noop("Ⅲ级（较大）"),
    gettext_noop("Ⅱ级（重大）"),
    gettext_noop("Ⅰ级（特别重大）"),
)


@dataclass(frozen=True)
class Graded:
    level: IncidentLevel
    reasons: list[str]  # LevelReason codes


def reasons_for(
    level: IncidentLevel, people: int, amount: Decimal | None, acts: Iterable[str]
) -> list[str]:
    found = []
    if level.min_people is not None and people >= level.min_people:
        found.append(LevelReason.PEOPLE.value)
    if level.min_amount is not None and amount is not None and amount >= level.min_amount:
        found.append(LevelReason.AMOUNT.value)
    if set(level.trigger_acts or ()) & set(acts):
        found.append(LevelReason.ACTS.value)
    return found


def grade(
    people: int,
    amount: Decimal | None,
    acts: Sequence[str],
    levels: Sequence[IncidentLevel] | None = None,
) -> Graded:
    """The level of an incident with ``people``, ``amount`` claimed and ``acts``."""
    rows = sorted(
        levels if levels is not None else IncidentLevel.objects.filter(is_active=True),
        key=lambda lv: lv.rank,
    )
    if not rows:
        raise ImproperlyConfigured("no active incident level: configure at least one")
    for level in reversed(rows):
        reasons = reasons_for(level, people, amount, acts)
        if reasons:
            return Graded(level, reasons)
    return Graded(rows[0], [LevelReason.BASE.value])


def level_label(code: str) -> str | None:
    """A level's name for the audit log (levels are data: the county's own names)."""
    level = IncidentLevel.objects.filter(code=code).first()
    return level.display_name if level is not None else None
