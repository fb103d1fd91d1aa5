"""The registry of indicator computations (考核指标的计算方法).

A county's scheme names indicators by key; each key is a computation registered here. A
computation reads the records of the county (``Context``: the root grid, the year, the day the
records are read as of) and yields one :class:`Point` per record it judges: the record's grid, for
or against (``good``), an outcome code, its description and link. Scores are then counted from the
points, so every figure drills down to exactly the records behind it.

Adding an indicator for another app (incidents reported on time, review filing rate...) is a
short module in ``laborgrid/assessment/computations/`` that calls :func:`register` from
``computations.register_builtin()``::

    register(Computation(
        key="incidents_on_time",
        label=_("群体性事件按时报告率"),
        rule=_("年度内应报告的事件中，在报告时限内报告的比例。"),
        grid_points=incident_points,       # (ctx) -> Iterable[Point]
        person_points=None,                # or (ctx) -> Iterable[Point] with user_id set
        outcomes={"met": _("按时"), "late": _("超时")},
        default_weight=10,
    ))

The roll-up may import flows; no flow imports it (``site/tests/test_layers.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from laborgrid.grids.models import Grid


@dataclass(frozen=True)
class Context:
    """What a computation reads: the county (``root``), the year and the day of reading."""

    root: Grid
    year: int
    as_of: date

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)


@dataclass
class Point:
    """One record an indicator judged (an evidence row)."""

    grid_path: str
    good: bool
    outcome: str
    text: str
    on: date | None = None
    url: str = ""
    model: str = ""
    object_id: int | None = None
    user_id: int | None = None
    detail: str = ""


PointSource = Callable[[Context], Iterable[Point]]


@dataclass(frozen=True)
class Computation:
    key: str
    label: Any  # lazy translated
    rule: Any  # the rule in words (config page, scorecard)
    grid_points: PointSource
    person_points: PointSource | None = None
    outcomes: dict[str, Any] = field(default_factory=dict)
    default_weight: int = 0  # > 0: part of a new year's default scheme
    detail_label: Callable[[str], str] | None = None

    def outcome_label(self, code: str) -> str:
        return str(self.outcomes.get(code, code))

    def describe_detail(self, code: str) -> str:
        if not code:
            return ""
        return self.detail_label(code) if self.detail_label is not None else code


_registry: dict[str, Computation] = {}


def register(computation: Computation) -> Computation:
    """Add a computation (the same key again replaces it: module reloads in tests)."""
    if not computation.key or len(computation.key) > 40:
        raise ImproperlyConfigured(f"indicator key {computation.key!r}: 1–40 characters")
    _registry[computation.key] = computation
    return computation


def get(key: str) -> Computation | None:
    return _registry.get(key)


def all_computations() -> list[Computation]:
    return list(_registry.values())


def label(key: str, custom: str = "") -> str:
    """An indicator's name: the county's own (data) or the registered one, translated."""
    if custom:
        return custom
    c = _registry.get(key)
    return str(c.label) if c is not None else key


def is_default_label(key: str, text: str) -> bool:
    """Whether ``text`` is the registered name (in Chinese or the active language): it is then
    stored empty and shown translated."""
    from django.utils import translation

    c = _registry.get(key)
    if c is None:
        return False
    with translation.override("zh-hans"):
        chinese = str(c.label)
    return text in (chinese, str(c.label))
