"""Two-factor sign-in (password + TOTP): enrol, verify, required mode, API, reset by 安全管理员."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from laborgrid.accounts.audit_actions import AccountAction
from laborgrid.accounts.models import TOTP_KEY_CONTEXT, SealedTOTPDevice, TotpSecret, User
from laborgrid.audit.models import AuditEvent
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db
PASSWORD = settings.LABORGRID_DEMO_PASSWORD


def code(device: TOTPDevice, drift: int = 0) -> str:
    device = SealedTOTPDevice.objects.get(pk=device.pk)  # the secret is kept encrypted
    return str(
        totp(device.bin_key, device.step, device.t0, device.digits, device.drift + drift)
    ).zfill(device.digits)


def unthrottle(device: TOTPDevice) -> None:
    """django-otp makes the next try wait after a failure; tests do not wait."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()


def signed_in(username: str) -> Client:
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def enrol(username: str) -> TOTPDevice:
    client = client_for(username)
    page = client.get(reverse("accounts:mfa_setup")).content.decode()
    assert "<svg" in page  # the QR code is inline SVG, no external image
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    assert client.post(reverse("accounts:mfa_setup"), {"code": "000000"}).status_code == 200
    assert not TOTPDevice.objects.filter(user__username=username, confirmed=True).exists()
    unthrottle(device)
    response = client.post(reverse("accounts:mfa_setup"), {"code": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_enrolled_account_must_give_its_code_at_sign_in() -> None:
    device = enrol("maochang")
    assert AuditEvent.objects.filter(action=AccountAction.MFA_ENABLED, username="maochang").exists()
    client = signed_in("maochang")
    response = client.get("/grids/")
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:mfa_verify")
    )
    assert (
        client.get("/api/v1/auth/me").status_code == 401
    )  # the half-signed-in session is not enough
    bad = client.post(reverse("accounts:mfa_verify"), {"code": "123456", "next": "/grids/"})
    assert bad.status_code == 200
    assert AuditEvent.objects.filter(action=AccountAction.MFA_FAILED, username="maochang").exists()
    unthrottle(device)
    ok = client.post(
        reverse("accounts:mfa_verify"), {"code": code(device, drift=1), "next": "/grids/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/grids/"
    assert client.get("/grids/").status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 200


def test_accounts_without_mfa_sign_in_with_a_password_in_the_demo() -> None:
    assert settings.LABORGRID_MFA_REQUIRED is False
    assert signed_in("machang").get("/").status_code == 200


def test_required_mode_sends_everyone_to_enrol_first(settings: Any) -> None:
    settings.LABORGRID_MFA_REQUIRED = True
    client = signed_in("machang")
    response = client.get("/")
    assert response["Location"].startswith(reverse("accounts:mfa_setup"))
    assert client.get(reverse("accounts:mfa_setup")).status_code == 200
    device = TOTPDevice.objects.get(user__username="machang")
    client.post(reverse("accounts:mfa_setup"), {"code": code(device)})
    assert client.get("/").status_code == 200


def test_api_token_needs_the_code_when_enrolled(settings: Any) -> None:
    device = enrol("maochang")
    url = "/api/v1/auth/token"
    payload: dict[str, str] = {"username": "maochang", "password": PASSWORD}
    assert Client().post(url, payload, content_type="application/json").status_code == 401
    unthrottle(device)
    response = Client().post(
        url, {**payload, "otp": code(device, drift=1)}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["token"].startswith("lg_")
    settings.LABORGRID_MFA_REQUIRED = True
    other = Client().post(
        url, {"username": "machang", "password": PASSWORD}, content_type="application/json"
    )
    assert other.status_code == 403 and "动态口令" in other.json()["detail"]


def test_secadmin_resets_a_lost_authenticator() -> None:
    enrol("maochang-a1")
    target = User.objects.get(username="maochang-a1")
    assert (
        client_for("maochang").post(reverse("accounts:mfa_reset", args=[target.pk])).status_code
        == 404
    )
    response = client_for("secadmin").post(reverse("accounts:mfa_reset", args=[target.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert AuditEvent.objects.filter(
        action=AccountAction.MFA_RESET, object_id=str(target.pk)
    ).exists()


def test_replacing_an_authenticator_needs_the_password() -> None:
    enrol("maochang")
    client = signed_in("maochang")
    device = TOTPDevice.objects.get(user__username="maochang", confirmed=True)
    unthrottle(device)
    client.post(reverse("accounts:mfa_verify"), {"code": code(device, drift=1)})
    client.get(reverse("accounts:mfa_setup"))
    pending = TOTPDevice.objects.get(user__username="maochang", confirmed=False)
    refused = client.post(reverse("accounts:mfa_setup"), {"code": code(pending)})
    assert refused.status_code == 200
    assert TOTPDevice.objects.get(user__username="maochang", confirmed=True).pk == device.pk
    done = client.post(reverse("accounts:mfa_setup"), {"code": code(pending), "password": PASSWORD})
    assert done.status_code == 302
    assert TOTPDevice.objects.get(user__username="maochang", confirmed=True).pk == pending.pk


def test_totp_secret_is_stored_encrypted_and_the_clear_column_holds_a_decoy() -> None:
    """SECURITY.md 数据保密性 (鉴别数据): a database dump does not give the TOTP secret."""
    import importlib
    from base64 import b32decode

    from django.db import connection

    from laborgrid.accounts.mfa import secret_base32

    device = enrol("maochang")
    shown = secret_base32(SealedTOTPDevice.objects.get(pk=device.pk)).replace(" ", "")
    secret_hex = b32decode(shown + "=" * (-len(shown) % 8)).hex()
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM otp_totp_totpdevice")
        keys = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT key_enc FROM accounts_totpsecret")
        sealed = [row[0] for row in cursor.fetchall()]
    dumped = " ".join(keys + sealed).lower()
    assert secret_hex not in dumped and shown.lower() not in dumped
    assert TotpSecret.objects.get(device=device).key_enc.startswith("v")  # a key-ring token
    # django-otp's own model reads the decoy: its codes are not the authenticator's
    stock = TOTPDevice.objects.get(pk=device.pk)
    assert stock.bin_key != bytes.fromhex(secret_hex)
    # the migration's reverse puts the clear secret back; forwards seals it again
    migration = importlib.import_module("laborgrid.accounts.migrations.0002_totp_secrets_encrypted")
    from django.apps import apps

    migration.unseal_back(apps, None)
    assert TOTPDevice.objects.get(pk=device.pk).key == secret_hex
    assert not TotpSecret.objects.exists()
    migration.seal_existing(apps, None)
    assert TOTPDevice.objects.get(pk=device.pk).key != secret_hex
    from laborgrid.core.pii import unseal

    token = TotpSecret.objects.get(device=device).key_enc
    assert unseal(token, context=TOTP_KEY_CONTEXT) == secret_hex
    # and sign-in still works with the authenticator's code (the next step: the current one
    # was used at enrolment and is refused as a replay)
    client = signed_in("maochang")
    response = client.post(reverse("accounts:mfa_verify"), {"code": code(device, drift=1)})
    assert response.status_code == 302
