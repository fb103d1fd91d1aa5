"""Employer accounts (issue 17 §1): the activation letter and its one-time code.

An employer account is a :class:`laborgrid.accounts.models.User` whose ``employer`` is set. It is
created only by activating a letter a squadron issued: the letter names the person (several per
employer, each named: no shared accounts), the login name, and a one-time code. Only a salted
hash of the code is stored; it expires, it is used once, and a burst of wrong codes locks the
employer's open letters for a while (the USCC is public, the code is not).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet

USER = settings.AUTH_USER_MODEL


class PortalInviteQuerySet(ScopedQuerySet["PortalInvite"]):
    scope_path_field = "grid_path"

    def open(self) -> PortalInviteQuerySet:
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class PortalInvite(models.Model):
    """一份网上申报账号激活通知书: for one named person of one employer."""

    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        related_name="portal_invites",
        verbose_name=_("用人单位"),
    )
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    person_name = models.CharField(_("经办人姓名"), max_length=50)
    person_position = models.CharField(_("职务"), max_length=50, blank=True)
    username = models.CharField(_("登录名"), max_length=150, unique=True)
    code_salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("签发人")
    )
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("激活期限"))
    used_at = models.DateTimeField(_("激活时间"), null=True, blank=True)
    user = models.OneToOneField(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_invite",
        verbose_name=_("账号"),
    )
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects = PortalInviteQuerySet.as_manager()

    class Meta:
        verbose_name = _("激活通知书")
        verbose_name_plural = _("激活通知书")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True) | models.Q(user__isnull=False),
                name="portal_invite_used_has_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} · {self.person_name}"

    @property
    def state(self) -> str:
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"

    def get_state_display(self) -> Any:
        return {
            "used": _("已激活"),
            "revoked": _("已作废"),
            "expired": _("已过期"),
            "open": _("待激活"),
        }[self.state]
