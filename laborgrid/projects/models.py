"""Construction projects and their wage guarantees (保障农民工工资支付条例, chapter 4; DOMAIN B4.2).

A project hangs off the grid of its site (``grid_path``, scope). Its contractors are registry
employers: the general contractor (施工总承包单位) holds most duties, subcontractors answer through
it (Art. 30). Each duty is an ``Obligation`` row (one per project, or one per month of works for the
monthly ones) with its evidence and a deadline in the deadline engine. The real-name roster
(``SiteWorker``) and the monthly pay sheets (``PaySheet``/``PayLine``) keep identity numbers only
encrypted, with the registry's blind index and mask (as ``employers.Worker``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.core.filecrypt import EncryptedFileSystemStorage
from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet
from laborgrid.projects.choices import (
    ArrearsSource,
    Department,
    ObligationKind,
    ObligationState,
    ProjectStatus,
)

USER = settings.AUTH_USER_MODEL


def money(label: Any, **kwargs: Any) -> models.DecimalField[Any, Any]:
    """An amount in yuan, never negative."""
    return models.DecimalField(
        label,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        **kwargs,
    )


#: Board photos and pay-sheet files carry workers' names and ID numbers: encrypted at rest.
FILE_STORAGE = EncryptedFileSystemStorage("file:projects")


def file_storage() -> EncryptedFileSystemStorage:
    return FILE_STORAGE


def _upload(instance: Any, filename: str) -> str:
    return f"projects/{timezone.now():%Y/%m}/{instance.__class__.__name__.lower()}"


class ProjectQuerySet(ScopedQuerySet["Project"]):
    def with_list_related(self) -> ProjectQuerySet:
        return self.select_related("grid", "general_contractor").defer(
            "grid__boundary", "grid__search_text"
        )


class Project(models.Model):
    """A construction project on the county's territory (在建工程项目)."""

    name = models.CharField(_("项目名称"), max_length=200)
    code = models.CharField(
        _("项目编号"),
        max_length=60,
        blank=True,
        help_text=_("施工许可证号或行业主管部门的项目编号。"),
    )
    department = models.CharField(
        _("行业主管部门"), max_length=12, choices=Department.choices, default=Department.HOUSING
    )
    address = models.CharField(_("项目地址"), max_length=300, blank=True)
    lat = models.FloatField(
        _("纬度"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lng = models.FloatField(
        _("经度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    client_name = models.CharField(_("建设单位"), max_length=200)
    client = models.ForeignKey(
        "employers.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("建设单位（登记单位）"),
    )
    general_contractor = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("施工总承包单位"),
    )
    contract_sum = money(_("合同金额（元）"))
    starts_on = models.DateField(_("开工日期"))
    ends_on = models.DateField(_("计划竣工日期"), null=True, blank=True)
    labour_officer = models.CharField(_("劳资专管员"), max_length=60, blank=True)
    labour_officer_phone_enc = models.TextField(blank=True, editable=False)
    labour_officer_phone_masked = models.CharField(
        _("劳资专管员电话"), max_length=20, blank=True, editable=False
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.BUILDING
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("在建工程项目")
        verbose_name_plural = _("在建工程项目")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="projects_code_once"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="projects_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="projects_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])


class Subcontractor(models.Model):
    """A subcontractor (分包单位) on the project, a registry employer."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="subcontractors")
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="+", verbose_name=_("分包单位")
    )
    scope = models.CharField(_("分包内容"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("分包单位")
        verbose_name_plural = _("分包单位")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "employer"], name="projects_sub_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.employer_id}"


class Obligation(models.Model):
    """One duty of the project (once, or for one month of works) with its evidence.

    Met when evidence is recorded (``met_on``); otherwise overdue once ``due`` (the deadline
    engine's date) has passed. ``month`` is the first day of the month for monthly duties."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="obligations")
    kind = models.CharField(_("事项"), max_length=16, choices=ObligationKind.choices)
    month = models.DateField(_("月份"), null=True, blank=True)
    due = models.DateField(_("期限"), null=True, blank=True)
    met_on = models.DateField(_("落实日期"), null=True, blank=True)
    bank = models.CharField(_("开户银行"), max_length=100, blank=True)
    reference = models.CharField(_("账号或凭证编号"), max_length=60, blank=True)
    amount = money(_("金额（元）"), null=True, blank=True)
    term_end = models.DateField(_("有效期至"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    photo = models.FileField(
        _("照片"), upload_to=_upload, storage=file_storage, blank=True, max_length=200
    )
    photo_type = models.CharField(max_length=32, blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("项目义务")
        verbose_name_plural = _("项目义务")
        ordering = ["project_id", "month", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"],
                condition=Q(month__isnull=True),
                name="projects_obligation_once",
            ),
            models.UniqueConstraint(
                fields=["project", "kind", "month"],
                condition=Q(month__isnull=False),
                name="projects_obligation_month_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.kind}:{self.month or ''}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.project_id]) + f"#o{self.pk}"

    def state(self, today: dt.date | None = None) -> str:
        if self.met_on is not None:
            return ObligationState.MET
        today = today or timezone.localdate()
        if self.due is not None and self.due < today:
            return ObligationState.OVERDUE
        return ObligationState.PENDING


class SiteWorker(models.Model):
    """One worker on the real-name roster of the project (实名制, 条例 Art. 28). The identity
    number is encrypted; ``id_index`` is the registry's blind index (``employers.services.
    worker_index``), so the same person matches the employers' 职工名册 too."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="workers")
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="+", verbose_name=_("用工单位")
    )
    name = models.CharField(_("姓名"), max_length=60)
    id_enc = models.TextField(editable=False)
    id_index = models.CharField(max_length=64, db_index=True, editable=False)
    id_masked = models.CharField(_("身份证号码"), max_length=40, editable=False)
    entered_on = models.DateField(_("进场日期"))
    left_on = models.DateField(_("退场日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("实名制人员")
        verbose_name_plural = _("实名制花名册")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "id_index"], name="projects_worker_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.id_masked}"


class PaySheet(models.Model):
    """The month's pay sheet (工资支付表, 条例 Art. 31) as uploaded, checked against the roster."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="paysheets")
    month = models.DateField(_("月份"))
    file = models.FileField(_("文件"), upload_to=_upload, storage=file_storage, max_length=200)
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    lines = models.PositiveIntegerField(_("人数"), default=0)
    total_due = money(_("应发合计"), default=Decimal(0))
    total_paid = money(_("实发合计"), default=Decimal(0))
    not_in_roster = models.PositiveIntegerField(_("不在花名册人数"), default=0)
    roster_missing = models.PositiveIntegerField(_("花名册未列支人数"), default=0)
    shortfall = money(_("少发金额"), default=Decimal(0))
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("工资支付表")
        verbose_name_plural = _("工资支付表")
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="projects_paysheet_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("projects:paysheet_detail", args=[self.project_id, self.pk])


class PayLine(models.Model):
    """One worker's line of a pay sheet, matched to the roster by identity number."""

    sheet = models.ForeignKey(PaySheet, on_delete=models.CASCADE, related_name="paylines")
    row = models.PositiveIntegerField(_("行号"))
    name = models.CharField(_("姓名"), max_length=60)
    id_enc = models.TextField(editable=False)
    id_index = models.CharField(max_length=64, db_index=True, editable=False)
    id_masked = models.CharField(_("身份证号码"), max_length=40, editable=False)
    amount_due = money(_("应发工资"))
    amount_paid = money(_("实发工资"))
    signed = models.BooleanField(_("本人签字"), default=False)
    worker = models.ForeignKey(
        SiteWorker, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("工资支付明细")
        verbose_name_plural = _("工资支付明细")
        ordering = ["row"]

    def __str__(self) -> str:
        return f"{self.sheet_id}:{self.row}"

    @property
    def short(self) -> Decimal:
        return max(self.amount_due - self.amount_paid, Decimal(0))


class ArrearsQuerySet(ScopedQuerySet["ArrearsEntry"]):
    pass


class ArrearsEntry(models.Model):
    """A line of the township's monthly ledger of wage arrears (欠薪台账): arrears found on a
    project (a pay sheet's shortfall, a complaint, an inspection) and what was settled, when."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="arrears")
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    source = models.CharField(_("来源"), max_length=12, choices=ArrearsSource.choices)
    sheet = models.OneToOneField(
        PaySheet, null=True, blank=True, on_delete=models.SET_NULL, related_name="arrears"
    )
    found_on = models.DateField(_("发现日期"))
    workers = models.PositiveIntegerField(_("涉及人数"))
    amount = money(_("欠薪金额"))
    settled_on = models.DateField(_("清偿日期"), null=True, blank=True)
    settled_amount = money(_("清偿金额"), default=Decimal(0))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    objects = ArrearsQuerySet.as_manager()

    class Meta:
        verbose_name = _("欠薪台账")
        verbose_name_plural = _("欠薪台账")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(settled_amount__lte=models.F("amount")),
                name="projects_arrears_settled_le_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.found_on}"
