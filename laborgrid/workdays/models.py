"""The official working-day calendar (DOMAIN A4, B7): one row per year, the exceptions per day.

A working day is Monday–Friday unless the calendar says it is a rest day, or a weekend day the
State Council's 调休 notice makes a working day. Only the exceptions are stored. A year counts for
deadline arithmetic only once ``is_complete`` (its notice has been entered): deadlines that reach
another year are not guessed (A4).

Every change goes through ``laborgrid.workdays.services`` and bumps ``CalendarRevision``, whose
number is the calendar version stored with each computed deadline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laborgrid.workdays.choices import DayKind, Holiday, YearSource


class CalendarRevision(models.Model):
    """The single row whose ``number`` is the calendar version; bumped by every edit."""

    number = models.PositiveIntegerField(_("版本号"), default=1)

    class Meta:
        verbose_name = _("工作日历版本")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="workdays_revision_single")]

    def __str__(self) -> str:
        return f"r{self.number}"


class CalendarYear(models.Model):
    """One calendar year: complete or not, where its data came from, its own version."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    is_complete = models.BooleanField(
        _("已录入全年安排"),
        default=False,
        help_text=_("已按国务院办公厅当年节假日安排通知录入全部放假和调休上班日。"),
    )
    source = models.CharField(_("来源"), max_length=20, choices=YearSource.choices)
    source_version = models.CharField(
        _("来源版本"), max_length=40, blank=True, help_text=_("例如软件包版本 1.11.0。")
    )
    notice = models.CharField(
        _("依据文件"), max_length=200, blank=True, help_text=_("例如国务院办公厅通知的文号。")
    )
    revision = models.PositiveIntegerField(_("修订版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("更新人"),
    )

    class Meta:
        verbose_name = _("日历年度")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1949) & Q(year__lte=2200), name="workdays_year_range"
            )
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def version(self) -> str:
        """The year's version string, e.g. ``2026.r3`` (the calendar revision of its last edit)."""
        return f"{self.year}.r{self.revision}"


class CalendarDay(models.Model):
    """An exception to Mon–Fri: a rest day (may fall on a weekend, for its holiday's name) or a
    weekend working day (调休上班, which must be a Saturday or Sunday: ``clean``)."""

    year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("年度")
    )
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=DayKind.choices)
    holiday = models.CharField(_("节日"), max_length=32, choices=Holiday.choices)
    note = models.CharField(_("备注"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("放假/调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
