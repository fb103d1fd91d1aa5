"""The deadline kinds and the objects they belong to, registered by the apps that own them.

The engine imports no flow (cases, inspections, portal, ratings, incidents...). Each app declares
its kinds in its own ``deadline_rules`` module and imports that module in ``AppConfig.ready()``::

    from laborgrid.deadlines.registry import register_kind, register_subject

    register_subject(
        RectificationOrder,
        describe=lambda o: f"{o.number} · {o.employer_name}",
        url=lambda o: o.get_absolute_url(),
    )
    register_kind(
        "inspections.rectification",
        model=RectificationOrder,
        label=_("整改期限"),
        amount=10,
        unit=Unit.WORKING,
        basis="劳动保障监察条例第十八条",
    )

``kind`` is global: two apps may not register the same key (prefix new kinds with the app name).
``escalate`` names who is told when the deadline is missed: a function ``(deadline, today)`` run
once per deadline inside the escalation's transaction (the cases app flags the case for
supervision by the level above, 挂牌督办); without it the engine notifies the staff of the grid
above the deadline's grid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from laborgrid.deadlines.choices import Unit

if TYPE_CHECKING:
    import datetime as dt

    from laborgrid.deadlines.models import Deadline

Escalate = Callable[["Deadline", "dt.date"], Any]


@dataclass(frozen=True)
class Rule:
    """One kind of deadline: its length, unit, legal basis and label, and who is told when it is
    missed."""

    kind: str
    model: str  # the label of the model the deadline belongs to, e.g. "cases.case"
    label: Any  # a (lazy) translated string
    amount: int
    unit: str
    basis: str
    escalate: Escalate | None = None


@dataclass(frozen=True)
class Subject:
    """How the board shows an object a deadline belongs to (text and link), and what to refresh
    on the object when the calendar moved its deadlines."""

    model: str
    describe: Callable[[Any], str]
    url: Callable[[Any], str]
    queryset: Callable[[], models.QuerySet[Any]] | None = None
    on_recomputed: Callable[[list[int]], None] | None = None


_rules: dict[str, Rule] = {}
_subjects: dict[str, Subject] = {}


def _label(model: type[models.Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


def register_kind(
    kind: str,
    *,
    model: type[models.Model] | str,
    label: Any,
    amount: int,
    unit: str,
    basis: str,
    escalate: Escalate | None = None,
) -> Rule:
    """Declare a kind of deadline (idempotent for the same declaration)."""
    if unit not in Unit.values:
        raise ImproperlyConfigured(f"deadline kind {kind!r}: unknown unit {unit!r}")
    if len(kind) > 64:
        raise ImproperlyConfigured(f"deadline kind {kind!r}: longer than 64 characters")
    rule = Rule(kind, _label(model), label, amount, str(unit), basis, escalate)
    existing = _rules.get(kind)
    if existing is not None and (existing.model, existing.amount, existing.unit) != (
        rule.model,
        rule.amount,
        rule.unit,
    ):
        raise ImproperlyConfigured(f"deadline kind {kind!r} is already registered")
    _rules[kind] = rule
    return rule


def register_subject(
    model: type[models.Model] | str,
    *,
    describe: Callable[[Any], str],
    url: Callable[[Any], str],
    queryset: Callable[[], models.QuerySet[Any]] | None = None,
    on_recomputed: Callable[[list[int]], None] | None = None,
) -> Subject:
    """Declare how the board links and describes objects of ``model``; ``queryset`` loads them
    (e.g. with ``select_related``), ``on_recomputed`` gets the ids of objects whose deadlines the
    calendar moved."""
    subject = Subject(_label(model), describe, url, queryset, on_recomputed)
    _subjects[subject.model] = subject
    return subject


def get_rule(kind: str) -> Rule:
    try:
        return _rules[kind]
    except KeyError:
        raise LookupError(f"unknown deadline kind {kind!r}: register it first") from None


def rules() -> list[Rule]:
    return sorted(_rules.values(), key=lambda r: (r.model, r.kind))


def get_subject(model: type[models.Model] | str) -> Subject | None:
    return _subjects.get(_label(model))


def kind_label(kind: str) -> str:
    rule = _rules.get(kind)
    return str(rule.label) if rule is not None else kind
