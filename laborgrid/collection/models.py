"""Field collection (issue 5): rounds, tasks per employer, submissions from the field, photos.

A **round** (采集轮次) is opened by the county or a township on a grid subtree, with a period and
employer filters; a background job generates one **task** per employer in scope (never-collected
and stale first, per the coverage definitions), assigned to the staff of the employer's grid. The
assignee visits and files a **submission** (online or from the phone's offline queue, idempotent
by a client-generated UUID); the 二级 squadron reviews it, and an approved submission becomes the
employer's new ``LabourSnapshot`` through ``laborgrid.employers.services.record_snapshot`` — the
A3 rules live there only.

Every row carries the employer's ``grid_path`` (rounds: their root's) so that lists are one
indexed prefix scan under the scope engine (ARCHITECTURE §3 rule 2). Writes go through
``laborgrid.collection.services``.
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

from laborgrid.collection.choices import (
    Outcome,
    PhotoKind,
    Priority,
    RoundKind,
    RoundStatus,
    SubmissionStatus,
    TaskStatus,
)
from laborgrid.core.paths import PathField, path_codes
from laborgrid.core.scope import ScopedQuerySet, get_scope

#: Photos larger than this are refused (the phone compresses to well under it).
MAX_PHOTO_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


class RoundQuerySet(ScopedQuerySet["CollectionRound"]):
    scope_path_field = "grid_path"

    def visible_to(self, user: Any, capability: str | None = None) -> RoundQuerySet:
        """Rounds on a grid in the user's scope, and rounds opened above it that reach into it
        (a county round is visible to the township it covers: its own tasks and progress)."""
        paths = get_scope(user).paths(capability or self.read_capability)
        if not paths:
            return self.none()
        q = Q()
        for p in paths:
            codes = path_codes(p)
            ancestors = ["".join(f"{c}/" for c in codes[:i]) for i in range(1, len(codes))]
            q |= Q(grid_path__under=p) | Q(grid_path__in=ancestors)
        return self.filter(q)


class CollectionRound(models.Model):
    """采集轮次: one campaign of visits over a grid subtree (DOMAIN A3: refresh every 6 months)."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=RoundKind.choices)
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("范围网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    #: Grids the round covers (codes, all under ``grid``); empty = the whole subtree of ``grid``.
    grid_codes = models.JSONField(_("包含网格"), default=list, blank=True)
    #: Employer filters: {"employer_type": [...], "industry": [...], "only_due": bool,
    #: "employer_ids": [...] (targeted list)}.
    filters = models.JSONField(_("单位筛选条件"), default=dict, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.GENERATING
    )
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tasks_created = models.PositiveIntegerField(_("任务数"), default=0)
    unassigned = models.PositiveIntegerField(_("无人可派"), default=0)
    note = models.TextField(_("说明"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发起人"),
    )
    opened_at = models.DateTimeField(_("发起时间"), default=timezone.now)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("采集轮次")
        verbose_name_plural = _("采集轮次")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="collection_round_period"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RoundKind.values), name="collection_round_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="collection_round_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collection:round_detail", args=[self.pk])


class TaskQuerySet(ScopedQuerySet["CollectionTask"]):
    scope_path_field = "grid_path"

    def with_list_related(self) -> TaskQuerySet:
        """What a task row shows (list pages, API), in one query."""
        return self.select_related("employer", "grid", "assignee", "round").only(
            "id",
            "status",
            "outcome",
            "priority",
            "due_on",
            "last_collected_on",
            "grid_path",
            "updated_at",
            "round__id",
            "round__name",
            "round__kind",
            "round__status",
            "grid__id",
            "grid__code",
            "grid__name",
            "assignee__id",
            "assignee__username",
            "assignee__full_name",
            "employer__id",
            "employer__name",
            "employer__uscc",
            "employer__address",
            "employer__lat",
            "employer__lng",
            "employer__employees",
            "employer__last_collected_on",
            "employer__version",
            "employer__current_snapshot_id",
        )

    def mine(self, user: Any) -> TaskQuerySet:
        return self.visible_to(user).filter(assignee=user, round__status=RoundStatus.OPEN)


class CollectionTask(models.Model):
    """One employer to visit in one round, by one assignee, by a due date."""

    round = models.ForeignKey(CollectionRound, on_delete=models.PROTECT, related_name="tasks")
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="+", verbose_name=_("用人单位")
    )
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collection_tasks",
        verbose_name=_("采集人"),
    )
    due_on = models.DateField(_("完成期限"))
    priority = models.PositiveSmallIntegerField(
        _("优先级"), choices=Priority.choices, default=Priority.FRESH
    )
    #: The employer's last collection when the task was generated (why it has its priority).
    last_collected_on = models.DateField(_("生成时最近采集日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    #: Outcome of the approved submission (progress counts refusals).
    outcome = models.CharField(_("采集结果"), max_length=16, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("采集任务")
        verbose_name_plural = _("采集任务")
        ordering = ["due_on", "priority", "id"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"], name="collection_task_mine"),
            models.Index(fields=["round", "grid_path"], name="collection_task_round_grid"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "employer"], name="collection_task_once_per_round"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="collection_task_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values),
                name="collection_task_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.employer_id}"

    def get_absolute_url(self) -> str:
        return reverse("collection:task_form", args=[self.pk])

    def is_overdue(self, today: Any = None) -> bool:
        return self.status != TaskStatus.DONE and self.due_on < (today or timezone.localdate())


class SubmissionQuerySet(ScopedQuerySet["Submission"]):
    scope_path_field = "grid_path"


class Submission(models.Model):
    """What an assignee filed for a task: the A3 facts as typed (``data``), the visit's outcome,
    GPS, the contact's confirmation, and the versions the phone had downloaded (conflicts).

    Never edited by its author: a returned submission is corrected by filing a new one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    #: Generated on the phone before the first sync attempt: a retried sync finds this row.
    client_uuid = models.UUIDField(_("客户端编号"), unique=True)
    task = models.ForeignKey(CollectionTask, on_delete=models.PROTECT, related_name="submissions")
    employer = models.ForeignKey("employers.Employer", on_delete=models.PROTECT, related_name="+")
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    outcome = models.CharField(_("采集结果"), max_length=16, choices=Outcome.choices)
    #: The A3 items (``employers.services.SNAPSHOT_FIELDS`` minus GPS) as JSON-safe values.
    data = models.JSONField(_("采集内容"), default=dict, blank=True)
    outcome_note = models.CharField(_("情况说明"), max_length=300, blank=True)
    #: The employer's current snapshot and version when the phone downloaded the task.
    base_snapshot = models.ForeignKey(
        "employers.LabourSnapshot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    base_version = models.PositiveIntegerField(_("下载时单位版本"), default=0)
    gps_lat = models.FloatField(_("纬度"), null=True, blank=True)
    gps_lng = models.FloatField(_("经度"), null=True, blank=True)
    gps_accuracy = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    #: Metres from the employer's registered location (None when either is unknown).
    gps_distance = models.FloatField(_("距单位登记位置（米）"), null=True, blank=True)
    contact_name = models.CharField(_("单位确认人"), max_length=60, blank=True)
    contact_confirmed = models.BooleanField(_("单位确认"), default=False)
    visited_at = models.DateTimeField(_("采集时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("采集人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    status = models.CharField(
        _("审核状态"),
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.PENDING,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True)
    snapshot = models.ForeignKey(
        "employers.LabourSnapshot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("形成的劳动用工信息"),
    )
    # Problems found (the squadron's list; later a case or an inspection).
    flag_arrears = models.BooleanField(_("拖欠工资"), default=False)
    flag_no_contracts = models.BooleanField(_("未签劳动合同"), default=False)
    flag_below_min_wage = models.BooleanField(_("低于最低工资"), default=False)
    flag_uninsured = models.BooleanField(_("未参加社会保险"), default=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("采集提交")
        verbose_name_plural = _("采集提交")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["status", "grid_path"], name="collection_sub_status_grid"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="collection_sub_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SubmissionStatus.values),
                name="collection_sub_status_valid",
            ),
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status="pending"),
                name="collection_one_pending_per_task",
            ),
        ]

    def __str__(self) -> str:
        return str(self.client_uuid)

    def get_absolute_url(self) -> str:
        return reverse("collection:submission_detail", args=[self.pk])

    @property
    def problems(self) -> list[str]:
        from laborgrid.employers.choices import RiskFlag

        found = []
        if self.flag_no_contracts:
            found.append(RiskFlag.NO_CONTRACTS.label)
        if self.flag_arrears:
            found.append(RiskFlag.ARREARS.label)
        if self.flag_below_min_wage:
            found.append(RiskFlag.BELOW_MIN_WAGE.label)
        if self.flag_uninsured:
            found.append(RiskFlag.UNINSURED.label)
        return [str(p) for p in found]


def _photo_path(instance: SubmissionPhoto, filename: str) -> str:
    # Random names: nothing about the employer or the person in a file name or URL.
    return f"collection/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class SubmissionPhoto(models.Model):
    """A photo taken at the visit (licence, rights board, roster page); served only through
    the access-checked view, never from ``MEDIA_URL``."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="photos")
    kind = models.CharField(_("照片类型"), max_length=16, choices=PhotoKind.choices)
    file = models.FileField(upload_to=_photo_path)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("采集照片")
        verbose_name_plural = _("采集照片")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind"], name="collection_photo_once_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PhotoKind.values), name="collection_photo_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.kind}"
