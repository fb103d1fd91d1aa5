"""What apps add to the shell and the top layer (``laborgrid/site``): menu entries, home widgets,
demo seeders and the pages the field service worker keeps for offline use.

``core`` imports no app; apps import this module and register from their ``AppConfig.ready()``;
``site`` reads the registries and composes the home workbench and ``seed_demo`` from them. Adding
an app therefore touches settings and the URL/API assembly, nothing else central. (Audit actions
register with ``laborgrid.audit.registry``, archive-timeline entries with
``laborgrid.employers.timeline``, permission-matrix entries are the app's
``tests/matrix_*.py`` modules, found by ``site/tests/test_permission_matrix.py``.)

Order: each registration carries a number; lower comes first. The convention, so that a new app
can slot in without renumbering anyone:

==========  ==================================================================================
menus       10 grids · 20 employers · 30 cases · 40 collection · 50–69 new flows · 80 people ·
            85 certificates · 88 lockouts · 90 calendar and documents · 95 audit
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
from django.utils.functional import Promise

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


@dataclass(frozen=True)
class NavLink:
    """One entry of a menu: a URL name, shown to users holding any of ``caps`` (none: everyone
    signed in) for whom ``when(user)``, if given, is true (a page only some holders of a capability
    reach, such as the county's own settings; it must not query: use what the request has loaded).
    ``divider_before`` draws a line above it in a drop-down."""

    label: str | Promise
    url_name: str
    caps: tuple[str, ...] = ()
    order: int = 100
    new_tab: bool = False
    divider_before: bool = False
    when: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class NavMenu:
    """A top-level menu of the page header. Shown to users holding any of ``caps`` (none:
    everyone signed in) and none of ``unless_caps``, when at least one of its links is theirs.
    ``dropdown=False``: a single link, drawn as a plain item with the menu's label and icon.
    Other apps may add links to a menu by its key (the registers app adds its pages to the
    employers menu) without importing its app."""

    key: str
    label: str | Promise
    icon: str
    order: int = 100
    caps: tuple[str, ...] = ()
    unless_caps: tuple[str, ...] = ()
    dropdown: bool = True


@dataclass(frozen=True)
class OfflinePage:
    """Pages the field service worker (``/sw.js``, scope ``/``) keeps for use without network.

    ``patterns`` are regular expressions on the URL path (or a function answering them, called
    when the service worker is served, so that it can ``reverse()``): a matching GET is answered network
    first, from the cached copy when offline. ``precache(request)`` names the URLs the service
    worker copies when it installs for the signed-in user (for instance the rapid-report form),
    so that they open offline even if the person never opened them online; answer ``[]`` when
    the user may not use them. ``shell`` lists static files (paths under ``STATIC_URL``) the pages
    need, cached with the app shell. A form on such a page that must never lose what was typed is
    marked ``data-lg-offline`` (see ``laborgrid/static/laborgrid/offline-form.js`` and
    ``laborgrid.core.offline``).
    """

    key: str
    patterns: tuple[str, ...] | Callable[[], tuple[str, ...]]
    precache: Callable[[HttpRequest], list[str]] | None = None
    shell: tuple[str, ...] = ()


_MENUS: dict[str, NavMenu] = {}
_LINKS: dict[str, dict[str, NavLink]] = {}
_WIDGETS: dict[str, HomeWidget] = {}
_SEEDERS: dict[str, DemoSeeder] = {}
_OFFLINE: dict[str, OfflinePage] = {}


def register_menu(menu: NavMenu, *links: NavLink) -> NavMenu:
    """Add (or, with the same key, replace) a menu, with its first links."""
    _MENUS[menu.key] = menu
    for link in links:
        register_link(menu.key, link)
    return menu


def register_link(menu_key: str, link: NavLink) -> NavLink:
    """Add a link to a menu (registered before or after); the same URL name replaces."""
    _LINKS.setdefault(menu_key, {})[link.url_name] = link
    return link


def menus_for(has: Callable[[str], bool], user: Any = None) -> list[tuple[NavMenu, list[NavLink]]]:
    """The menus and links ``user`` sees; ``has(cap)`` answers whether they hold a capability."""

    def allowed(caps: tuple[str, ...], when: Callable[[Any], bool] | None = None) -> bool:
        return (not caps or any(has(c) for c in caps)) and (when is None or bool(when(user)))

    shown = []
    for menu in sorted(_MENUS.values(), key=lambda m: (m.order, m.key)):
        if not allowed(menu.caps) or any(has(c) for c in menu.unless_caps):
            continue
        links = sorted(
            (link for link in _LINKS.get(menu.key, {}).values() if allowed(link.caps, link.when)),
            key=lambda link: link.order,
        )
        if links:
            shown.append((menu, links))
    return shown


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


def register_offline_page(page: OfflinePage) -> OfflinePage:
    """Add (or, with the same key, replace) pages kept by the field service worker."""
    _OFFLINE[page.key] = page
    return page


def offline_pages() -> list[OfflinePage]:
    return sorted(_OFFLINE.values(), key=lambda p: p.key)
