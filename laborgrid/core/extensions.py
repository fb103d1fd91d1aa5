"""What apps add to the top layer (``laborgrid/site``): home widgets and demo seeders.

``core`` imports no app; apps import this module and register from their ``AppConfig.ready()``;
``site`` reads the registries and composes the home workbench and ``seed_demo`` from them. Adding
an app therefore touches settings and the URL/API assembly, nothing else central. (Audit actions
register with ``laborgrid.audit.registry``, archive-timeline entries with
``laborgrid.employers.timeline``, permission-matrix entries are the app's
``tests/matrix_*.py`` modules, found by ``site/tests/test_permission_matrix.py``.)

Order: each registration carries a number; lower comes first. The convention, so that a new app
can slot in without renumbering anyone:

==========  ==================================================================================
seeders     10 grids and staff · 20 employers · 30 collection · 40 calendar · 50 cases ·
            60+ flows that need cases or employers
widgets     10 collection tasks · 20 cases · 30 deadlines · 50 grid summary · 80 administration ·
            90 audit
==========  ==================================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

Log = Callable[[str], None]


@dataclass(frozen=True)
class HomeWidget:
    """A section of the home workbench.

    ``context(request)`` answers the template's context, or ``None`` when the signed-in user has
    nothing to see there (no capability, no grid): the section is then left out. It must keep to
    the user's scope (``visible_to``) like any other view, and run a bounded number of queries.
    """

    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class DemoSeeder:
    """One app's part of the 大方县 demo. ``seed(log)`` is idempotent: run again, it changes
    nothing already there. All seeders run in one transaction (``site.demo.seed_demo``)."""

    key: str
    seed: Callable[[Log], None]
    order: int = 100


_WIDGETS: dict[str, HomeWidget] = {}
_SEEDERS: dict[str, DemoSeeder] = {}


def register_widget(widget: HomeWidget) -> HomeWidget:
    """Add (or, with the same key, replace) a home widget."""
    _WIDGETS[widget.key] = widget
    return widget


def register_seeder(seeder: DemoSeeder) -> DemoSeeder:
    """Add (or, with the same key, replace) a demo seeder."""
    _SEEDERS[seeder.key] = seeder
    return seeder


def home_widgets() -> list[HomeWidget]:
    return sorted(_WIDGETS.values(), key=lambda w: (w.order, w.key))


def demo_seeders() -> list[DemoSeeder]:
    return sorted(_SEEDERS.values(), key=lambda s: (s.order, s.key))
