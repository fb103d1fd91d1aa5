"""Register import batches: what was imported, from which file, with what result, row by row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet

#: The register sources an import may name (field and manual are the registry's own).
IMPORT_SOURCES = ("scjg", "mz", "jy", "zj")
#: A run writes its heartbeat with every chunk (seconds apart); silent this long, it has died
#: (a killed worker or command) and the batch may be run again or resumed.
STALL_AFTER = timedelta(minutes=5)


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    PREVIEWING = "previewing", _("试运行中")
    PREVIEWED = "previewed", _("待确认")
    COMMITTING = "committing", _("导入中")
    COMMITTED = "committed", _("已导入")
    FAILED = "failed", _("失败")
    ROLLING_BACK = "rolling_back", _("撤销中")
    ROLLED_BACK = "rolled_back", _("已撤销")


class RowOutcome(models.TextChoices):
    CREATED = "created", _("新增")
    UPDATED = "updated", _("更新")
    UNCHANGED = "unchanged", _("无变化")
    REJECTED = "rejected", _("拒收")
    REVIEW = "review", _("待人工确认")
    DUPLICATE = "duplicate", _("文件内重复")


class MatchMethod(models.TextChoices):
    USCC = "uscc", _("统一社会信用代码")
    ORG_CODE = "org_code", _("组织机构代码")
    REG_NUMBER = "reg_number", _("工商注册号")
    NAME_ADDRESS = "name_address", _("名称和地址")
    NAME = "name", _("名称")
    SIMILAR = "similar", _("名称相近")


class FieldPolicy(models.TextChoices):
    OVERWRITE = "overwrite", _("覆盖")
    FILL = "fill", _("仅补空白")
    KEEP = "keep", _("保留原值")


class ReviewDecision(models.TextChoices):
    PENDING = "", _("待确认")
    SAME = "same", _("是同一单位")
    DIFFERENT = "different", _("不是同一单位")


class ImportPreset(models.Model):
    """A column mapping a person saved for a source ("县市场监管局 2026 导出格式")."""

    source = models.CharField(_("来源"), max_length=16)
    name = models.CharField(_("名称"), max_length=100)
    mapping = models.JSONField(_("列对应"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("导入模板")
        verbose_name_plural = _("导入模板")
        ordering = ["source", "name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "name"], name="import_preset_unique"),
            models.CheckConstraint(
                condition=Q(source__in=IMPORT_SOURCES), name="import_preset_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BatchQuerySet(ScopedQuerySet["ImportBatch"]):
    scope_path_field = "grid_path"


class ImportBatch(models.Model):
    """One import of one register file into one county: its provenance, plan and result."""

    source = models.CharField(_("来源"), max_length=16)
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("导入范围")
    )
    grid_path = PathField(db_index=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_sha256 = models.CharField(_("文件摘要"), max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(_("文件大小"))
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    file_format = models.CharField(_("格式"), max_length=16, blank=True)
    encoding = models.CharField(_("编码"), max_length=32, blank=True)
    header_row = models.PositiveIntegerField(_("表头所在行"), null=True, blank=True)
    headers = models.JSONField(_("表头"), default=list, blank=True)
    mapping = models.JSONField(_("列对应"), default=dict, blank=True)
    policy = models.JSONField(_("字段更新规则"), default=dict, blank=True)
    unknown_columns = models.JSONField(_("未识别的列"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.UPLOADED
    )
    message = models.TextField(_("说明"), blank=True)
    rows_total = models.PositiveIntegerField(_("数据行"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("无变化"), default=0)
    rejected = models.PositiveIntegerField(_("拒收"), default=0)
    review = models.PositiveIntegerField(_("待人工确认"), default=0)
    duplicates = models.PositiveIntegerField(_("文件内重复"), default=0)
    #: Rows applied so far by a commit: a stopped commit resumes after this row.
    checkpoint = models.PositiveIntegerField(default=0)
    #: When the run in progress last reported (``None``: no run in progress).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rolled_back_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=IMPORT_SOURCES), name="import_batch_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=BatchStatus.values), name="import_batch_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_source_display()})"

    def get_absolute_url(self) -> str:
        return reverse("registers:batch_detail", args=[self.pk])

    def get_source_display(self) -> str:
        from laborgrid.employers.choices import RegisterSource

        return str(dict(RegisterSource.choices).get(self.source, self.source))

    @property
    def is_active(self) -> bool:
        """A run of this batch is in progress (its heartbeat is fresh)."""
        from django.utils import timezone

        return self.heartbeat_at is not None and timezone.now() - self.heartbeat_at < STALL_AFTER

    @property
    def stalled(self) -> bool:
        """A run started and went silent: its worker or command was killed."""
        running = (BatchStatus.PREVIEWING, BatchStatus.COMMITTING, BatchStatus.ROLLING_BACK)
        return self.status in running and not self.is_active

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows_total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "review": self.review,
            "duplicates": self.duplicates,
        }


class ImportRow(models.Model):
    """The result of one data row of a batch (dry run or commit)."""

    #: Looked up through ``import_row_unique`` and ``import_row_kind``, which start with it.
    #: No constraint in the database, here and on ``employer`` (issue 22): an import writes a
    #: row per register row, set-based, and PostgreSQL checks a constraint row by row at the
    #: commit (two million checks, each locking the row it finds, for a million-row file).
    #: Rows are only ever written by the import, with the batch and employers it holds, and
    #: deleting a batch or an employer still removes or clears them (Django's ``on_delete``).
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="rows",
        db_index=False,
        db_constraint=False,
    )
    row_number = models.PositiveIntegerField(_("行号"))
    outcome = models.CharField(_("结果"), max_length=16, choices=RowOutcome.choices)
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("用人单位"),
        db_constraint=False,
    )
    match_method = models.CharField(
        _("匹配方式"), max_length=16, choices=MatchMethod.choices, blank=True
    )
    name = models.CharField(_("名称"), max_length=200, blank=True)
    code = models.CharField(_("代码"), max_length=18, blank=True)
    #: [{"field", "header", "message"}] — why the row was rejected, or warnings kept with it.
    problems = models.JSONField(_("问题"), default=list, blank=True)
    #: {field: [before, after]} — what an update changed (a rollback restores "before").
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    #: The row's normalised values, kept for rows a person still has to decide (review).
    data = models.JSONField(default=dict, blank=True)
    #: A review row's candidate employers: [{"id", "method"}].
    candidates = models.JSONField(default=list, blank=True)
    duplicate_of = models.PositiveIntegerField(_("与第几行重复"), null=True, blank=True)
    decision = models.CharField(
        _("确认结果"), max_length=16, choices=ReviewDecision.choices, blank=True
    )
    #: Indexed only where set (``import_row_decided_by``): a user's decisions, looked up when
    #: a user is deleted; the million rows of an import nobody decided cost no index entry.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入行")
        verbose_name_plural = _("导入行")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="import_row_unique"),
            models.CheckConstraint(
                condition=Q(outcome__in=RowOutcome.values), name="import_row_outcome_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["batch", "outcome", "row_number"], name="import_row_kind"),
            models.Index(
                fields=["decided_by"],
                condition=Q(decided_by__isnull=False),
                name="import_row_decided_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"

    def problem_lines(self) -> list[dict[str, Any]]:
        return list(self.problems or [])
