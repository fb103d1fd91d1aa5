"""Inspections (issue 16): patrol plans, special campaigns and on-site visits.

* A **patrol plan** (巡视检查计划) is a squadron's month of patrols on a grid: targets proposed from
  risk (``risk.py``) so that every employer of the grid is visited within its cycle
  (:class:`CycleConfig`, set by the county).
* A **campaign** (专项检查) is set by the county on a grid subtree: theme, period, target rules,
  manual additions, a checklist template; its targets are assigned to the squadron (township grid)
  of each employer.
* A **visit** (现场检查) is made by two certified inspectors (条例 Art. 16; DOMAIN A1); assistants
  (协管员) may accompany and record it, never conclude it. Its findings are stored per checklist
  item; its 现场检查笔录 is numbered and rendered by ``laborgrid.documents``; its facts become the
  employer's labour-use snapshot (method ``inspection``).

Every row carries the ``grid_path`` of its employer (plans and campaigns: of their grid), so lists
are one prefix scan under the scope engine. Writes go through ``services.py``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.core.filecrypt import EncryptedFileSystemStorage
from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet
from laborgrid.inspections.choices import (
    CampaignStatus,
    FindingResult,
    PlanStatus,
    Signature,
    TargetSource,
    VisitOutcome,
    VisitStatus,
)

USER = settings.AUTH_USER_MODEL
MAX_PHOTO_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


class CycleConfig(models.Model):
    """How often each employer must be visited (issue 16 §1: high-risk quarterly, others yearly).

    Set by the county on its grid (a township may have its own); the nearest setting at or above a
    grid applies, else the defaults below. Which employer is high-risk is ``risk.py``'s registry.
    """

    grid = models.OneToOneField(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    high_risk_months = models.PositiveSmallIntegerField(_("高风险单位检查周期（月）"), default=3)
    other_months = models.PositiveSmallIntegerField(_("其他单位检查周期（月）"), default=12)
    updated_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("修改人")
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡查周期")
        verbose_name_plural = _("巡查周期")
        constraints = [
            models.CheckConstraint(
                condition=Q(high_risk_months__gte=1)
                & Q(high_risk_months__lte=F("other_months"))
                & Q(other_months__lte=60),
                name="inspections_cycle_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grid_id}: {self.high_risk_months}/{self.other_months}"


class PatrolPlan(models.Model):
    """A squadron's patrols for one month on its grid (青岛 Art. 20: a plan with scope and content)."""

    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    title = models.CharField(_("计划名称"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("编制人")
    )
    created_at = models.DateTimeField(_("编制时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡视检查计划")
        verbose_name_plural = _("巡视检查计划")
        ordering = ["-month", "grid_path"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "month"], name="inspections_plan_once"),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="inspections_plan_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspections:plan_detail", args=[self.pk])


class PatrolTarget(models.Model):
    """An employer in a plan, with the risk factors that proposed it; done when a visit is
    concluded for it."""

    plan = models.ForeignKey(PatrolPlan, on_delete=models.PROTECT, related_name="targets")
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="+", verbose_name=_("用人单位")
    )
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    reasons = models.JSONField(_("风险因素"), default=list, blank=True)
    score = models.PositiveSmallIntegerField(_("风险分"), default=0)
    planned_on = models.DateField(_("计划日期"), null=True, blank=True)
    visit = models.ForeignKey(
        "inspections.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡查对象")
        verbose_name_plural = _("巡查对象")
        ordering = ["planned_on", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "employer"], name="inspections_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.employer_id}"


class Campaign(models.Model):
    """A special campaign (专项检查, 条例 Art. 14; 青岛 Art. 22), set by the county."""

    name = models.CharField(_("专项检查名称"), max_length=100)
    theme = models.CharField(_("主题"), max_length=300, blank=True)
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("范围网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    #: The target rules as given: industries, types, grid codes, flags, min/max employees.
    rules = models.JSONField(_("选取条件"), default=dict, blank=True)
    #: The checklist template: [{"key", "label", "basis"}] (``checklist.build_template``).
    checklist = models.JSONField(_("检查项目"), default=list)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人")
    )
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项检查")
        verbose_name_plural = _("专项检查")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="inspections_campaign_period"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CampaignStatus.values),
                name="inspections_campaign_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:campaign_detail", args=[self.pk])


class CampaignTarget(models.Model):
    """An employer a campaign is to check, assigned to the squadron of its township."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="targets")
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="+", verbose_name=_("用人单位")
    )
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    squadron = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("承办中队")
    )
    source = models.CharField(_("来源"), max_length=8, choices=TargetSource.choices)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项检查对象")
        verbose_name_plural = _("专项检查对象")
        ordering = ["grid_path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "employer"], name="inspections_campaign_target_once"
            ),
            models.CheckConstraint(
                condition=Q(source__in=TargetSource.values),
                name="inspections_campaign_target_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.employer_id}"


class VisitQuerySet(ScopedQuerySet["Visit"]):
    def with_list_related(self) -> VisitQuerySet:
        return self.select_related(
            "employer", "grid", "inspector_1", "inspector_2", "campaign"
        ).defer("grid__boundary", "grid__search_text", "facts", "checklist")


#: The 现场检查笔录 names the people questioned and what they said: encrypted at rest
#: (``core.filecrypt``), as the case file it may join is.
RECORD_STORAGE = EncryptedFileSystemStorage("file:inspections.record")


def record_storage() -> EncryptedFileSystemStorage:
    return RECORD_STORAGE


def _record_path(instance: Visit, filename: str) -> str:
    return f"inspections/records/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class Visit(models.Model):
    """An on-site inspection (现场检查) of one employer.

    Recorded on the spot by anyone of the grid's staff (协管员 may record and accompany, DOMAIN A1),
    always naming two inspectors who hold a valid certificate on the visit's date (条例 Art. 16);
    concluded by one of them, who confirms the findings, records who signed the 笔录 (a refusal
    with its reason, 浙江 Art. 25) and issues it. Idempotent on ``client_key`` (a phone's retry).
    """

    client_key = models.UUIDField(_("客户端编号"), unique=True, default=uuid.uuid4)
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="+", verbose_name=_("用人单位")
    )
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("专项检查"),
    )
    plan_target = models.ForeignKey(
        PatrolTarget, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.RECORDED
    )
    outcome = models.CharField(_("检查结果"), max_length=16, choices=VisitOutcome.choices)
    visited_on = models.DateField(_("检查日期"))
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("检查地点"), max_length=300)
    inspector_1 = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("监察员一")
    )
    inspector_2 = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("监察员二")
    )
    assistants: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        USER, blank=True, related_name="+", verbose_name=_("随行协管员")
    )
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    gps_lat = models.FloatField(_("纬度"), null=True, blank=True)
    gps_lng = models.FloatField(_("经度"), null=True, blank=True)
    gps_accuracy = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    gps_distance = models.FloatField(_("距单位登记位置（米）"), null=True, blank=True)
    #: The checklist used (the campaign's template, else the patrol checklist), as shown.
    checklist = models.JSONField(_("检查项目"), default=list)
    #: Labour-use facts observed (A3 items, ``employers.services.SNAPSHOT_FIELDS``), JSON-safe.
    facts = models.JSONField(_("用工情况"), default=dict, blank=True)
    present = models.CharField(_("在场人"), max_length=200, blank=True)
    note = models.TextField(_("检查情况"), blank=True, max_length=5000)
    rep_name = models.CharField(_("被检查单位负责人"), max_length=60, blank=True)
    rep_position = models.CharField(_("职务"), max_length=60, blank=True)
    signature = models.CharField(
        _("负责人签名"), max_length=16, choices=Signature.choices, blank=True
    )
    refusal_reason = models.CharField(_("拒绝签名的理由"), max_length=300, blank=True)
    inspectors_signed = models.BooleanField(_("检查人已签名"), default=False)
    wages_recovered = models.DecimalField(
        _("追发工资（元）"), max_digits=14, decimal_places=2, default=0
    )
    workers_concerned = models.PositiveIntegerField(_("涉及劳动者人数"), default=0)
    record_number = models.CharField(_("笔录编号"), max_length=60, blank=True)
    record_file = models.FileField(upload_to=_record_path, storage=record_storage, blank=True)
    record_sha256 = models.CharField(max_length=64, blank=True)
    concluded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("确认人"),
    )
    concluded_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    snapshot = models.ForeignKey(
        "employers.LabourSnapshot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("形成的劳动用工信息"),
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["employer", "status", "visited_on"], name="inspections_visit_emp"),
            models.Index(fields=["status", "grid_path"], name="inspections_visit_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(inspector_1=F("inspector_2")), name="inspections_two_inspectors"
            ),
            models.CheckConstraint(
                condition=Q(status__in=VisitStatus.values), name="inspections_visit_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=VisitOutcome.values),
                name="inspections_visit_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.employer_id}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:visit_detail", args=[self.pk])

    @property
    def violations(self) -> list[Any]:
        return [f for f in self.findings.all() if f.result == FindingResult.VIOLATION]


class VisitFinding(models.Model):
    """The result of one checklist item. An inspector marks which failed items become items of a
    rectification order (``to_order``, with the working days to correct)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    key = models.CharField(_("检查项目编码"), max_length=40)
    label = models.CharField(_("检查项目"), max_length=100)
    result = models.CharField(_("结果"), max_length=16, choices=FindingResult.choices)
    note = models.CharField(_("情况"), max_length=500, blank=True)
    to_order = models.BooleanField(_("列入整改"), default=False)
    working_days = models.PositiveSmallIntegerField(_("整改期限（工作日）"), default=10)

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "key"], name="inspections_finding_once"),
            models.CheckConstraint(
                condition=Q(result__in=FindingResult.values),
                name="inspections_finding_result_valid",
            ),
            models.CheckConstraint(
                condition=Q(to_order=False) | Q(result="violation"),
                name="inspections_order_only_violations",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.key}"


def _photo_path(instance: VisitPhoto, filename: str) -> str:
    # Random names: nothing about the employer or the person in a file name or URL.
    return f"inspections/photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.bin"


class VisitPhoto(models.Model):
    """A photo taken at the visit, encrypted at rest like collection's (a roster page shows names
    and ID numbers) and served only through the access-checked view."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="photos")
    checklist_key = models.CharField(_("检查项目"), max_length=40, blank=True)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    file = models.FileField(upload_to=_photo_path)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "sha256"], name="inspections_photo_once")
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.pk}"
