"""The portal's audit actions: letters issued and revoked, activations (and failed ones),
accounts disabled, answers to orders given in the portal."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class PortalAudit(models.TextChoices):
    INVITE_ISSUED = "portal_invite_issued", _("签发网上申报激活通知书")
    INVITE_REVOKED = "portal_invite_revoked", _("作废网上申报激活通知书")
    ACTIVATED = "portal_activated", _("用人单位账号激活")
    ACTIVATION_FAILED = "portal_activation_failed", _("用人单位账号激活失败")
    ACCOUNT_DISABLED = "portal_account_disabled", _("停用用人单位账号")
