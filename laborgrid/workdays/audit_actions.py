"""This app's audit actions: Changes to the official working-day calendar (deadlines depend on it, DOMAIN A4).

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class CalendarAction(models.TextChoices):
    CALENDAR_CHANGED = "calendar_changed", _("修改工作日历")
    NOTICE_IMPORTED = "calendar_notice_imported", _("导入国务院节假日安排通知")
