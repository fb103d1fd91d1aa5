"""Permission-matrix entries: the audit log (found by ``site/tests/test_permission_matrix``)."""

from __future__ import annotations

from laborgrid.testing.matrix import Spec

# kwargs values may be callables (resolved inside the test's transaction)
SPECS: dict[str, Spec] = {
    "audit:event_list": Spec(),
    "audit:event_export": Spec(),
}
API_SPECS: dict[tuple[str, str], Spec] = {}
