"""Permission-matrix entries of the written review's staff pages and API (found by
site/tests/test_permission_matrix)."""

from __future__ import annotations

from laborgrid.reviews.tests import fixtures as f
from laborgrid.testing.matrix import Spec

_year = {"other": {"pk": f.machang_year}, "own": {"pk": f.county_year}}
_target = {"other": {"pk": f.machang_target}, "own": {"pk": f.maochang_target}}
_sub = {"other": {"pk": f.machang_submission}, "own": {"pk": f.maochang_submission}}

SPECS: dict[str, Spec] = {
    "reviews:year_list": Spec(),
    "reviews:year_create": Spec(methods=("get", "post"), writes=True),
    "reviews:year_detail": Spec(**_year),  # type: ignore[arg-type]
    "reviews:year_remind": Spec(**_year, methods=("post",), writes=True),  # type: ignore[arg-type]
    "reviews:year_close": Spec(**_year, methods=("post",), writes=True),  # type: ignore[arg-type]
    "reviews:target_list": Spec(**_year),  # type: ignore[arg-type]
    "reviews:targets": Spec(lists={"show": "filed"}),
    "reviews:target_entry": Spec(**_target, methods=("get", "post"), writes=True),  # type: ignore[arg-type]
    "reviews:target_exclude": Spec(**_target, methods=("post",), writes=True),  # type: ignore[arg-type]
    "reviews:submission_detail": Spec(**_sub),  # type: ignore[arg-type]
    **{
        f"reviews:submission_{step}": Spec(**_sub, methods=("post",), writes=True)  # type: ignore[arg-type]
        for step in ("decide", "sample", "order")
    },
    "reviews:attachment_file": Spec(
        other={"pk": f.machang_submission, "file_id": f.machang_attachment},
        own={"pk": f.maochang_submission, "file_id": f.maochang_attachment},
    ),
}

API_SPECS: dict[tuple[str, str], Spec] = {
    ("get", "/api/v1/reviews"): Spec(lists={"year": "2026"}),
}
