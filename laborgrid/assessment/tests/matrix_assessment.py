"""Permission-matrix entries for the assessment pages and API (found by
site/tests/test_permission_matrix).

``other`` points at 马场镇 (or, for the county's own pages — configuration, versions,
computation — at things only the county reaches: 猫场镇 staff get 404 for them); ``own`` at
something the read-only leader sees, so that a write answers 403. The API takes the grid as a
query parameter; its 马场镇 404 is in ``test_api``.
"""

from __future__ import annotations

from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG, MAOCHANG


def demo_run() -> int:
    """The demo's published assessment of 大方县 (county-only pages)."""
    from laborgrid.assessment.models import Assessment

    return Assessment.objects.filter(grid__code="520521").order_by("version").first().pk  # type: ignore[union-attr]


def machang_leader() -> int:
    from laborgrid.accounts.models import User

    return User.objects.get(username="machang").pk


def machang_check() -> int:
    from laborgrid.assessment.models import ChecklistCheck

    return ChecklistCheck.objects.filter(grid__code=MACHANG).exclude(photo="").first().pk  # type: ignore[union-attr]


_OTHER = {"code": MACHANG}
_OWN = {"code": MAOCHANG}

SPECS: dict[str, Spec] = {
    "assessment:ranking": Spec(),
    "assessment:scorecard": Spec(other=_OTHER, own=_OWN),
    "assessment:evidence": Spec(
        other={**_OTHER, "key": "freshness"}, own={**_OWN, "key": "freshness"}
    ),
    "assessment:person": Spec(other={"user_id": machang_leader}),
    # County-only pages without an object in the URL: 猫场镇 staff get 404, the leader 403 on
    # writes (``own={}``: the leader sees the page).
    "assessment:config": Spec(own={}, methods=("get", "post"), writes=True),
    "assessment:compute": Spec(own={}, methods=("post",), writes=True),
    "assessment:run_detail": Spec(),
    "assessment:review": Spec(
        other={"pk": demo_run}, own={"pk": demo_run}, methods=("post",), writes=True
    ),
    "assessment:publish": Spec(
        other={"pk": demo_run}, own={"pk": demo_run}, methods=("post",), writes=True
    ),
    "assessment:checklist_home": Spec(),
    "assessment:checklist": Spec(other=_OTHER, own=_OWN),
    "assessment:record_check": Spec(other=_OTHER, own=_OWN, methods=("post",), writes=True),
    "assessment:check_photo": Spec(other={"pk": machang_check}),
}
API_SPECS: dict[tuple[str, str], Spec] = {
    ("get", "/api/v1/assessment"): Spec(),
}
