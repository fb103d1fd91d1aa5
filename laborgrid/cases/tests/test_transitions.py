"""One write path for case steps: only ``services/common.py`` writes ``CaseTransition`` rows
(``transition``, and ``seed_transitions`` for the demo's past)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db  # the app's conftest clears the cache around each test

ROOT = Path(__file__).resolve().parents[2]  # laborgrid/
ALLOWED = ROOT / "cases" / "services" / "common.py"
WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "update", "save"}


def _writes(path: Path) -> list[int]:
    """Lines that build a ``CaseTransition(...)`` or call ``CaseTransition.objects.<write>``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Name) and func.id == "CaseTransition") or (
            isinstance(func, ast.Attribute)
            and func.attr in WRITES
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "objects"
            and isinstance(func.value.value, ast.Name)
            and func.value.value.id == "CaseTransition"
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_transition_module_writes_case_transitions() -> None:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        lines = _writes(path)
        if lines:
            found[str(path.relative_to(ROOT))] = lines
    assert set(found) == {str(ALLOWED.relative_to(ROOT))}, found


def test_demo_seeding_goes_through_the_helper() -> None:
    text = (ROOT / "cases" / "demo_cases.py").read_text(encoding="utf-8")
    assert "seed_transitions" in text and "CaseTransition" not in text
