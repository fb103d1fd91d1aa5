"""Permission-matrix entries for the coverage pages and API (merged by
core/tests/test_permission_matrix).

The pages are read-only (the export starts a job, which reads: leaders may export what they may
read). ``other`` is 马场镇, which 猫场镇 staff get 404 for; ``own`` is 猫场镇. The API takes the
grid as a query parameter, which the matrix cannot vary: its 马场镇 404 is in ``test_api``.
"""

from __future__ import annotations

from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG, MAOCHANG

_OTHER = {"code": MACHANG}
_OWN = {"code": MAOCHANG}

SPECS: dict[str, Spec] = {
    "coverage:coverage_home": Spec(),
    "coverage:coverage_detail": Spec(other=_OTHER, own=_OWN),
    "coverage:gap_list": Spec(
        other={**_OTHER, "kind": "unregistered_operating"},
        own={**_OWN, "kind": "unregistered_operating"},
    ),
    "coverage:coverage_export": Spec(other=_OTHER, own=_OWN, methods=("post",)),
}
API_SPECS: dict[tuple[str, str], Spec] = {
    ("get", "/api/v1/coverage"): Spec(),
}
