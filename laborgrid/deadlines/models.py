"""One table of deadlines for every object of the platform (DOMAIN A4, B1.10).

A ``Deadline`` belongs to any object through ``content_type`` + ``object_id`` (the object's integer
primary key: every model of the platform has one) and hangs off the grid that handles the object
(``grid`` + denormalised ``grid_path``), so the board of a grid is one indexed prefix scan through
the scope engine (``Deadline.objects.visible_to(user)``).

Due dates:

* working days (工作日) and calendar days (自然日): ``due`` is a **date**, the last day of the
  period; the start day is not counted (民法典 Art. 201; 民事诉讼法 Art. 85). Working days count
  only working days of the official calendar (B7). A working-day period that runs into a year
  without official calendar data (no State Council notice entered yet) is computed
  **provisionally** from weekends and the statutory holidays of 全国年节及纪念日放假办法:
  ``provisional = True``, the years named in ``missing_years``, shown as 暂定 wherever it
  appears and recomputed when the notice is entered (A4). Only a year no rule covers leaves
  ``due = None`` (a warning, never a guess);
* hours (小时): ``due_at`` is the **moment** ``start_at + N hours`` (clock hours, holidays
  included: an hour-based reporting duty, e.g. an incident report, runs day and night); ``due``
  holds its local date so that boards sort and filter every unit on one column.

``kind`` is a free key each app registers in ``laborgrid.deadlines.registry`` (not DB choices: a
new app adds kinds without a migration here).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet
from laborgrid.deadlines.choices import Unit

#: A deadline this close (calendar days) is "due soon" on the boards.
DUE_SOON_DAYS = 3


class DeadlineQuerySet(ScopedQuerySet["Deadline"]):
    scope_path_field = "grid_path"

    def pending(self) -> DeadlineQuerySet:
        """Neither met nor voided."""
        return self.filter(met_on__isnull=True, voided=False)

    def overdue(
        self, today: dt.date | None = None, now: dt.datetime | None = None
    ) -> DeadlineQuerySet:
        """Pending and past due: the due day has passed, or (hours) the due moment."""
        today = today or timezone.localdate()
        return self.pending().filter(Q(due__lt=today) | Q(due_at__lt=now or timezone.now()))

    def due_within(self, days: int, today: dt.date | None = None) -> DeadlineQuerySet:
        today = today or timezone.localdate()
        return self.pending().filter(due__gte=today, due__lte=today + dt.timedelta(days=days))

    def missing_calendar(self) -> DeadlineQuerySet:
        """Pending deadlines that wait for a year's official calendar (no due date)."""
        return self.pending().filter(due__isnull=True)

    def provisional(self) -> DeadlineQuerySet:
        """Pending deadlines computed provisionally (暂定): a year's notice is not entered yet."""
        return self.pending().filter(provisional=True)

    def for_model(self, model: type[models.Model] | models.Model) -> DeadlineQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(model))

    def for_object(self, obj: models.Model) -> DeadlineQuerySet:
        return self.for_model(obj).filter(object_id=obj.pk)


class Deadline(models.Model):
    """A computed statutory deadline of one object, with the calendar version used (A4)."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("对象类型")
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("期限"), max_length=64)
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="deadlines", verbose_name=_("网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    start = models.DateField(_("起算日"))
    start_at = models.DateTimeField(_("起算时间"), null=True, blank=True)
    amount = models.PositiveIntegerField(_("期间"))
    unit = models.CharField(_("计算方式"), max_length=10, choices=Unit.choices)
    due = models.DateField(_("届满日"), null=True, blank=True)
    due_at = models.DateTimeField(_("届满时间"), null=True, blank=True)
    calendar_version = models.CharField(_("日历版本"), max_length=64, blank=True)
    missing_years = models.JSONField(default=list, blank=True)
    #: Stopped-clock intervals ([from, to] ISO dates) whose working days could not be counted yet
    #: (a year without calendar data): added to ``amount`` once the calendar covers them.
    uncounted_pauses = models.JSONField(default=list, blank=True)
    provisional = models.BooleanField(
        _("暂定"),
        default=False,
        help_text=_("期限跨入尚未录入节假日安排的年度，暂按周末和法定节假日计算。"),
    )
    met_on = models.DateField(_("完成日期"), null=True, blank=True)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    voided = models.BooleanField(_("已不适用"), default=False)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="deadlines_subject_idx"),
            models.Index(fields=["met_on", "voided", "due"], name="deadlines_open_idx"),
            models.Index(fields=["kind", "due"], name="deadlines_kind_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit=Unit.HOURS) | Q(due_at__isnull=True),
                name="deadlines_due_at_hours_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due}"

    def get_kind_display(self) -> str:
        from laborgrid.deadlines.registry import kind_label

        return kind_label(self.kind)

    def status(self, today: dt.date | None = None, now: dt.datetime | None = None) -> str:
        """open / due_soon / overdue / met / late / void / unknown (no calendar)."""
        today = today or timezone.localdate()
        if self.voided:
            return "void"
        if self.due is None:
            return "unknown"
        if self.met_on is not None:
            if self.due_at is not None and self.met_at is not None:
                return "met" if self.met_at <= self.due_at else "late"
            return "met" if self.met_on <= self.due else "late"
        if self.due_at is not None and self.due_at < (now or timezone.now()):
            return "overdue"
        if self.due < today:
            return "overdue"
        if (self.due - today).days <= DUE_SOON_DAYS:
            return "due_soon"
        return "open"

    def days_left(self, today: dt.date | None = None) -> int | None:
        if self.due is None:
            return None
        return (self.due - (today or timezone.localdate())).days
