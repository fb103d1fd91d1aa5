"""Permission-matrix entries for these employer URLs (merged by core/tests/test_permission_matrix).

The create/edit/snapshot/merge/split pages (``laborgrid/employers/views/edit.py``). Each callable
builds its object inside the test's transaction: ``other`` in 马场镇, ``own`` in 猫场镇 (visible to
the read-only leader, who must get 403 on every write).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG_VILLAGE, MAOCHANG_VILLAGE


def _employer(grid_code: str) -> Callable[[], int]:
    def build() -> int:
        from laborgrid.testing.employers import make_employer

        return make_employer(grid_code).pk

    return build


def _employer_and_snapshot(grid_code: str) -> dict[str, Callable[[], int]]:
    """kwargs ``pk`` and ``snapshot_id`` for one employer's snapshot.

    The matrix resolves kwargs one by one, in order: ``pk`` builds both and ``snapshot_id``
    reads the snapshot built for that employer.
    """
    built: dict[str, Any] = {}

    def pk() -> int:
        from laborgrid.testing.employers import make_employer, make_snapshot

        employer = make_employer(grid_code)
        built["snapshot"] = make_snapshot(employer).pk
        return employer.pk

    def snapshot_id() -> int:
        return int(built["snapshot"])

    return {"pk": pk, "snapshot_id": snapshot_id}


def _merge(grid_code: str) -> Callable[[], int]:
    def build() -> int:
        from laborgrid.accounts.models import User
        from laborgrid.employers import services
        from laborgrid.testing.employers import make_employer, make_snapshot

        source, target = make_employer(grid_code), make_employer(grid_code)
        make_snapshot(source)
        merge = services.merge_employers(
            actor=User.objects.get(username="county"),
            source=source,
            target=target,
            reason="重复登记",
        )
        return merge.pk

    return build


SPECS: dict[str, Spec] = {
    # No object in the URL: the leader (no work.write anywhere) gets 404 from require_capability.
    "employers:employer_create": Spec(methods=("get", "post"), writes=True),
    "employers:employer_edit": Spec(
        other={"pk": _employer(MACHANG_VILLAGE)},
        own={"pk": _employer(MAOCHANG_VILLAGE)},
        methods=("get", "post"),
        writes=True,
    ),
    "employers:snapshot_create": Spec(
        other={"pk": _employer(MACHANG_VILLAGE)},
        own={"pk": _employer(MAOCHANG_VILLAGE)},
        methods=("get", "post"),
        writes=True,
    ),
    "employers:snapshot_withdraw": Spec(
        other=_employer_and_snapshot(MACHANG_VILLAGE),
        own=_employer_and_snapshot(MAOCHANG_VILLAGE),
        methods=("get", "post"),
        writes=True,
    ),
    "employers:employer_merge": Spec(
        other={"pk": _employer(MACHANG_VILLAGE)},
        own={"pk": _employer(MAOCHANG_VILLAGE)},
        methods=("get", "post"),
        writes=True,
    ),
    "employers:merge_revert": Spec(
        other={"merge_id": _merge(MACHANG_VILLAGE)},
        own={"merge_id": _merge(MAOCHANG_VILLAGE)},
        methods=("post",),
        writes=True,
    ),
    "employers:employer_split": Spec(
        other={"pk": _employer(MACHANG_VILLAGE)},
        own={"pk": _employer(MAOCHANG_VILLAGE)},
        methods=("get", "post"),
        writes=True,
    ),
}
API_SPECS: dict[tuple[str, str], Spec] = {}
