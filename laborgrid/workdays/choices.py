"""Choices of the working-day calendar (DOMAIN B7)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """An exception to Monday–Friday: an official rest day, or a 调休 weekend working day."""

    REST = "rest", _("休息日")
    WORK = "work", _("调休上班")


class Holiday(models.TextChoices):
    """The statutory holidays (全国年节及纪念日放假办法, B7.1), the one-off 2015 commemoration
    (as ``chinese-calendar`` names it), and "other" for local days (放假办法 Art. 4, B7.2 point 4)."""

    NEW_YEARS_DAY = "new_years_day", _("元旦")
    SPRING_FESTIVAL = "spring_festival", _("春节")
    TOMB_SWEEPING_DAY = "tomb_sweeping_day", _("清明节")
    LABOUR_DAY = "labour_day", _("劳动节")
    DRAGON_BOAT_FESTIVAL = "dragon_boat_festival", _("端午节")
    MID_AUTUMN_FESTIVAL = "mid_autumn_festival", _("中秋节")
    NATIONAL_DAY = "national_day", _("国庆节")
    ANTI_FASCIST_70TH_DAY = "anti_fascist_70th_day", _("抗战胜利70周年纪念日")
    OTHER = "other", _("其他")


class YearSource(models.TextChoices):
    PACKAGE = "package", _("chinese-calendar 软件包")
    ADMINISTRATOR = "administrator", _("管理员录入")
