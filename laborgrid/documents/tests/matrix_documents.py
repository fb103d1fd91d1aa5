"""Permission-matrix entries for the documents pages (merged by core/tests/test_permission_matrix).

Not grid objects: staff read the layouts; numbering needs ``document.configure`` (the system
administrator), everyone else gets 404 (see ``test_views``).
"""

from __future__ import annotations

from laborgrid.testing.matrix import Spec

SPECS: dict[str, Spec] = {
    "documents:preview_list": Spec(),
    "documents:preview": Spec(),  # without ?type= it redirects to the list
    "documents:pattern_list": Spec(methods=("get", "post"), writes=True),
    "documents:pattern_delete": Spec(methods=("post",), writes=True),
}
API_SPECS: dict = {}
