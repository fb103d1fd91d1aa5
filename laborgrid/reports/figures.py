"""The figures of the dashboard and the statistical returns: one registry, a short module per flow.

A **figure** is a key, a label, a unit, a timing and the list it counts:

* ``timing = PERIOD``: counted over a period (cases received in November, wages recovered in Q4);
* ``timing = CURRENT``: a state today (open cases, overdue cases, employers never visited). Its
  value for an earlier month is the one the pre-aggregated table kept at that month's last refresh
  (``rollup``); it is never recomputed for the past.

A **source** computes a set of figures for a whole subtree in a bounded number of grouped queries
(one or two, never one per grid): ``compute(root_path, period, today)`` answers
``{grid_path: {figure key: value}}`` for the rows *attached directly* to each grid; ``rollup``
adds them up the tree. A figure ``ratio=(numerator, denominator)`` is derived (coverage %), never
summed.

``list_url(grid, period)`` is the list a figure counts, with the filters that select exactly the
rows counted (the tests check that the number on the dashboard equals the length of that list).

Adding a flow's figures (inspections, rectification orders, incidents, written reviews) is a
module in ``reports/sources/`` that calls :func:`register_source`, imported from
``ReportsConfig.ready()``. The sources import the flows (a roll-up may); the flows never import
this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from laborgrid.lib.periods import Period

PERIOD = "period"
CURRENT = "current"

COUNT = "count"  # 件
EMPLOYERS = "employers"  # 户
PEOPLE = "people"  # 人
YUAN = "yuan"  # 元
PERCENT = "percent"  # a ratio shown as %
ITEMS = "items"  # 个 (projects)

UNIT_LABELS: dict[str, str | Promise] = {
    COUNT: _("件"),
    EMPLOYERS: _("户"),
    PEOPLE: _("人"),
    YUAN: _("元"),
    PERCENT: "%",
    ITEMS: _("个"),
}


def format_value(value: Decimal | None, unit: str) -> str:
    """A figure as shown: integers without decimals, amounts with two, ratios with one and %."""
    if value is None:
        return "—"
    if unit == PERCENT:
        return f"{value:.1f}%"
    if unit == YUAN:
        return f"{value:,.2f}"
    return f"{value:,.0f}"


Values = dict[str, dict[str, Decimal]]  # grid path → figure key → value


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    unit: str
    timing: str
    section: str
    list_url: Callable[[Any, Period], str | None]
    help: str | Promise = ""
    ratio: tuple[str, str] | None = None
    #: Shown on the statistical return (a line of the fixed layout).
    in_return: bool = True
    #: Offered as a colour of the dashboard map.
    on_map: bool = True
    #: More is worse (overdue cases): the map colours high values red.
    bad: bool = False
    order: int = 100

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS.get(self.unit, ""))

    def format(self, value: Decimal | None) -> str:
        return format_value(value, self.unit)

    @property
    def additive(self) -> bool:
        return self.ratio is None

    def value_of(self, values: dict[str, Decimal]) -> Decimal | None:
        """This figure's value in a grid's figures (a ratio computed, None without denominator)."""
        if self.ratio is None:
            return values.get(self.key, Decimal(0))
        num, den = (values.get(k, Decimal(0)) for k in self.ratio)
        return None if not den else (num / den * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    order: int


@dataclass(frozen=True)
class Source:
    """Figures computed together, for one subtree and one period, in a few grouped queries."""

    key: str
    timing: str
    compute: Callable[[str, Period, date], Values]
    figures: tuple[str, ...] = field(default=())


_FIGURES: dict[str, Figure] = {}
_SECTIONS: dict[str, Section] = {}
_SOURCES: dict[str, Source] = {}


def register_section(section: Section) -> Section:
    _SECTIONS[section.key] = section
    return section


def register_source(
    key: str,
    *,
    timing: str,
    compute: Callable[[str, Period, date], Values],
    figures: list[Figure],
) -> Source:
    """Register a source and its figures (the same key again replaces them)."""
    for f in figures:
        if f.timing != timing and f.ratio is None:
            raise ValueError(f"figure {f.key} has timing {f.timing}, its source {timing}")
        if f.key in _FIGURES and _FIGURE_SOURCE.get(f.key) != key:
            raise ValueError(f"figure {f.key} is already registered by another source")
        _FIGURES[f.key] = f
        _FIGURE_SOURCE[f.key] = key
    source = Source(key, timing, compute, tuple(f.key for f in figures if f.ratio is None))
    _SOURCES[key] = source
    return source


_FIGURE_SOURCE: dict[str, str] = {}


def all_figures() -> list[Figure]:
    """Every registered figure, by section then order."""
    sections = {k: s.order for k, s in _SECTIONS.items()}
    return sorted(_FIGURES.values(), key=lambda f: (sections.get(f.section, 999), f.order, f.key))


def get(key: str) -> Figure | None:
    return _FIGURES.get(key)


def sources(timing: str | None = None) -> list[Source]:
    return [s for s in _SOURCES.values() if timing is None or s.timing == timing]


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: s.order)


def return_figures() -> list[Figure]:
    return [f for f in all_figures() if f.in_return]


def map_figures() -> list[Figure]:
    return [f for f in all_figures() if f.on_map]
