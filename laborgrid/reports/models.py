"""Pre-aggregated figures (the dashboard) and statistical returns (报表上报).

``FigureValue`` holds, for every grid and month, each figure's value over the grid's whole
subtree (rolled up), written by ``rollup.refresh`` — in the background worker, never per page
view. Zero values are not stored; ``RefreshState`` says which (tree, month) was counted and when,
so a missing row reads as 0 only where a count was made.

A ``Return`` is one grid's return for one period. Its ``lines`` are the figures' totals (drafted
from the records, adjusted with a note), its ``parts`` the rows it was drafted or consolidated
from (a township's villages, a county's townships), its ``corrections`` what was found after the
period was locked: a locked return and its lines never change again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet
from laborgrid.lib import periods
from laborgrid.reports.choices import PartSource, PeriodKind, ReturnStatus

USER = settings.AUTH_USER_MODEL


class FigureValue(models.Model):
    grid = models.ForeignKey("grids.Grid", on_delete=models.CASCADE, related_name="+")
    grid_path = PathField(db_index=True, editable=False)
    month = models.DateField()  # the first day of the month
    key = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("统计数")
        verbose_name_plural = _("统计数")
        constraints = [
            models.UniqueConstraint(fields=["grid", "month", "key"], name="figure_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.month:%Y-%m} {self.key}={self.value}"


class RefreshState(models.Model):
    """One count of a tree (``root_path``) for a month: when it was made and whether it holds
    the states of that month (``has_current``: written while the month was the current one)."""

    root_path = PathField()
    month = models.DateField()
    computed_at = models.DateTimeField()
    counted_on = models.DateField()
    has_current = models.BooleanField(default=False)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("统计刷新")
        verbose_name_plural = _("统计刷新")
        constraints = [
            models.UniqueConstraint(fields=["root_path", "month"], name="refresh_state_unique")
        ]

    def __str__(self) -> str:
        return f"{self.root_path} {self.month:%Y-%m}"


class ReturnQuerySet(ScopedQuerySet["Return"]):
    scope_path_field = "grid_path"


class Return(models.Model):
    grid = models.ForeignKey(
        "grids.Grid",
        to_field="code",
        db_column="grid_code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("网格"),
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    period_kind = models.CharField(_("报表类型"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("统计期起始日"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    drafted_at = models.DateTimeField(_("生成时间"))
    drafted_on = models.DateField(_("时点数截至"))
    drafted_by = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("起草人")
    )
    signed_at = models.DateTimeField(_("签报时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签报人"),
    )
    consolidated_at = models.DateTimeField(_("汇总时间"), null=True, blank=True)
    consolidated_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("汇总人"),
    )
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    locked_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("锁定人"),
    )
    note = models.TextField(_("说明"), blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        verbose_name = _("统计报表")
        verbose_name_plural = _("统计报表")
        ordering = ["-period_start", "grid_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "period_kind", "period_start"], name="return_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReturnStatus.values), name="return_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReturnStatus.LOCKED) | Q(locked_at__isnull=False),
                name="return_locked_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.period.key}"

    def get_absolute_url(self) -> str:
        return reverse("reports:return_detail", args=[self.grid_id, self.period.key])

    @property
    def period(self) -> periods.Period:
        return periods.Period(self.period_start, self.period_kind)

    @property
    def locked(self) -> bool:
        return self.status == ReturnStatus.LOCKED


class ReturnLine(models.Model):
    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    key = models.CharField(_("指标"), max_length=60)
    drafted = models.DecimalField(_("系统生成数"), max_digits=18, decimal_places=2)
    value = models.DecimalField(_("上报数"), max_digits=18, decimal_places=2)
    note = models.CharField(_("调整说明"), max_length=500, blank=True)
    adjusted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adjusted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("报表指标")
        verbose_name_plural = _("报表指标")
        constraints = [
            models.UniqueConstraint(fields=["ret", "key"], name="return_line_unique"),
            models.CheckConstraint(
                condition=Q(value=models.F("drafted")) | ~Q(note=""),
                name="return_line_adjustment_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

    @property
    def adjusted(self) -> bool:
        return self.value != self.drafted


class ReturnPart(models.Model):
    """A row the return was drafted or consolidated from: a child grid (its signed return's
    figures, or the records' when it did not sign) or the grid's own direct records."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="parts")
    grid = models.ForeignKey(
        "grids.Grid",
        to_field="code",
        db_column="grid_code",
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(max_length=12, choices=PartSource.choices)
    source_return = models.ForeignKey(
        Return, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    values = models.JSONField(default=dict)  # figure key → decimal as string
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ret", "grid"], name="return_part_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ret_id} {self.grid_id}"


class ReturnCorrection(models.Model):
    """A correction found after the period was locked: listed apart, the locked figure stays."""

    ret = models.ForeignKey(Return, on_delete=models.PROTECT, related_name="corrections")
    key = models.CharField(_("指标"), max_length=60)
    locked_value = models.DecimalField(_("锁定数"), max_digits=18, decimal_places=2)
    value = models.DecimalField(_("更正数"), max_digits=18, decimal_places=2)
    note = models.CharField(_("更正说明"), max_length=500)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("锁定后更正")
        verbose_name_plural = _("锁定后更正")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="return_correction_has_note"),
        ]

    def __str__(self) -> str:
        return f"{self.ret_id} {self.key}"
