"""Permission-matrix entries for these employer URLs (merged by core/tests/test_permission_matrix)."""

from __future__ import annotations

from laborgrid.testing.matrix import Spec

SPECS: dict[str, Spec] = {}
API_SPECS: dict[tuple[str, str], Spec] = {}
