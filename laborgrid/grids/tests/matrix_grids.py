"""Permission-matrix entries: grid pages, the grid switcher and the grid API (found by ``site/tests/test_permission_matrix``)."""

from __future__ import annotations

from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG, MACHANG_VILLAGE, MAOCHANG, MAOCHANG_VILLAGE

# kwargs values may be callables (resolved inside the test's transaction)
SPECS: dict[str, Spec] = {
    "grids:switch_grid": Spec(methods=("post",)),
    "grids:grid_list": Spec(lists={"q": "马场"}),
    "grids:grid_map_home": Spec(),
    "grids:grid_detail": Spec(other={"code": MACHANG}, own={"code": MAOCHANG}),
    "grids:grid_children": Spec(other={"code": MACHANG}, own={"code": MAOCHANG}),
    "grids:grid_create": Spec(
        other={"code": MACHANG}, own={"code": MAOCHANG}, methods=("get", "post"), writes=True
    ),
    "grids:grid_edit": Spec(
        other={"code": MACHANG_VILLAGE},
        own={"code": MAOCHANG_VILLAGE},
        methods=("get", "post"),
        writes=True,
    ),
    "grids:grid_move": Spec(
        other={"code": MACHANG_VILLAGE},
        own={"code": MAOCHANG_VILLAGE},
        methods=("get", "post"),
        writes=True,
    ),
    "grids:grid_merge": Spec(
        other={"code": MACHANG_VILLAGE},
        own={"code": MAOCHANG_VILLAGE},
        methods=("get", "post"),
        writes=True,
    ),
    "grids:grid_map": Spec(other={"code": MACHANG}, own={"code": MAOCHANG}),
    "grids:grid_export": Spec(other={"code": MACHANG}, own={"code": MAOCHANG}, methods=("post",)),
    "grids:grid_map_data": Spec(other={"code": MACHANG}, own={"code": MAOCHANG}),
}
API_SPECS: dict[tuple[str, str], Spec] = {
    ("get", "/api/v1/grids"): Spec(lists={"q": "马场"}),
    ("get", "/api/v1/grids/{code}"): Spec(other={"code": MACHANG}, own={"code": MAOCHANG}),
}
