"""Permission-matrix entries for the deadline board (found by site/tests/test_permission_matrix).

Asking for another township's grid is tested in ``test_views`` (the matrix checks the page for the
other township's code, which the page's own links echo from the query string)."""

from __future__ import annotations

from laborgrid.testing.matrix import Spec

SPECS: dict[str, Spec] = {
    "deadlines:board": Spec(lists={"kind": "acceptance"}),
}
API_SPECS: dict[tuple[str, str], Spec] = {}
