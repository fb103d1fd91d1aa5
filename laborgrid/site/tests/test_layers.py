"""The package picture holds: who may import whom (docs/dev/architecture.md, "Layers").

Read from the source with a small AST walk (every ``import``, also those inside functions and
under ``TYPE_CHECKING``); tests and migrations are left out, since a test may build any fixture.

- ``lib`` imports no other package;
- ``core`` imports no app: only ``lib`` and the two foundation apps it is built with, ``accounts``
  (users, roles, capabilities: the scope engine reads them) and ``audit`` (the security log every
  write records to);
- ``grids`` imports neither ``employers`` nor any flow; ``employers`` imports no flow;
- no flow imports ``site``, ``api`` or a roll-up app;
- the shared services (``documents``, ``notifications``, ``workdays``, ``deadlines``) import no
  flow and no employer code;
- nothing imports ``site``; only ``site`` imports the roll-up apps (``api`` mounts their routers);
  nothing but ``site`` imports ``api``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # laborgrid/

FOUNDATION_APPS = {"accounts", "audit"}
FLOWS = {"registers", "collection", "cases", "inspections", "portal", "ratings", "incidents"}
FLOWS |= {"projects", "rectifications"}
ROLLUPS = {"coverage", "reports", "assessment"}
SHARED = {"documents", "notifications", "workdays", "deadlines"}
PACKAGES = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists())
APPS = set(PACKAGES) - {"lib", "core", "testing", "locale", "templates", "static"}


def forbidden(pkg: str) -> set[str]:
    """The packages ``pkg`` must not import."""
    rules: set[str] = {"site"} if pkg != "site" else set()
    if pkg not in {"site", "api"}:
        rules |= ROLLUPS - {pkg}
    if pkg not in {"site"}:
        rules |= {"api"} - {pkg}
    if pkg == "lib":
        rules |= set(PACKAGES) - {"lib"}
    elif pkg == "core":
        rules |= APPS - FOUNDATION_APPS
    elif pkg == "grids":
        rules |= {"employers"} | FLOWS
    elif pkg == "employers" or pkg in SHARED:
        rules |= {"employers"} - {pkg} | FLOWS
    elif pkg in FLOWS:
        rules |= {"site", "api"} | ROLLUPS
    return rules


def imports_of(source: str) -> Iterator[tuple[str, int]]:
    """(laborgrid package, line) for every absolute import of ``laborgrid.<package>``."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "laborgrid":
                names = [f"laborgrid.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "laborgrid" and len(parts) > 1:
                yield parts[1], node.lineno


def violations(pkg: str, files: dict[str, str]) -> list[str]:
    bad = forbidden(pkg)
    return [
        f"{path}:{line} imports laborgrid.{target}"
        for path, source in files.items()
        for target, line in imports_of(source)
        if target != pkg and target in bad
    ]


def sources(pkg: str) -> dict[str, str]:
    return {
        str(f.relative_to(ROOT.parent)): f.read_text(encoding="utf-8")
        for f in (ROOT / pkg).rglob("*.py")
        if "tests" not in f.parts and "migrations" not in f.parts
    }


@pytest.mark.parametrize("pkg", PACKAGES)
def test_package_imports_follow_the_picture(pkg: str) -> None:
    assert violations(pkg, sources(pkg)) == []


def test_the_walk_finds_imports_at_any_depth() -> None:
    """The checker itself: a lazy import inside a function, a ``from laborgrid import x`` and a
    TYPE_CHECKING import are all found, so a broken rule cannot pass unseen."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from laborgrid.cases.models import Case\n"
        "def f():\n    from laborgrid import collection\n    import laborgrid.employers.bulk\n"
    )
    assert violations("core", {"x.py": source}) == [
        "x.py:3 imports laborgrid.cases",
        "x.py:5 imports laborgrid.collection",
        "x.py:6 imports laborgrid.employers",
    ]
    assert violations("cases", {"x.py": "from laborgrid.coverage import services\n"}) == [
        "x.py:1 imports laborgrid.coverage"
    ]
    assert violations("site", {"x.py": "from laborgrid.coverage import services\n"}) == []
