"""User-visible background jobs (imports, exports, reports): one row per job with its progress.

The work itself runs in a django-tasks worker (``manage.py worker``); the ``Job`` row is what people see:
status, a progress bar, a log, the result file. A job belongs to the person who started it — only
they see it and download its result — and its work is scoped by their grids when it ran.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Worker(models.Model):
    """A background worker process (``manage.py worker``), so that a job whose worker died can be
    told from one that is slow: the worker writes ``seen_at`` every few seconds while it lives."""

    id = models.CharField(primary_key=True, max_length=64)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()
    #: Set when the worker ends cleanly; a killed worker never sets it (its ``seen_at`` goes stale).
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("后台进程")
        verbose_name_plural = _("后台进程")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class JobQuerySet(models.QuerySet["Job"]):
    def visible_to(self, user: Any) -> JobQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(actor=user)


class Job(models.Model):
    """One background job a person started, with its progress and result."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=50)
    title = models.CharField(_("名称"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="jobs",
        verbose_name=_("发起人"),
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    log = models.TextField(_("日志"), blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(_("文件名"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    #: The worker running it (``None`` when run outside a worker, e.g. in tests) and how many times a
    #: worker has started it (a job whose worker died is run again when its kind can resume).
    worker = models.ForeignKey(
        Worker, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="job_actor_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="job_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("core:job_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.done * 100 / self.total))

    @property
    def stalled(self) -> bool:
        """Running, but its worker is gone (killed, or silent too long): a worker that starts (or
        is alive elsewhere) takes it over (``core.jobs.reclaim_orphaned_jobs``)."""
        from laborgrid.core.jobs import worker_gone

        return (
            self.status == JobStatus.RUNNING
            and self.worker is not None
            and worker_gone(self.worker)
        )

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
