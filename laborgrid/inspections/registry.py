"""What other flows tell the inspections app about a visit, without it importing them.

A visit made for a patrol target that another flow put in the plan (a written review's on-site
sample, issue 17) shows where it came from: that flow registers ``origin(visit)`` from its
``AppConfig.ready()``, answering ``(label, url)`` pairs (the page behind the link checks access
itself).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_origins: list[Callable[[Any], list[tuple[str, str]]]] = []


def register_origin(origin: Callable[[Any], list[tuple[str, str]]]) -> None:
    """Let ``origin(visit)`` name what the visit was made for (idempotent)."""
    if origin not in _origins:
        _origins.append(origin)


def origins(visit: Any) -> list[tuple[str, str]]:
    """Every ``(label, url)`` the registered flows give for ``visit``."""
    return [pair for origin in _origins for pair in origin(visit)]


__all__ = ["origins", "register_origin"]
