"""This app's audit actions: a missed deadline escalated (督办) by the daily run.

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class DeadlineAction(models.TextChoices):
    DEADLINE_ESCALATED = "deadline_escalated", _("期限逾期督办")
