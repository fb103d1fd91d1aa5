"""This app's audit actions: Every step of the statutory procedure is audited as one action with the step in detail.

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class CaseAction(models.TextChoices):
    CASE_ACTION = "case_action", _("案件操作")
