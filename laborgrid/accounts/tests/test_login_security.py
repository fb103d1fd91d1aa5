"""Login security baseline (SECURITY.md 身份鉴别 a–b): argon2, password rules, lockout, idle timeout."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.audit_actions import AccountAction
from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditEvent
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_demo_password_logs_in_and_is_hashed_with_argon2() -> None:
    user = User.objects.get(username="maochang")
    assert user.password.startswith("argon2")
    client = Client()
    response = _login(client, "maochang", settings.LABORGRID_DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!xyz", "password_too_short"),
        ("abcdefghijk1", "password_too_simple"),  # 2 classes
        ("Maochang2026!", "password_contains_username"),
        ("Password123!", "password_common_pattern"),  # 4 classes, yet the first word guessed
        ("P@ssw0rd2026", "password_common_pattern"),  # look-alike swaps
        ("Woaini#1314", "password_common_pattern"),  # pinyin
        ("Dafang#2027", "password_common_pattern"),  # the county's name (context word)
        ("Admin@12345", "password_common_pattern"),
        ("Qwer1234!@#$", "password_keyboard_sequence"),
        ("1qaz2wsx#EDC", "password_keyboard_sequence"),
        ("Abcd1234!", "password_keyboard_sequence"),
        ("Xinmima#2027ok", None),
        ("Gongzuo#2026ab", None),
        ("Tq7#mPx2Lk!v", None),
    ],
)
def test_password_rules(password: str, reason: str | None) -> None:
    user = User(username="maochang")
    if reason is None:
        validate_password(password, user)
        return
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    assert reason in [e.code for e in exc.value.error_list]


def test_published_demo_password_is_refused_except_when_seeding_demo_accounts() -> None:
    existing = User.objects.get(username="maochang")
    with pytest.raises(ValidationError) as exc:
        validate_password(settings.LABORGRID_DEMO_PASSWORD, existing)
    assert "password_is_demo" in [e.code for e in exc.value.error_list]
    assert "公开的演示密码" in str(exc.value)
    with pytest.raises(ValidationError):
        validate_password(settings.LABORGRID_DEMO_PASSWORD, User(username="zhangsan"))
    # seed_demo creates demo accounts with it (they are marked is_demo)
    validate_password(settings.LABORGRID_DEMO_PASSWORD, User(username="demo-x", is_demo=True))


def test_password_change_revokes_api_tokens() -> None:
    from laborgrid.accounts.models import ApiToken
    from laborgrid.accounts.services import issue_token

    user = User.objects.get(username="maochang")
    raw, _token = issue_token(user=user, name="脚本")
    api = Client()
    auth = f"Bearer {raw}"
    assert api.get("/api/v1/grids", HTTP_AUTHORIZATION=auth).status_code == 200
    client = client_for("maochang")
    new = "Xinmima#2027ok"
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": settings.LABORGRID_DEMO_PASSWORD,
            "new_password1": new,
            "new_password2": new,
        },
    )
    assert response.status_code == 302
    assert not ApiToken.objects.usable().filter(user=user).exists()
    assert api.get("/api/v1/grids", HTTP_AUTHORIZATION=auth).status_code == 401
    event = AuditEvent.objects.filter(action=AccountAction.PASSWORD_CHANGED, username="maochang")
    assert event.latest("id").detail["tokens_revoked"] == 1


def test_weak_password_message_is_chinese_on_the_change_page() -> None:
    client = client_for("maochang")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": settings.LABORGRID_DEMO_PASSWORD,
            "new_password1": "Password123!",
            "new_password2": "Password123!",
        },
    )
    assert response.status_code == 200
    assert "容易被猜中" in response.content.decode()


def test_common_password_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_password("password1234", User(username="x"))
    assert "password_too_common" in [e.code for e in exc.value.error_list]


def test_lockout_after_five_failures_keyed_on_username_and_ip() -> None:
    client = Client()
    for _ in range(4):
        assert _login(client, "maochang", "wrong-password").status_code == 200
    assert (
        _login(client, "maochang", "wrong-password").status_code == 429
    )  # the fifth failure locks
    locked = _login(client, "maochang", settings.LABORGRID_DEMO_PASSWORD)
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert AuditEvent.objects.filter(action=AccountAction.LOCKOUT, username="maochang").exists()
    assert (
        AuditEvent.objects.filter(action=AccountAction.LOGIN_FAILED, username="maochang").count()
        >= 5
    )
    # the same account from another address is not locked (no lockout of others by a stranger)
    other = Client()
    assert (
        _login(other, "maochang", settings.LABORGRID_DEMO_PASSWORD, ip="10.0.0.2").status_code
        == 302
    )


def test_session_expires_after_idle_timeout() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True  # the 30 minutes restart on each request
    client = Client()
    _login(client, "maochang", settings.LABORGRID_DEMO_PASSWORD)
    from django.contrib.sessions.models import Session

    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_disabled_and_expired_accounts_lose_their_session() -> None:
    client = client_for("maochang-a1")
    assert client.get("/").status_code == 200
    User.objects.filter(username="maochang-a1").update(is_active=False)
    assert client.get("/").status_code == 302
    client = client_for("maochang")
    User.objects.filter(username="maochang").update(
        account_expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert client.get("/").status_code == 302
    assert (
        _login(Client(), "maochang", settings.LABORGRID_DEMO_PASSWORD).status_code == 200
    )  # refused


def test_expired_password_forces_a_change() -> None:
    User.objects.filter(username="maochang").update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client = client_for("maochang")
    response = client.get("/grids/")
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:password_change"
    )
    new = "Xinmima#2027ok"
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": settings.LABORGRID_DEMO_PASSWORD,
            "new_password1": new,
            "new_password2": new,
        },
    )
    assert response.status_code == 302
    assert client.get("/grids/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AccountAction.PASSWORD_CHANGED, username="maochang"
    ).exists()


def test_weak_new_password_is_refused_with_a_message() -> None:
    client = client_for("maochang")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": settings.LABORGRID_DEMO_PASSWORD,
            "new_password1": "short",
            "new_password2": "short",
        },
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode()


def test_no_default_accounts_outside_the_demo() -> None:
    """Every account that exists in a fresh test database was made by seed_demo, marked as demo."""
    assert not User.objects.filter(is_demo=False).exists()
    assert not User.objects.filter(is_superuser=True).exists()


def test_secadmin_lifts_a_lockout_and_it_is_audited() -> None:
    client = Client()
    for _ in range(5):
        _login(client, "maochang", "wrong-password")
    secadmin = client_for("secadmin")
    page = secadmin.get(reverse("accounts:lockout_list")).content.decode()
    assert "maochang" in page and "10.0.0.1" in page
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="maochang")
    secadmin.post(reverse("accounts:lockout_reset", args=[attempt.pk]))
    assert _login(client, "maochang", settings.LABORGRID_DEMO_PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action=AccountAction.UNLOCK, object_id="maochang").exists()


def test_client_address_comes_from_trusted_proxies_only(settings: Any) -> None:
    settings.LABORGRID_TRUSTED_PROXIES = ["127.0.0.1"]
    Client().post(
        LOGIN,
        {"username": "nobody", "password": "x"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
    )
    assert AuditEvent.objects.filter(username="nobody").latest("id").ip == "198.51.100.7"
    # a client that is not our proxy cannot choose its address
    Client().post(
        LOGIN,
        {"username": "nobody2", "password": "x"},
        REMOTE_ADDR="198.51.100.8",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
    )
    assert AuditEvent.objects.filter(username="nobody2").latest("id").ip == "198.51.100.8"


def test_session_ends_after_the_absolute_lifetime() -> None:
    client = Client()
    _login(client, "maochang", settings.LABORGRID_DEMO_PASSWORD)
    session = client.session
    session["laborgrid_login_at"] -= settings.LABORGRID_SESSION_MAX_HOURS * 3600 + 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_admin_set_password_must_be_changed_at_first_sign_in() -> None:
    client_for("sysadmin").post(
        reverse("accounts:user_create"),
        {"username": "wangwu", "full_name": "王五", "password": "Chushi#2026ab"},
    )
    client = Client()
    assert _login(client, "wangwu", "Chushi#2026ab").status_code == 302
    response = client.get("/")
    assert response["Location"] == reverse("accounts:password_change")
