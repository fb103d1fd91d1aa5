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
    # The employer's integrity grade and the blacklist's prior notice (ratings, issue 18).
    "portal:grade_detail": Spec(other={"pk": lambda: _grade()}, owner=OWNER),
    "portal:grade_letter": Spec(other={"pk": lambda: _grade()}, owner=OWNER),
    "portal:grade_objection": Spec(other={"pk": lambda: _grade()}, methods=("post",), writes=True),
    "portal:listing_detail": Spec(other={"pk": lambda: _listing()}, owner=OWNER),
    "portal:listing_letter": Spec(other={"pk": lambda: _listing()}, owner=OWNER),
    "portal:listing_statement": Spec(
        other={"pk": lambda: _listing()}, methods=("post",), writes=True
    ),
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


def _grade() -> int:
    """The approved 2026 grade of the 马场镇 employer whose account owns the portal objects."""
    from laborgrid.accounts.models import User
    from laborgrid.ratings.models import EmployerGrade

    employer_id = User.objects.get(pk=f.machang_account()).employer_id
    assert employer_id is not None
    return int(
        EmployerGrade.objects.filter(employer_id=employer_id, state="approved")
        .values_list("pk", flat=True)
        .order_by("-year")[0]
    )


def _listing() -> int:
    """A prior notice (事先告知) to that employer."""
    import datetime as dt

    from laborgrid.accounts.models import User
    from laborgrid.cases.models import Case
    from laborgrid.ratings.models import ArrearsListing

    employer = User.objects.get(pk=f.machang_account()).employer
    assert employer is not None
    found = ArrearsListing.objects.filter(employer=employer).first()
    if found is not None:
        return found.pk
    case = Case.objects.filter(category="wages").exclude(decision_kind="").order_by("pk").first()
    assert case is not None
    return ArrearsListing.objects.create(
        employer=employer,
        case=case,
        grid_id=employer.grid_id,
        grid_path=employer.grid_path,
        state="notified",
        condition="criminal_amount",
        name=employer.name,
        amount_owed=30000,
        facts="矩阵",
        proposed_by=User.objects.get(username="county"),
        proposed_on=dt.date(2026, 12, 1),
        notified_on=dt.date(2026, 12, 1),
        statement_due=dt.date(2026, 12, 8),
    ).pk
