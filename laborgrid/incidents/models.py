"""Mass incidents (群体性事件) and early warning (issue 19; DOMAIN A5, B1.9).

* ``IncidentLevel`` and ``WarningRule`` are the county's configuration, stored as data and
  edited on the settings page: grading thresholds (people, amount, acts), the alert chain of
  each level and its follow-up report deadlines in hours. National figures do not exist
  (DOMAIN A5); the defaults seeded by migration 0002 are assumptions the county edits.
* ``Incident``: one rapid report from the field (速报), idempotent on the phone's ``client_key``,
  graded on arrival; ``IncidentUpdate`` is its handling log (the initial, continuing and final
  reports among them); ``IncidentPhoto``: photos, encrypted at rest like collection photos.
* ``EarlyWarning``: an early warning raised by a rule for one subject (an employer), at most one
  standing (open or acknowledged) per rule and subject.

Every row hangs off a grid (``grid_path``) and is read through the scope engine. Writes go
through ``laborgrid.incidents.services``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet
from laborgrid.incidents.choices import (
    Act,
    IncidentStatus,
    LocateBy,
    UpdateKind,
    WarningStatus,
)

USER = settings.AUTH_USER_MODEL
MAX_PEOPLE = 1_000_000
MAX_AMOUNT = Decimal("9999999999.99")


class IncidentLevel(models.Model):
    """One level of the local emergency plan (应急预案). An incident takes the highest-ranked
    active level any of whose thresholds it reaches: ``min_people`` people, ``min_amount`` yuan
    claimed, or one of ``trigger_acts``. The lowest level should have ``min_people`` 1 (every
    report is graded). Report deadlines are clock hours (holidays included)."""

    code = models.SlugField(_("编码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    rank = models.PositiveSmallIntegerField(
        _("严重程度"), unique=True, help_text=_("数字越大越严重。")
    )
    min_people = models.PositiveIntegerField(
        _("人数达到"), null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    min_amount = models.DecimalField(
        _("涉及金额达到（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    trigger_acts = models.JSONField(
        _("出现以下行为即达到本级"), default=list, blank=True, help_text=_("行为编码列表。")
    )
    alert_brigade = models.BooleanField(_("报告县监察大队"), default=True)
    alert_bureau = models.BooleanField(_("报告局领导"), default=False)
    initial_report_hours = models.PositiveSmallIntegerField(
        _("首报时限（小时）"), default=2, validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    continuing_report_hours = models.PositiveSmallIntegerField(
        _("续报间隔（小时）"),
        default=24,
        validators=[MaxValueValidator(720)],
        help_text=_("0 表示不要求续报。"),
    )
    final_report_hours = models.PositiveSmallIntegerField(
        _("终报时限（小时）"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(2160)],
        help_text=_("自事件平息时起算。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("事件等级")
        verbose_name_plural = _("事件等级")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: the seeded default names are in the catalogue
        (``levels.DEFAULT_NAMES``); a name the county typed is shown as typed."""
        from django.utils.translation import gettext

        return gettext(self.name) if self.name else ""

    def act_labels(self) -> list[str]:
        labels = dict(Act.choices)
        return [str(labels[a]) for a in self.trigger_acts or [] if a in labels]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        bad = [a for a in self.trigger_acts or [] if a not in Act.values]
        if bad or not isinstance(self.trigger_acts, list):
            raise ValidationError({"trigger_acts": _("行为编码无效。")})


class IncidentQuerySet(ScopedQuerySet["Incident"]):
    scope_path_field = "grid_path"

    def with_list_related(self) -> IncidentQuerySet:
        return self.select_related("grid", "level", "reported_by", "employer").defer(
            "grid__boundary", "grid__search_text"
        )


class Incident(models.Model):
    """A mass incident as reported from the field (速报) and handled (处置)."""

    client_key = models.UUIDField(_("客户端编号"), unique=True, default=uuid.uuid4)
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    located_by = models.CharField(
        _("定位方式"), max_length=8, choices=LocateBy.choices, default=LocateBy.GRID
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    gps_accuracy = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    employer = models.ForeignKey(
        "employers.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("用人单位（名录）"),
    )
    employer_name = models.CharField(_("用人单位或项目"), max_length=200)
    project_name = models.CharField(_("工程项目"), max_length=200, blank=True)
    people = models.PositiveIntegerField(
        _("人数"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PEOPLE)]
    )
    amount_claimed = models.DecimalField(
        _("诉求金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    demands = models.TextField(_("主要诉求"), blank=True)
    acts = models.JSONField(_("现场情况"), default=list, blank=True)
    actions_taken = models.TextField(_("已采取的措施"), blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    reported_at = models.DateTimeField(_("报告时间"), default=timezone.now)
    reported_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("报告人")
    )
    level = models.ForeignKey(
        IncidentLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("等级")
    )
    level_reasons = models.JSONField(_("定级依据"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=IncidentStatus.choices, default=IncidentStatus.ACTIVE
    )
    escalated = models.BooleanField(_("报告超时已督办"), default=False)
    outcome = models.TextField(_("处置结果"), blank=True)
    settled_at = models.DateTimeField(_("平息时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Sums of the handling log's on-the-spot payments (kept by the service that writes them).
    wages_paid = models.DecimalField(
        _("现场支付工资（元）"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    workers_paid = models.PositiveIntegerField(_("获付工资人数"), default=0)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("关联案件"),
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("群体性事件")
        verbose_name_plural = _("群体性事件")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["status", "grid_path"], name="incident_status_grid"),
            models.Index(fields=["employer", "occurred_at"], name="incident_employer_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=IncidentStatus.values), name="incident_status_valid"
            ),
            models.CheckConstraint(condition=Q(people__gte=1), name="incident_people_positive"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("incidents:incident_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """The incident's number: year of the report and the row number (QT2026-00012)."""
        year = timezone.localtime(self.reported_at).year if self.reported_at else ""
        return f"QT{year}-{self.pk or 0:05d}"

    def act_labels(self) -> list[str]:
        labels = dict(Act.choices)
        return [str(labels[a]) for a in self.acts if a in labels]

    @property
    def is_open(self) -> bool:
        return self.status != IncidentStatus.CLOSED


class IncidentUpdate(models.Model):
    """One entry of the handling log (处置记录): who went, departments that joined, the
    situation, wages paid on the spot, and the initial, continuing and final reports."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="updates")
    kind = models.CharField(_("类型"), max_length=20, choices=UpdateKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    text = models.TextField(_("内容"), blank=True)
    people_present = models.PositiveIntegerField(
        _("现场人数"), null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    staff: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        USER, blank=True, related_name="+", verbose_name=_("到场人员")
    )
    departments = models.JSONField(_("联动部门"), default=list, blank=True)
    amount_paid = models.DecimalField(
        _("支付金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    workers_paid = models.PositiveIntegerField(
        _("获付人数"), null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("处置记录")
        verbose_name_plural = _("处置记录")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=UpdateKind.values), name="incident_update_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.kind}"

    def department_labels(self) -> list[str]:
        from laborgrid.incidents.choices import Department

        labels = dict(Department.choices)
        return [str(labels[d]) for d in self.departments if d in labels]


def _photo_path(instance: Any, filename: str) -> str:
    # Random names: nothing about the place or the people in a file name or URL.
    return f"incidents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.bin"


class IncidentPhoto(models.Model):
    """A photo of the scene, encrypted at rest (faces of the people gathered: SECURITY.md
    数据保密性) and served only through the access-checked view."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to=_photo_path)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("事件照片")
        verbose_name_plural = _("事件照片")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "sha256"], name="incident_photo_once")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.sha256[:8]}"


class WarningRule(models.Model):
    """The county's settings of one early-warning rule (the rule's logic is code, registered
    in ``laborgrid.incidents.warning_rules`` under ``key``; its numbers are data)."""

    key = models.CharField(_("规则"), max_length=40, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)
    window_days = models.PositiveSmallIntegerField(
        _("统计天数"), default=30, validators=[MinValueValidator(1), MaxValueValidator(3660)]
    )
    threshold = models.PositiveSmallIntegerField(
        _("达到次数"), default=3, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    weeks_before = models.PositiveSmallIntegerField(
        _("节前周数"),
        default=0,
        validators=[MaxValueValidator(26)],
        help_text=_("只用于春节前规则。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class WarningQuerySet(ScopedQuerySet["EarlyWarning"]):
    scope_path_field = "grid_path"


class EarlyWarning(models.Model):
    """An early warning (欠薪预警) for one subject, raised by a rule; acknowledged and resolved
    by the grid's staff. The computation updates a standing warning instead of adding one."""

    rule = models.ForeignKey(
        WarningRule, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("规则")
    )
    subject_key = models.CharField(_("对象"), max_length=120)
    employer = models.ForeignKey(
        "employers.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("用人单位"),
    )
    subject_name = models.CharField(_("对象名称"), max_length=200)
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    count = models.PositiveIntegerField(_("次数"), default=0)
    #: Codes and ids only (``{"cases": [ids], "submissions": [ids], "festival": "2027-02-06"}``).
    evidence = models.JSONField(_("依据"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=14, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    raised_at = models.DateTimeField(_("预警时间"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("最近检出"), default=timezone.now)
    acknowledged_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("知悉时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    resolution = models.CharField(_("解除说明"), max_length=500, blank=True)

    objects = WarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["status", "grid_path"], name="warning_status_grid")]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_key"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="warning_one_standing_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(status__in=WarningStatus.values), name="warning_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}:{self.subject_key}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:warning_list") + f"?status={self.status}#w{self.pk}"
