"""The annual written review (年度书面审查, 条例 Art. 14; DOMAIN B8; issue 17 §2–4).

A county opens a ``ReviewYear`` with its window and form version; its target list (``ReviewTarget``)
is the county's active employers at opening, less configured exclusions, each on its grid (so the
list per grid is a path prefix). An employer files one ``ReviewSubmission`` per year; every submit
freezes the form into a ``SubmissionVersion`` (versions are never edited); attachments are stored
encrypted at rest and belong to the version they were submitted with. Staff review the current
version: pass, return for correction (the employer resubmits), or fail; samples go to an on-site
check (a target in the month's patrol plan of the inspections app).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.core.filecrypt import EncryptedFileSystemStorage
from laborgrid.core.paths import PathField
from laborgrid.core.scope import ScopedQuerySet
from laborgrid.reviews.choices import (
    AttachmentKind,
    Channel,
    ReminderKind,
    ReviewAction,
    SubmissionState,
    YearStatus,
)

USER = settings.AUTH_USER_MODEL

#: Rosters, payrolls and contracts name workers and their pay: encrypted at rest.
ATTACHMENT_STORAGE = EncryptedFileSystemStorage("file:reviews.attachment")


def attachment_storage() -> EncryptedFileSystemStorage:
    return ATTACHMENT_STORAGE


class ReviewYearQuerySet(ScopedQuerySet["ReviewYear"]):
    scope_path_field = "grid_path"

    def visible_to(self, user, capability=None):  # type: ignore[no-untyped-def]
        """A county's year is seen by everyone who sees any grid under the county."""
        from laborgrid.core.scope import get_scope

        paths = get_scope(user).paths(capability or self.read_capability)
        q = Q(pk__in=[])
        for p in paths:
            q |= Q(grid_path__under=p) | Q(grid_path__in=_ancestors(p))
        return self.filter(q)


def _ancestors(path: str) -> list[str]:
    from laborgrid.core.paths import SEP, path_codes

    parts = path_codes(path)
    return [SEP.join(parts[:n]) + SEP for n in range(1, len(parts) + 1)]


class ReviewYear(models.Model):
    """一个年度的书面审查 of one county: window, form version, target rules."""

    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("组织单位")
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("审查年度"))
    opens_on = models.DateField(_("申报开始日期"))
    closes_on = models.DateField(_("申报截止日期"))
    form_version = models.CharField(_("申报表版本"), max_length=40)
    excluded_types = models.JSONField(_("不列入名单的单位类型"), default=list, blank=True)
    min_employees = models.PositiveIntegerField(
        _("职工人数下限"), default=0, help_text=_("职工人数少于此数的单位不列入名单（0：不限）。")
    )
    note = models.CharField(_("公告说明"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=YearStatus.choices, default=YearStatus.OPEN
    )
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)

    objects = ReviewYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("书面审查年度")
        verbose_name_plural = _("书面审查年度")
        ordering = ["-year", "grid_path"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "year"], name="review_year_per_county"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="review_year_window"
            ),
        ]

    def __str__(self) -> str:
        return _("%(y)s年度书面审查") % {"y": self.year}

    def get_absolute_url(self) -> str:
        return reverse("reviews:year_detail", args=[self.pk])


class ReviewTargetQuerySet(ScopedQuerySet["ReviewTarget"]):
    scope_path_field = "grid_path"


class ReviewTarget(models.Model):
    """One employer on a year's list (its grid as at opening)."""

    review_year = models.ForeignKey(ReviewYear, on_delete=models.PROTECT, related_name="targets")
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="review_targets"
    )
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    excluded_reason = models.CharField(_("移出名单理由"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(_("最近催报"), null=True, blank=True)

    objects = ReviewTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("申报对象")
        verbose_name_plural = _("申报对象")
        ordering = ["grid_path", "employer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review_year", "employer"], name="review_target_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review_year_id}:{self.employer_id}"


class ReviewSubmissionQuerySet(ScopedQuerySet["ReviewSubmission"]):
    scope_path_field = "grid_path"


class ReviewSubmission(models.Model):
    """The employer's filing of one year: its state, the form being edited (``draft``), and the
    decision on the current version."""

    target = models.OneToOneField(ReviewTarget, on_delete=models.PROTECT, related_name="submission")
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="review_submissions"
    )
    grid_path = PathField(_("网格路径"), db_index=True, editable=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    draft = models.JSONField(_("填报内容"), default=dict, blank=True)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    late = models.BooleanField(_("逾期申报"), default=False)
    current_version = models.PositiveSmallIntegerField(_("当前版本"), default=0)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审查意见"), blank=True)
    snapshot = models.ForeignKey(
        "employers.LabourSnapshot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("用工信息"),
    )
    sampled_at = models.DateTimeField(_("抽查时间"), null=True, blank=True)
    sample_target = models.ForeignKey(
        "inspections.PatrolTarget",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("实地抽查"),
    )
    version = models.PositiveIntegerField(default=1)  # optimistic lock for edits
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewSubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("书面审查申报")
        verbose_name_plural = _("书面审查申报")
        ordering = ["-first_submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=SubmissionState.values), name="review_submission_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target.review_year.year}:{self.employer_id}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:submission_detail", args=[self.pk])


class SubmissionVersion(models.Model):
    """What was submitted, frozen (every version kept)."""

    submission = models.ForeignKey(
        ReviewSubmission, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本"))
    data = models.JSONField(_("申报内容"))
    form_version = models.CharField(_("申报表版本"), max_length=40)
    channel = models.CharField(_("申报方式"), max_length=8, choices=Channel.choices)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("申报版本")
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="review_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} v{self.number}"


def _attachment_path(instance: ReviewAttachment, filename: str) -> str:
    return f"reviews/{timezone.now():%Y/%m}/{instance.submission_id}-{timezone.now():%H%M%S%f}.bin"


class ReviewAttachment(models.Model):
    """A file of the filing; ``version`` is empty until submitted (the employer may remove it
    until then), then it belongs to that version and is kept."""

    submission = models.ForeignKey(
        ReviewSubmission, on_delete=models.PROTECT, related_name="attachments"
    )
    version = models.ForeignKey(
        SubmissionVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    kind = models.CharField(_("材料类别"), max_length=16, choices=AttachmentKind.choices)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=_attachment_path, storage=attachment_storage)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("申报材料")
        ordering = ["submission", "kind", "id"]

    def __str__(self) -> str:
        return self.name


class ReviewStep(models.Model):
    """The filing's history: submits, decisions with their reasons, samples, reminders."""

    submission = models.ForeignKey(ReviewSubmission, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(_("操作"), max_length=12, choices=ReviewAction.choices)
    version = models.PositiveSmallIntegerField(_("版本"), default=0)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("审查记录")
        ordering = ["submission", "at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.action}"


class ReviewReminder(models.Model):
    """A scheduled reminder sent to an employer's portal accounts (in-app): at most one per
    employer per year and kind (the constraint makes the daily run idempotent, also when two runs
    overlap). ``accounts``: how many accounts it reached; ``run``: the run that sent it."""

    target = models.ForeignKey(ReviewTarget, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(_("提醒类别"), max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    accounts = models.PositiveSmallIntegerField(_("接收账号数"), default=0)
    run = models.UUIDField(editable=False, db_index=True)

    class Meta:
        verbose_name = _("申报提醒")
        verbose_name_plural = _("申报提醒")
        ordering = ["target", "sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "kind"], name="review_reminder_once"),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="review_reminder_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_id}:{self.kind}"


__all__ = [
    "AttachmentKind",
    "Channel",
    "ReviewAttachment",
    "ReviewReminder",
    "ReviewStep",
    "ReviewSubmission",
    "ReviewTarget",
    "ReviewYear",
    "SubmissionVersion",
]
