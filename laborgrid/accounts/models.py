"""People and their place in the grid: 网格定位、人员定格、责任到人.

A ``User`` is one named person (no shared accounts, SECURITY.md 访问控制 c). What they may see and do
comes only from ``GridAssignment`` rows: a role held on a grid for a period.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from binascii import unhexlify

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from laborgrid.accounts.roles import Role


class User(AbstractUser):
    """A staff account, or an employer's account (``employer`` set: issue 17).

    Chinese names are one field; phones are official work contacts. An employer account speaks
    for one employer in the portal (``/portal/``, ``/api/v1/portal/``) and is never staff: it
    holds no grid role, and the portal's middleware and the API authentication refuse it every
    staff page and endpoint. The link sits on the user row so that the check costs no query.
    """

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("工作电话"), max_length=20, blank=True)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    account_expires_on = models.DateField(
        _("账号有效期至"), null=True, blank=True, help_text=_("过期后不能登录（临时人员）。")
    )
    is_demo = models.BooleanField(_("演示账号"), default=False)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("管理员设置的初始密码，首次登录后必须修改。")
    )
    employer = models.ForeignKey(
        "employers.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_users",
        verbose_name=_("所属用人单位"),
        help_text=_("用人单位账号：只能进入网上申报区，不是工作人员账号。"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_employer_account(self) -> bool:
        return self.employer_id is not None

    def account_expired(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.account_expires_on is not None and self.account_expires_on < today

    def password_expired(self) -> bool:
        if self.must_change_password:
            return True
        max_age = settings.LABORGRID_PASSWORD_MAX_AGE_DAYS
        if not max_age:
            return False
        changed = self.password_changed_at or self.date_joined
        return timezone.now() - changed > dt.timedelta(days=max_age)


class GridAssignmentQuerySet(models.QuerySet["GridAssignment"]):
    def current(self, on: dt.date | None = None) -> GridAssignmentQuerySet:
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on)
        )


class GridAssignment(models.Model):
    """A role held by a person on a grid for a period; scope covers the grid's whole subtree."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("人员")
    )
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("网格")
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    duty = models.CharField(_("责任分工"), max_length=200, blank=True)
    valid_from = models.DateField(_("生效日期"), default=timezone.localdate)
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GridAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格岗位")
        verbose_name_plural = _("网格岗位")
        ordering = ["grid__path", "role", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="assignment_valid_range",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="assignment_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "valid_from"], name="assignment_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.grid}"

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for the API: stored only as a SHA-256 hash, expiring, revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    created_ip = models.GenericIPAddressField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


#: Encryption context of TOTP secrets (bound into every token: a token copied elsewhere fails).
TOTP_KEY_CONTEXT = "totp.key"


class TotpSecret(models.Model):
    """The secret of a TOTP authenticator, encrypted with the field key ring.

    SECURITY.md 数据保密性: authentication data (鉴别数据) is kept confidential in storage by
    cryptography. django-otp keeps the secret in clear in ``otp_totp_totpdevice.key``; here it is
    sealed (AES-256-GCM or SM4-GCM, ``laborgrid.core.pii``) and django-otp's column holds a random
    decoy that matches no authenticator, so a database dump does not let anyone compute codes,
    and a code path reading the stock column fails closed.
    """

    device = models.OneToOneField(
        "otp_totp.TOTPDevice",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="sealed_secret",
    )
    key_enc = models.TextField(_("密钥（加密）"))

    class Meta:
        verbose_name = _("动态口令密钥")
        verbose_name_plural = _("动态口令密钥")

    def __str__(self) -> str:
        return f"TotpSecret({self.pk})"


class SealedTOTPDevice(TOTPDevice):
    """django-otp's TOTP device reading its secret from :class:`TotpSecret`.

    Code checking, throttling and replay protection stay django-otp's; only ``bin_key`` differs.
    """

    class Meta:
        proxy = True

    @property
    def bin_key(self) -> bytes:
        from laborgrid.core.pii import unseal

        return unhexlify(unseal(self.sealed_secret.key_enc, context=TOTP_KEY_CONTEXT))
