"""Permission-matrix entries: the home workbench (found by ``site/tests/test_permission_matrix``)."""

from __future__ import annotations

from laborgrid.testing.matrix import Spec

# kwargs values may be callables (resolved inside the test's transaction)
SPECS: dict[str, Spec] = {
    "site:home": Spec(),
}
API_SPECS: dict[tuple[str, str], Spec] = {}
