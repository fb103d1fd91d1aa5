"""Rectification orders (责令改正指令书 / 整改通知; DOMAIN B1.6, B1.11; issue 16 §4).

An order hangs off the employer's grid (``grid`` + ``grid_path``, scoped like cases). Its source
(a visit, a written review, a project…) is stored generically (content type + id) and described
through ``registry``; an order may also be issued without one. Each item names the violation it
orders corrected (a key of ``cases.violations.VIOLATIONS``; the violated provision is copied at
issue, so the order keeps what it said) and its own period in working days. The order's deadline
(the longest item period) is kept by the deadline engine.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.core.filecrypt import EncryptedFileSystemStorage
from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet
from laborgrid.rectifications import clock
from laborgrid.rectifications.choices import (
    FileStage,
    ItemResult,
    OrderAction,
    OrderState,
)

USER = settings.AUTH_USER_MODEL
#: An item's period: at least one working day, at most three months of them.
MAX_WORKING_DAYS = 60


class OrderQuerySet(ScopedQuerySet["RectificationOrder"]):
    scope_path_field = "grid_path"

    def overdue(self, today: Any = None) -> OrderQuerySet:
        """Orders whose period has lapsed while the employer has not answered."""
        today = today or clock.today()
        return self.filter(state=OrderState.OPEN, due__lt=today)

    def due_soon(self, days: int, today: Any = None) -> OrderQuerySet:
        import datetime as dt

        today = today or clock.today()
        return self.filter(
            state=OrderState.OPEN, due__gte=today, due__lte=today + dt.timedelta(days=days)
        )


#: The order names the employer and its workers' facts; the employer's evidence carries payrolls and
#: ID copies: both are encrypted at rest (``core.filecrypt``), as the case file is.
DOCUMENT_STORAGE = EncryptedFileSystemStorage("file:rectifications.document")
EVIDENCE_STORAGE = EncryptedFileSystemStorage("file:rectifications.evidence")


def document_storage() -> EncryptedFileSystemStorage:
    return DOCUMENT_STORAGE


def evidence_storage() -> EncryptedFileSystemStorage:
    return EVIDENCE_STORAGE


def _document_upload(instance: Any, filename: str) -> str:
    return f"rectifications/{clock.today():%Y}/{instance.pk or 0}-{timezone.now():%H%M%S%f}.pdf"


class RectificationOrder(models.Model):
    number = models.CharField(_("文号"), max_length=64, unique=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=OrderState.choices, default=OrderState.OPEN
    )
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        related_name="rectification_orders",
        verbose_name=_("用人单位"),
    )
    employer_name = models.CharField(_("用人单位名称"), max_length=200)
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    source_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("来源类型"),
    )
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    basis = models.CharField(_("处理依据"), max_length=300)
    issued_on = models.DateField(_("下达日期"))
    issued_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("签发监察员")
    )
    due = models.DateField(_("整改期限"))
    document = models.FileField(
        _("指令书"), upload_to=_document_upload, storage=document_storage, blank=True
    )
    # The employer's response, entered by staff.
    responded_on = models.DateField(_("回复日期"), null=True, blank=True)
    response_note = models.TextField(_("整改回复情况"), blank=True)
    response_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    # The re-inspection (复查), by two certified inspectors (条例 Art. 16).
    rechecked_on = models.DateField(_("复查日期"), null=True, blank=True)
    recheck_note = models.TextField(_("复查情况"), blank=True)
    recheck_inspector_1 = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("复查监察员"),
    )
    recheck_inspector_2 = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("复查监察员"),
    )
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    escalated_on = models.DateField(_("立案日期"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_orders",
        verbose_name=_("立案案件"),
    )
    deadlines = GenericRelation("deadlines.Deadline", related_query_name="rectification_order")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("责令改正指令书")
        verbose_name_plural = _("责令改正指令书")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=OrderState.values), name="rectification_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=OrderState.ESCALATED) | Q(case__isnull=False),
                name="rectification_escalated_has_case",
            ),
            models.CheckConstraint(
                condition=Q(source_type__isnull=True, source_id__isnull=True)
                | Q(source_type__isnull=False, source_id__isnull=False),
                name="rectification_source_whole",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due"], name="rectification_state_due_idx"),
            models.Index(fields=["source_type", "source_id"], name="rectification_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.employer_name}"

    def get_absolute_url(self) -> str:
        return reverse("rectifications:order_detail", args=[self.pk])

    def is_overdue(self, today: Any = None) -> bool:
        return self.state == OrderState.OPEN and self.due < (today or clock.today())

    @property
    def source(self) -> models.Model | None:
        if self.source_type_id is None or self.source_id is None:
            return None
        model = self.source_type.model_class()  # type: ignore[union-attr]
        if model is None:
            return None
        return model._default_manager.filter(pk=self.source_id).first()


class OrderItem(models.Model):
    """One numbered item of the order: what to correct, the violation it cites, its period."""

    order = models.ForeignKey(
        RectificationOrder,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("责令改正指令书"),
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("改正事项"), max_length=500)
    checklist_key = models.CharField(_("违法行为"), max_length=40)
    violated = models.CharField(_("违反条款"), max_length=200)
    working_days = models.PositiveSmallIntegerField(
        _("整改期限（工作日）"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WORKING_DAYS)],
    )
    due = models.DateField(_("整改期限"))
    result = models.CharField(_("复查结果"), max_length=16, choices=ItemResult.choices, blank=True)
    result_note = models.CharField(_("复查说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("整改事项")
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="rectification_item_pos")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


def _file_upload(instance: Any, filename: str) -> str:
    return f"rectifications/files/{clock.today():%Y/%m}/{instance.order_id}-{timezone.now():%H%M%S%f}.bin"


class OrderFile(models.Model):
    """Evidence on the order: the employer's response material, the re-inspection's photos."""

    order = models.ForeignKey(
        RectificationOrder,
        on_delete=models.PROTECT,
        related_name="files",
        verbose_name=_("责令改正指令书"),
    )
    stage = models.CharField(_("材料类别"), max_length=16, choices=FileStage.choices)
    file = models.FileField(_("文件"), upload_to=_file_upload, storage=evidence_storage)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=60)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("整改材料")
        ordering = ["order", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class OrderStep(models.Model):
    """Who took which step when (the order's history; the audit log holds the same events)."""

    order = models.ForeignKey(
        RectificationOrder,
        on_delete=models.PROTECT,
        related_name="steps",
        verbose_name=_("责令改正指令书"),
    )
    action = models.CharField(_("操作"), max_length=16, choices=OrderAction.choices)
    from_state = models.CharField(
        _("原状态"), max_length=16, choices=OrderState.choices, blank=True
    )
    to_state = models.CharField(_("新状态"), max_length=16, choices=OrderState.choices)
    actor = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("整改记录")
        ordering = ["order", "at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"
