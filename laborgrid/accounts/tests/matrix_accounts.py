"""Permission-matrix entries: people, roles, tokens, second factor and sign-in (found by ``site/tests/test_permission_matrix``)."""

from __future__ import annotations

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.accounts.services import issue_token
from laborgrid.testing.matrix import Spec


def _machang_user() -> int:
    return User.objects.get(username="machang").pk


def _maochang_user() -> int:
    return User.objects.get(username="maochang-a1").pk


def _machang_token() -> int:
    return issue_token(user=User.objects.get(username="machang"))[1].pk


def _machang_assignment() -> int:
    return GridAssignment.objects.filter(user__username="machang").first().pk  # type: ignore[union-attr]


def _maochang_assignment() -> int:
    return GridAssignment.objects.filter(user__username="maochang-a1").first().pk  # type: ignore[union-attr]


# kwargs values may be callables (resolved inside the test's transaction)
SPECS: dict[str, Spec] = {
    "accounts:login": Spec(public=True),
    "accounts:logout": Spec(public=True, methods=("post",)),
    "accounts:password_change": Spec(methods=("get", "post")),
    "accounts:token_list": Spec(),
    "accounts:mfa_setup": Spec(methods=("get", "post")),
    "accounts:mfa_verify": Spec(methods=("get", "post")),
    "accounts:mfa_reset": Spec(
        other={"pk": _machang_user}, own={"pk": _maochang_user}, methods=("post",), writes=True
    ),
    "accounts:token_revoke": Spec(other={"pk": _machang_token}, methods=("post",), writes=True),
    "accounts:user_list": Spec(lists={"q": ""}),
    "accounts:user_create": Spec(methods=("get", "post"), writes=True),
    "accounts:user_detail": Spec(other={"pk": _machang_user}, own={"pk": _maochang_user}),
    "accounts:user_edit": Spec(
        other={"pk": _machang_user},
        own={"pk": _maochang_user},
        methods=("get", "post"),
        writes=True,
    ),
    "accounts:user_set_password": Spec(
        other={"pk": _machang_user},
        own={"pk": _maochang_user},
        methods=("get", "post"),
        writes=True,
    ),
    "accounts:assignment_add": Spec(
        other={"pk": _machang_user}, own={"pk": _maochang_user}, methods=("post",), writes=True
    ),
    "accounts:assignment_end": Spec(
        other={"pk": _machang_assignment},
        own={"pk": _maochang_assignment},
        methods=("post",),
        writes=True,
    ),
    "accounts:lockout_list": Spec(),
    "accounts:lockout_reset": Spec(other={"pk": 999999}, methods=("post",), writes=True),
}
API_SPECS: dict[tuple[str, str], Spec] = {
    ("post", "/api/v1/auth/token"): Spec(public=True),
    ("delete", "/api/v1/auth/token"): Spec(),
    ("get", "/api/v1/auth/me"): Spec(),
}
