"""The employer portal: accounts and their letters, the separation from staff (a walk of every
staff URL and API operation with an employer session and an employer token), the employer's own
objects only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.portal import services
from laborgrid.portal.models import PortalInvite
from laborgrid.reviews.tests import fixtures as f
from laborgrid.reviews.tests.helpers import STRONG, user, xingwang
from laborgrid.site.tests.test_permission_matrix import API_SPECS, SPECS, _state
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db

#: Pages an employer account may open besides the portal: its own sign-in pages.
SIGN_IN = {
    "accounts:login",
    "accounts:logout",
    "accounts:password_change",
    "accounts:mfa_setup",
    "accounts:mfa_verify",
    "core:healthz",  # the load balancer's health check, no data
    "set_language",  # the language switch (/i18n/)
}


def _resolver() -> Any:
    """Resolve the matrix's kwargs, each builder called once (some build a new object per call)."""
    memo: dict[Any, Any] = {}

    def resolve(kwargs: dict[str, Any] | None) -> dict[str, Any]:
        out = {}
        for k, v in (kwargs or {}).items():
            if callable(v):
                if v not in memo:
                    memo[v] = v()
                v = memo[v]
            out[k] = v
        return out

    return resolve


def _employer_client() -> tuple[Client, User]:
    account = User.objects.get(username="xingwang")
    return client_for("xingwang"), account


def test_an_employer_session_gets_404_on_every_staff_page() -> None:
    client, _account = _employer_client()
    resolve = _resolver()
    urls = [
        (name, reverse(name, kwargs=resolve(spec.other or spec.own)), spec.methods)
        for name, spec in sorted(SPECS.items())
        if not name.startswith("portal:") and name not in SIGN_IN
    ]
    before = _state()  # (resolving the URLs may build their objects)
    walked = 0
    for name, url, methods in urls:
        for method in methods:
            response = getattr(client, method)(url)
            if name == "site:home":  # the staff workbench sends an employer to its portal
                assert response.status_code == 302 and response.url == reverse("portal:home")
                continue
            assert response.status_code == 404, (name, method, response.status_code)
            walked += 1
    assert walked > 150
    assert _state() == before


def test_an_employer_token_and_session_get_403_on_every_staff_endpoint() -> None:
    client, account = _employer_client()
    raw, _token = issue_token(user=account)
    bearer = Client()
    resolve = _resolver()
    ops = [
        (method, template, template.format(**resolve(spec.other or spec.own)), spec)
        for (method, template), spec in sorted(API_SPECS.items())
        if not spec.public and not template.startswith(("/api/v1/portal/", "/api/v1/auth/"))
    ]
    before = _state()
    walked = 0
    for method, template, path, spec in ops:
        for c, headers in ((bearer, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}), (client, {})):
            response = getattr(c, method)(path, spec.lists if method == "get" else {}, **headers)
            assert response.status_code in (403, 404), (method, template, response.status_code)
            assert response.json()["detail"]
            walked += 1
    assert walked > 80
    assert _state() == before


def test_staff_never_enter_the_employer_area() -> None:
    for username in ("county", "maochang", "leader", "sysadmin"):
        client = client_for(username)
        for name in ("portal:home", "portal:order_list"):
            assert client.get(reverse(name)).status_code == 404, (username, name)
        assert client.get(reverse("portal:review", args=[2026])).status_code == 404
    assert client_for("maochang").get(reverse("portal:activate")).status_code == 200


def test_an_employer_never_sees_another_employers_order_or_review() -> None:
    client, _account = _employer_client()
    other_order = f.machang_order()
    assert client.get(reverse("portal:order_detail", args=[other_order])).status_code == 404
    assert (
        client.post(
            reverse("portal:order_answer", args=[other_order]), {"note": "已改正完毕"}
        ).status_code
        == 404
    )
    other = Client()
    other.force_login(User.objects.get(username=f.machang_account_name()))
    body = other.get(reverse("portal:home")).content.decode()
    assert "兴旺" not in body
    assert other.get("/")["Location"] == reverse("portal:home")


def test_issue_needs_the_squadron_of_the_grid() -> None:
    employer = xingwang()
    with pytest.raises(PermissionDenied):
        services.issue_invite(actor=user("maochang-a1"), employer=employer, person_name="张三")
    with pytest.raises(PermissionDenied):
        services.issue_invite(actor=user("machang"), employer=employer, person_name="张三")
    with pytest.raises(ValidationError):
        services.issue_invite(actor=user("maochang"), employer=employer, person_name="")


def test_activation_is_single_use_expires_and_locks_after_wrong_codes() -> None:
    employer = xingwang()
    invite, code = services.issue_invite(
        actor=user("maochang"), employer=employer, person_name="李明"
    )
    assert code not in invite.code_hash and invite.code_salt
    with pytest.raises(ValidationError) as weak:
        services.activate(uscc=employer.uscc or "", code=code, password="short")
    assert "password" in weak.value.message_dict
    for _i in range(services.MAX_FAILURES):
        with pytest.raises(ValidationError):
            services.activate(uscc=employer.uscc or "", code="WRONGCODE123", password=STRONG)
    with pytest.raises(ValidationError) as locked:  # even the right code, while locked
        services.activate(uscc=employer.uscc or "", code=code, password=STRONG)
    assert "分钟后再试" in str(locked.value)
    PortalInvite.objects.filter(employer=employer).update(locked_until=None)
    account = services.activate(
        uscc=(employer.uscc or "").lower(), code=services.format_code(code), password=STRONG
    )
    assert account.employer_id == employer.pk and account.full_name == "李明"
    assert not account.assignments.exists()
    with pytest.raises(ValidationError):
        services.activate(uscc=employer.uscc or "", code=code, password=STRONG)
    late, code2 = services.issue_invite(
        actor=user("maochang"), employer=employer, person_name="王五"
    )
    PortalInvite.objects.filter(pk=late.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    with pytest.raises(ValidationError):
        services.activate(uscc=employer.uscc or "", code=code2, password=STRONG)


def test_the_letter_is_a_pdf_and_a_failed_letter_leaves_nothing() -> None:
    employer = xingwang()
    response = client_for("maochang").post(
        reverse("portal_staff:invite_create"),
        {"uscc": employer.uscc, "person_name": "赵六"},
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"
    before = PortalInvite.objects.count()
    response = client_for("maochang").post(
        reverse("portal_staff:invite_create"), {"uscc": employer.uscc, "person_name": "𠮷田"}
    )
    assert response.status_code == 200 and "无法打印" in response.content.decode()
    assert PortalInvite.objects.count() == before


def test_disabled_accounts_stop_at_once() -> None:
    client, account = _employer_client()
    raw, _token = issue_token(user=account)
    services.disable_account(actor=user("maochang"), account=account)
    assert client.get(reverse("portal:home")).status_code == 302
    assert Client().get("/api/v1/portal/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_api_activate_token_and_me() -> None:
    employer = xingwang()
    api = Client()
    response = api.post(
        f"/api/v1/employers/{employer.pk}/portal-invites",
        {"person_name": "钱七"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issue_token(user=user('maochang'))[0]}",
    )
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    response = api.post(
        "/api/v1/portal/activate",
        {"uscc": employer.uscc, "code": code, "password": STRONG},
        content_type="application/json",
    )
    assert response.status_code == 201
    username = response.json()["username"]
    response = api.post(
        "/api/v1/auth/token",
        {"username": username, "password": STRONG},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me: dict[str, Any] = api.get("/api/v1/portal/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me["employer_id"] == employer.pk and me["review_years"]
    assert api.get("/api/v1/employers", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403


def test_two_factor_is_optional_for_employer_accounts(settings: Any) -> None:
    from laborgrid.accounts import mfa

    settings.LABORGRID_MFA_REQUIRED = True
    assert not mfa.mfa_needed(User.objects.get(username="xingwang"))
    assert mfa.mfa_needed(user("maochang"))


def test_employer_accounts_are_not_in_the_staff_user_admin() -> None:
    from laborgrid.accounts.views import manageable_users

    assert not manageable_users(user("sysadmin")).filter(employer__isnull=False).exists()
    account = User.objects.get(username="xingwang")
    response = client_for("sysadmin").get(reverse("accounts:user_detail", args=[account.pk]))
    assert response.status_code == 404


def test_password_and_two_factor_pages_use_the_portal_layout_for_employers(settings: Any) -> None:
    staff = client_for("maochang").get(reverse("accounts:password_change")).content.decode()
    assert "两网化管理平台" in staff and reverse("portal:order_list") not in staff
    settings.LABORGRID_MFA_REQUIRED = True  # for staff; employers may still go without
    client, account = _employer_client()
    for name in ("accounts:password_change", "accounts:mfa_setup"):
        body = client.get(reverse(name)).content.decode()
        assert reverse("portal:order_list") in body, name  # the portal's own navigation
        assert "用人单位网上申报" in body, name
        assert "两网化管理平台" not in body, name  # not the staff shell
        assert "本系统要求每个账号" not in body, name  # two-factor is optional for employers

    # The employer changes its password there and lands back in its portal.
    account.set_password(STRONG)
    account.save(update_fields=["password"])
    client.force_login(account)
    new = "Qz7!lantern-Harbor"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": STRONG, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert client.get(response["Location"], follow=True).request["PATH_INFO"] == reverse(
        "portal:home"
    )

    # With an authenticator enrolled, the sign-in step also shows the portal layout.
    from laborgrid.accounts import mfa

    device = mfa.pending_device(account)
    type(device).objects.filter(pk=device.pk).update(confirmed=True)
    account.refresh_from_db()
    client.force_login(account)
    response = client.get(reverse("accounts:mfa_verify"))
    assert response.status_code == 200, response.get("Location")
    body = response.content.decode()
    assert "用人单位网上申报" in body and "两网化管理平台" not in body
