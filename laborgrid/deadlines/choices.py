"""The units a period is counted in (DOMAIN B1.10 "Day type")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    """工作日按官方工作日历计算（起算日不计入）；自然日按日历日；小时按时钟小时。

    The values of the first two are the case workflow's ``DayType`` values, so the case deadlines
    moved into this table unchanged.
    """

    WORKING = "working", _("工作日")
    CALENDAR = "calendar", _("自然日")
    HOURS = "hours", _("小时")


#: Units whose due date is a day (``due``); ``HOURS`` has a moment (``due_at``) as well.
DAY_UNITS = frozenset({Unit.WORKING, Unit.CALENDAR})
