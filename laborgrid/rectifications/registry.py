"""Where an order comes from: other apps register the models that issue orders.

A visit (inspections), a written review, a construction project… registers its model once, from
its ``AppConfig.ready()``::

    from laborgrid.rectifications.registry import EvidenceFile, register_source

    register_source(
        Visit,
        label=_("现场检查"),
        url=lambda v: v.get_absolute_url(),
        evidence=lambda v: [
            EvidenceFile(p.name, "image/jpeg", p.file.open, _("现场照片")) for p in v.photos.all()
        ],
    )

The order stores its source generically (content type + id), shows ``label`` and links to
``url(source)``; escalating the order to a case (立案) copies ``evidence(source)`` into the new
case's evidence. This app imports none of the source apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.db import models


@dataclass(frozen=True)
class EvidenceFile:
    """One evidence file of a source: its name, content type, how to open it (binary), and a
    short note saying what it is (e.g. 现场照片, 现场检查笔录)."""

    name: str
    content_type: str
    open: Callable[[], IO[bytes]]
    note: str


@dataclass(frozen=True)
class Source:
    model: str  # app_label.model
    label: Any  # a (lazy) translated string
    url: Callable[[Any], str]
    evidence: Callable[[Any], list[EvidenceFile]]


_sources: dict[str, Source] = {}


def _key(model: type[models.Model] | models.Model | str) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


def register_source(
    model: type[models.Model] | str,
    *,
    label: Any,
    url: Callable[[Any], str],
    evidence: Callable[[Any], list[EvidenceFile]],
) -> Source:
    """Declare that objects of ``model`` may issue orders (idempotent: a second registration of
    the same model replaces the first)."""
    source = Source(_key(model), label, url, evidence)
    _sources[source.model] = source
    return source


def get_source(model: type[models.Model] | models.Model | str) -> Source | None:
    return _sources.get(_key(model))


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.model)


#: Who besides the staff of the order's grid may record the employer's answer: checks other apps
#: register (the employer portal: an account of the order's own employer). ``check(user, order)``.
_responders: list[Callable[[Any, Any], bool]] = []


def register_responder(check: Callable[[Any, Any], bool]) -> None:
    """Let ``check(user, order)`` admit a non-staff user to the respond step (idempotent)."""
    if check not in _responders:
        _responders.append(check)


def answers_for_party(user: Any, order: Any) -> bool:
    return any(check(user, order) for check in _responders)


_issued: list[Callable[[Any], object]] = []


def on_order_issued(callback: Callable[[Any], object]) -> None:
    """Call ``callback(order)`` when an order has been issued, in the issuing transaction (the
    portal tells the employer's accounts; idempotent)."""
    if callback not in _issued:
        _issued.append(callback)


def order_issued(order: Any) -> None:
    for callback in list(_issued):
        callback(order)


__all__ = [
    "EvidenceFile",
    "Source",
    "answers_for_party",
    "get_source",
    "on_order_issued",
    "order_issued",
    "register_responder",
    "register_source",
    "sources",
]
