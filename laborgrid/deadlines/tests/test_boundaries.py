"""The engine and the calendar import no flow: apps register with them, not the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Flows and registries the shared services must not import (ARCHITECTURE §2).
FLOWS = (
    "cases",
    "employers",
    "registers",
    "collection",
    "inspections",
    "portal",
    "ratings",
    "incidents",
    "projects",
    "coverage",
    "reports",
    "assessment",
    "site",
)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("app", ["deadlines", "workdays"])
def test_shared_service_imports_no_flow(app: str) -> None:
    bad = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for module in _imports(path):
            parts = module.split(".")
            if len(parts) > 1 and parts[0] == "laborgrid" and parts[1] in FLOWS:
                bad.append(f"{path.relative_to(ROOT)}: {module}")
    assert not bad, bad
