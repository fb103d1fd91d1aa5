"""Audit actions, declared by the app that records them (no migration per new action).

Each app lists its security-relevant events in ``<app>/audit_actions.py`` as a ``TextChoices``
class decorated with :func:`register_actions`::

    @register_actions
    class CaseAction(models.TextChoices):
        CASE_ACTION = "case_action", _("案件操作")

``AuditConfig.ready()`` imports every installed app's ``audit_actions`` module, so the audit log
page, its filter and its export know every action. The database column holds the value only (no
``choices``): a new action needs no migration, and the values already stored keep their meaning
because the values never change. :func:`laborgrid.audit.services.record` refuses an action nobody
registered, so a typo cannot reach the append-only log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db import models
from django.utils.functional import Promise

TChoices = TypeVar("TChoices", bound=type[models.TextChoices])


@dataclass(frozen=True)
class RegisteredAction:
    value: str
    label: str | Promise
    module: str


_ACTIONS: dict[str, RegisteredAction] = {}


def register_actions(cls: TChoices) -> TChoices:
    """Register every member of ``cls``. A value may be registered once (a second app claiming
    it is a programming error: the log would no longer say whose event it is)."""
    for member in cls:
        value = str(member.value)
        known = _ACTIONS.get(value)
        if known is not None and known.module != cls.__module__:
            raise ValueError(f"audit action {value!r} already registered by {known.module}")
        if len(value) > 32:
            raise ValueError(f"audit action {value!r} is longer than the column (32)")
        _ACTIONS[value] = RegisteredAction(value, member.label, cls.__module__)
    return cls


def is_registered(value: str) -> bool:
    return str(value) in _ACTIONS


def action_label(value: str) -> str:
    """The action's label in the active language; an unknown value (an app since removed) shows
    as stored, never as an error."""
    known = _ACTIONS.get(str(value))
    return str(known.label) if known is not None else str(value)


def action_choices() -> list[tuple[str, str]]:
    """(value, label) of every registered action, in registration order (apps in INSTALLED_APPS
    order, each app's members as declared)."""
    return [(a.value, str(a.label)) for a in _ACTIONS.values()]


def registered_values() -> Iterable[str]:
    return _ACTIONS.keys()


_DETAIL_CHOICES: dict[tuple[str, str], tuple[str, str]] = {}


def register_detail_choices(object_type: str, key: str, model: str, field: str) -> None:
    """On the log page, the value of ``key`` in the detail of an event about ``object_type``
    (``app_label.model``) is a choice of ``model.field`` and reads as its label (a case step's
    ``"from": "decision_pending"`` reads 待作出决定)."""
    _DETAIL_CHOICES[(object_type, key)] = (model, field)


def detail_choices(object_type: str, key: str) -> tuple[str, str] | None:
    return _DETAIL_CHOICES.get((object_type, key))


_DETAIL_VALUES: dict[tuple[str, str], Callable[[str], str | None]] = {}


def register_detail_values(
    object_type: str, key: str, labeller: Callable[[str], str | None]
) -> None:
    """On the log page, the value of ``key`` in the detail of an event about ``object_type``
    (``"*"``: any) reads as ``labeller(value)``, in the reader's language, when that is not None
    (a deadline's kind ``acceptance`` reads 受理期限). The log stores codes, never labels."""
    _DETAIL_VALUES[(object_type, key)] = labeller


def detail_value_label(object_type: str, key: str, value: str) -> str | None:
    for labeller in (_DETAIL_VALUES.get((object_type, key)), _DETAIL_VALUES.get(("*", key))):
        label = labeller(value) if labeller is not None else None
        if label is not None:
            return label
    return None
