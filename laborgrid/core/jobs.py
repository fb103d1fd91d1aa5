"""Running user-visible jobs in the background (django-tasks), with progress people can watch.

An app registers a runner for a kind of job (``@job_runner("grids.export")``); ``start_job``
records the ``Job`` and enqueues it once the transaction commits; the worker calls
``execute_job``, which marks the job running, hands the runner a ``Progress`` and records success
or failure. A runner reports progress through ``Progress``, which writes at most a few times per
second so a million-row export does not spend its time updating its own progress bar.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.core.models import Job, JobStatus

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

logger = logging.getLogger(__name__)

Runner = Callable[[Job, "Progress"], None]
RUNNERS: dict[str, Runner] = {}
WRITE_INTERVAL = 0.5  # seconds between progress writes


def job_runner(kind: str) -> Callable[[Runner], Runner]:
    def register(fn: Runner) -> Runner:
        RUNNERS[kind] = fn
        return fn

    return register


class Progress:
    """What a runner uses to report: totals, advancement, log lines, the result file."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last_write = 0.0

    def set_total(self, total: int) -> None:
        self.job.total = total
        Job.objects.filter(pk=self.job.pk).update(total=total)

    def advance(self, n: int = 1, *, message: str | None = None) -> None:
        self.job.done += n
        if message is not None:
            self.job.message = message[:500]
        now = time.monotonic()
        if now - self._last_write >= WRITE_INTERVAL:
            self._flush()
            self._last_write = now

    def log(self, line: str) -> None:
        self.job.log += line.rstrip() + "\n"
        Job.objects.filter(pk=self.job.pk).update(log=self.job.log)

    def save_result(self, path: Path, name: str) -> None:
        with path.open("rb") as fh:
            self.job.result_file.save(name, File(fh), save=False)
        self.job.result_name = name
        Job.objects.filter(pk=self.job.pk).update(
            result_file=self.job.result_file.name, result_name=name
        )

    def _flush(self) -> None:
        Job.objects.filter(pk=self.job.pk).update(done=self.job.done, message=self.job.message)


def start_job(*, kind: str, title: str, actor: User, params: dict[str, Any]) -> Job:
    """Record a job and queue it to run after the current transaction commits."""
    if kind not in RUNNERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, title=title[:200], actor=actor, params=params)

    def enqueue() -> None:
        from laborgrid.core.tasks import run_job

        run_job.enqueue(str(job.pk))

    transaction.on_commit(enqueue)
    return job


def start_export(
    request: Any, *, kind: str, title: str, params: dict[str, Any], detail: dict[str, Any]
) -> Job:
    """Start an export job for the requesting user, and record that they started it (audit)."""
    from laborgrid.audit.models import AuditAction
    from laborgrid.audit.services import record

    job = start_job(kind=kind, title=title, actor=request.user, params=params)
    record(
        AuditAction.EXPORT_STARTED,
        actor=request.user,
        request=request,
        obj=job,
        detail={"kind": job.kind, **detail},
    )
    return job


def exported_by(actor: User) -> str:
    """ "姓名（用户名）" for an export's title line."""
    if actor is None:
        return "—"
    return _("%(name)s（%(username)s）") % {"name": actor.display_name, "username": actor.username}


def apply_memory_cap() -> int | None:
    """Cap this process's address space at ``LABORGRID_JOB_MEMORY_MB`` (0: no cap); the cap in
    bytes, or None. Called in the worker before its first task (``task_started``), never in the web
    process. A job that parses an untrusted file beyond it fails (Python's ``MemoryError``) or,
    inside a Rust reader, ends the worker process; a restarted worker reclaims its batch. Either
    way one file cannot take the machine's memory from everything else (issue 21, item 1)."""
    import resource

    from django.conf import settings

    megabytes = getattr(settings, "LABORGRID_JOB_MEMORY_MB", 0)
    if not megabytes:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft == resource.RLIM_INFINITY or soft > cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    return cap


def _cap_worker_memory(**kwargs: Any) -> None:
    apply_memory_cap()


def execute_job(job_id: str) -> None:
    """Run one queued job (called by the worker). A job runs at most once."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    progress = Progress(job)
    try:
        RUNNERS[job.kind](job, progress)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        progress.log("".join(traceback.format_exception_only(type(exc), exc)))
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            done=job.done,
            message=_("任务失败，请把任务编号告知系统管理员。"),
        )
        return
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        done=max(job.done, job.total),
        message=job.message or _("已完成"),
    )
