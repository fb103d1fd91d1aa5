"""Permission-matrix entries for these employer URLs (merged by core/tests/test_permission_matrix)."""

from __future__ import annotations

from laborgrid.testing.matrix import Spec

SPECS: dict[str, Spec] = {
    # The list: a 猫场镇 user searching for 马场 must see nothing of 马场镇.
    "employers:employer_list": Spec(lists={"q": "马场"}),
    # Starting an export reads (leaders may export what they may read), so it is not a write.
    "employers:employer_export": Spec(methods=("post",)),
}
API_SPECS: dict[tuple[str, str], Spec] = {}
