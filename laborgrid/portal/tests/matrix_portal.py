"""Permission-matrix entries of the employer portal (found by site/tests/test_permission_matrix).

The employer area answers 404 to every staff account (its ``other`` objects are a 马场镇
employer's; ``owner``: that employer's own account sees them). Staff pages for accounts are
scoped like every other."""

from __future__ import annotations

from laborgrid.reviews.tests import fixtures as f
from laborgrid.testing.matrix import Spec

OWNER = f.machang_account_name

SPECS: dict[str, Spec] = {
    "portal:activate": Spec(public=True, methods=("get", "post")),
    "portal:home": Spec(),
    "portal:order_list": Spec(),
    "portal:review": Spec(
        other={"year": f.machang_year_number}, methods=("get", "post"), owner=OWNER
    ),
    "portal:review_file": Spec(
        other={"year": f.machang_year_number, "pk": f.machang_attachment}, owner=OWNER
    ),
    "portal:order_detail": Spec(other={"pk": f.machang_order}, owner=OWNER),
    "portal:document_file": Spec(other={"pk": f.machang_order}, owner=OWNER),
    "portal:order_answer": Spec(other={"pk": f.machang_order}, methods=("post",), writes=True),
    "portal_staff:invite_list": Spec(lists={"q": "马场"}),
    "portal_staff:invite_create": Spec(methods=("post",), writes=True),
    "portal_staff:invite_revoke": Spec(
        other={"pk": f.machang_invite},
        own={"pk": f.maochang_invite},
        methods=("post",),
        writes=True,
    ),
    "portal_staff:account_disable": Spec(
        other={"pk": f.machang_account},
        own={"pk": f.maochang_account},
        methods=("post",),
        writes=True,
    ),
}

API_SPECS: dict[tuple[str, str], Spec] = {
    ("post", "/api/v1/employers/{employer_id}/portal-invites"): Spec(
        other={"employer_id": lambda: _employer(f.machang_target)},
        own={"employer_id": lambda: _employer(f.maochang_target)},
        writes=True,
    ),
    ("post", "/api/v1/portal/activate"): Spec(public=True),
    ("get", "/api/v1/portal/me"): Spec(),
    ("get", "/api/v1/portal/reviews/{year}"): Spec(other={"year": f.machang_year_number}),
    ("put", "/api/v1/portal/reviews/{year}"): Spec(
        other={"year": f.machang_year_number}, writes=True
    ),
    ("post", "/api/v1/portal/reviews/{year}/submit"): Spec(
        other={"year": f.machang_year_number}, writes=True
    ),
    ("get", "/api/v1/portal/reviews/{year}/attachments"): Spec(
        other={"year": f.machang_year_number}
    ),
    ("post", "/api/v1/portal/reviews/{year}/attachments"): Spec(
        other={"year": f.machang_year_number}, writes=True
    ),
    ("get", "/api/v1/portal/reviews/{year}/attachments/{attachment_id}"): Spec(
        other={"year": f.machang_year_number, "attachment_id": f.machang_attachment}
    ),
    ("delete", "/api/v1/portal/reviews/{year}/attachments/{attachment_id}"): Spec(
        other={"year": f.machang_year_number, "attachment_id": f.machang_attachment},
        writes=True,
    ),
    ("get", "/api/v1/portal/orders"): Spec(),
    ("get", "/api/v1/portal/orders/{order_id}"): Spec(other={"order_id": f.machang_order}),
    ("get", "/api/v1/portal/orders/{order_id}/document"): Spec(other={"order_id": f.machang_order}),
    ("post", "/api/v1/portal/orders/{order_id}/answer"): Spec(
        other={"order_id": f.machang_order}, writes=True
    ),
}


def _employer(target_pk: object) -> int:
    from laborgrid.reviews.models import ReviewTarget

    return ReviewTarget.objects.get(pk=target_pk()).employer_id  # type: ignore[operator]
