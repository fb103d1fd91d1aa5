"""Two-factor sign-in with TOTP (等保 level 3 身份鉴别 d: two factors, one cryptographic).

A person enrols an authenticator app (any RFC 6238 app: 微信/支付宝 mini-programs, Google or
Microsoft Authenticator, FreeOTP) by scanning a QR code and confirming one code. From then on every
sign-in — page or API token — needs the current code. ``LABORGRID_MFA_REQUIRED`` makes enrolment
compulsory (production). A lost phone is reset by the 安全管理员, recorded in the audit log.
Devices, token checking, replay protection and throttling are django-otp's; the secret itself is
kept encrypted (``SealedTOTPDevice`` / ``TotpSecret``), never in django-otp's clear column.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from laborgrid.accounts.audit_actions import AccountAction
from laborgrid.accounts.models import TOTP_KEY_CONTEXT, SealedTOTPDevice, TotpSecret, User
from laborgrid.accounts.roles import Cap
from laborgrid.audit.models import AuditResult
from laborgrid.audit.services import record
from laborgrid.core.pii import seal
from laborgrid.core.scope import get_scope

DEVICE_NAME = "authenticator"


def confirmed_device(user: User) -> SealedTOTPDevice | None:
    return (
        SealedTOTPDevice.objects.select_related("sealed_secret")
        .filter(user=user, confirmed=True)
        .first()
    )


def mfa_needed(user: User) -> bool:
    """Whether this account must give a code to sign in. The install-wide requirement is for
    staff; for an employer account (issue 17) two-factor sign-in is optional: once it enrols an
    authenticator, the code is required."""
    required = settings.LABORGRID_MFA_REQUIRED and getattr(user, "employer_id", None) is None
    return required or confirmed_device(user) is not None


@transaction.atomic
def pending_device(user: User) -> SealedTOTPDevice:
    """The device being enrolled (kept across page reloads until confirmed).

    Its secret is made here and stored only encrypted; django-otp's ``key`` column gets a second,
    unrelated random value (a decoy that matches no authenticator app).
    """
    device = (
        SealedTOTPDevice.objects.select_related("sealed_secret")
        .filter(user=user, confirmed=False)
        .first()
    )
    if device is None:
        device = SealedTOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, confirmed=False, key=default_key()
        )
        TotpSecret.objects.create(
            device=device, key_enc=seal(default_key(), context=TOTP_KEY_CONTEXT)
        )
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (no image request, no external service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def secret_base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _failed(user: User, request: HttpRequest | None, stage: str) -> bool:
    record(
        AccountAction.MFA_FAILED,
        actor=user,
        request=request,
        result=AuditResult.FAILURE,
        detail={"stage": stage},
    )
    return False


def _verify(device: TOTPDevice, token: str) -> bool:
    token = "".join(ch for ch in token if ch.isdigit())
    # verify_token applies django-otp's throttling and refuses a code already used (replay).
    return bool(token) and bool(device.verify_token(token))


@transaction.atomic
def confirm_enrolment(*, user: User, token: str, request: HttpRequest | None = None) -> bool:
    """Confirm the pending device with a first code; replaces any earlier device."""
    device = pending_device(user)
    if not _verify(device, token):
        return _failed(user, request, "enrol")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    if request is not None and hasattr(request, "session"):
        otp_login(request, device)
    record(AccountAction.MFA_ENABLED, actor=user, request=request)
    return True


@transaction.atomic
def verify_sign_in(*, user: User, token: str, request: HttpRequest | None = None) -> bool:
    """Check a code at sign-in (page: marks the session verified; API: gates the token)."""
    device = confirmed_device(user)
    if device is None or not _verify(device, token):
        return _failed(user, request, "sign-in")
    if request is not None and hasattr(request, "session"):
        otp_login(request, device)
    record(AccountAction.MFA_VERIFIED, actor=user, request=request)
    return True


@transaction.atomic
def reset(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """Remove a person's authenticator (lost phone); they enrol again at next sign-in."""
    if not get_scope(actor).has(Cap.ROLE_MANAGE):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user).delete()
    record(AccountAction.MFA_RESET, actor=actor, request=request, obj=user)
