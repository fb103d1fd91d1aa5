"""Staff management: 系统管理员 creates accounts, 安全管理员 assigns roles; 三员 stay separate."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from laborgrid.accounts import services
from laborgrid.accounts.audit_actions import AccountAction
from laborgrid.accounts.models import GridAssignment, User
from laborgrid.audit.models import AuditEvent
from laborgrid.core.scope import get_scope
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def test_sysadmin_creates_a_user_and_weak_passwords_are_refused() -> None:
    client = client_for("sysadmin")
    form = {"username": "zhangsan", "full_name": "张三", "phone": "13800000000", "password": "weak"}
    response = client.post(reverse("accounts:user_create"), form)
    assert response.status_code == 200 and not User.objects.filter(username="zhangsan").exists()
    assert "密码" in response.content.decode()
    form["password"] = "Gongzuo#2026ab"
    response = client.post(reverse("accounts:user_create"), form)
    user = User.objects.get(username="zhangsan")
    assert response.status_code == 302 and user.password.startswith("argon2")
    assert AuditEvent.objects.filter(
        action=AccountAction.USER_CREATED, object_id=str(user.pk)
    ).exists()
    # duplicate username
    response = client.post(reverse("accounts:user_create"), form)
    assert "已存在" in response.content.decode()


def test_secadmin_assigns_and_ends_a_role_and_scope_follows() -> None:
    user = User.objects.get(username="brigade-1")
    client = client_for("secadmin")
    response = client.post(
        reverse("accounts:assignment_add", args=[user.pk]),
        {"grid": MAOCHANG, "role": "grid_officer", "valid_from": "2026-01-01", "duty": "企业走访"},
    )
    assert response.status_code == 302
    assignment = GridAssignment.objects.get(user=user, grid__code=MAOCHANG, role="grid_officer")
    client.post(reverse("accounts:assignment_end", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.valid_to is not None  # kept as history, not deleted
    assert AuditEvent.objects.filter(action=AccountAction.ROLE_ENDED).exists()


def test_sysadmin_cannot_assign_roles_and_secadmin_cannot_create_users() -> None:
    user = User.objects.get(username="brigade-1")
    assert (
        client_for("sysadmin")
        .post(
            reverse("accounts:assignment_add", args=[user.pk]),
            {"grid": MAOCHANG, "role": "assistant", "valid_from": "2026-01-01"},
        )
        .status_code
        == 404
    )
    assert client_for("secadmin").get(reverse("accounts:user_create")).status_code == 404


def test_admin_roles_need_separate_accounts() -> None:
    county = Grid.objects.get(code="520521")
    with pytest.raises(ValidationError, match="三员分立"):
        services.assign_role(
            actor=User.objects.get(username="secadmin"),
            user=User.objects.get(username="county"),
            grid=county,
            role="auditor",
        )
    with pytest.raises(ValidationError, match="三员分立"):
        services.assign_role(
            actor=User.objects.get(username="secadmin"),
            user=User.objects.get(username="sysadmin"),
            grid=county,
            role="assistant",
        )


def test_admin_roles_hold_no_work_capabilities() -> None:
    for username in ("sysadmin", "secadmin", "auditor"):
        scope = get_scope(User.objects.get(username=username))
        assert not scope.has("work.read") and not scope.has("work.write"), username
    assert get_scope(User.objects.get(username="auditor")).by_capability.keys() == {"audit.read"}


def test_assignment_validity_dates_govern_scope() -> None:
    user = User.objects.get(username="machang")
    assignment = GridAssignment.objects.get(user=user, grid__code=MACHANG)
    GridAssignment.objects.filter(pk=assignment.pk).update(valid_from="2099-01-01", valid_to=None)
    assert not get_scope(User.objects.get(username="machang")).has("grid.read")


def test_user_form_rejects_bad_phone() -> None:
    client = client_for("sysadmin")
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "lisi", "full_name": "李四", "phone": "abc", "password": "Li#Si2026abc"},
    )
    assert "电话号码格式不正确" in response.content.decode()


def test_sysadmin_sets_an_initial_password_that_must_be_changed() -> None:
    from django.test import Client

    from laborgrid.accounts.services import issue_token

    target = User.objects.get(username="brigade-3")
    assert not target.has_usable_password()
    client = client_for("sysadmin")
    weak = client.post(
        reverse("accounts:user_set_password", args=[target.pk]), {"password": "short"}
    )
    assert weak.status_code == 200 and "密码" in weak.content.decode()
    response = client.post(
        reverse("accounts:user_set_password", args=[target.pk]), {"password": "Chushi#2026xy"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.must_change_password and target.check_password("Chushi#2026xy")
    assert AuditEvent.objects.filter(
        action=AccountAction.PASSWORD_RESET, object_id=str(target.pk)
    ).exists()
    user_client = Client()
    assert (
        user_client.post(
            "/accounts/login/", {"username": "brigade-3", "password": "Chushi#2026xy"}
        ).status_code
        == 302
    )
    assert user_client.get("/")["Location"] == reverse("accounts:password_change")
    # an existing token of the owner ends when an administrator resets the password
    raw, _token = issue_token(user=User.objects.get(username="maochang-a1"))
    services.set_initial_password(
        actor=User.objects.get(username="sysadmin"),
        user=User.objects.get(username="maochang-a1"),
        password="Chongzhi#2027pq",  # the demo password + "x" is refused now
    )
    assert Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_sysadmin_edits_a_user_but_cannot_disable_themself() -> None:
    client = client_for("sysadmin")
    me = User.objects.get(username="sysadmin")
    form = {"full_name": "孙浩", "phone": "13800000001", "title": "系统管理员", "email": ""}
    response = client.post(reverse("accounts:user_edit", args=[me.pk]), form)  # is_active unticked
    assert response.status_code == 200 and "不能停用自己的账号" in response.content.decode()
    assert User.objects.get(pk=me.pk).is_active
    target = User.objects.get(username="brigade-4")
    response = client.post(
        reverse("accounts:user_edit", args=[target.pk]), {**form, "full_name": "新名字"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.full_name == "新名字" and not target.is_active
    assert AuditEvent.objects.filter(
        action=AccountAction.USER_UPDATED, object_id=str(target.pk)
    ).exists()
