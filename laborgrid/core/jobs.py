"""Running user-visible jobs in the background (django-tasks), with progress people can watch.

An app registers a runner for a kind of job (``@job_runner("grids.export")``); ``start_job``
records the ``Job`` and enqueues it once the transaction commits; the worker calls
``execute_job``, which marks the job running, hands the runner a ``Progress`` and records success
or failure. A runner reports progress through ``Progress``, which writes at most a few times per
second so a million-row export does not spend its time updating its own progress bar.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import time
import traceback
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laborgrid.core.models import Job, JobStatus, Worker

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

logger = logging.getLogger(__name__)

Runner = Callable[[Job, "Progress"], None]
RUNNERS: dict[str, Runner] = {}
#: Kinds whose runner may be started again after its worker died (it resumes or restarts safely).
RESUMABLE: set[str] = set()
WRITE_INTERVAL = 0.5  # seconds between progress writes
#: How many times a worker may start one job; a job that keeps killing its worker (a file that
#: crashes a reader under the memory cap) is then marked failed instead of looping.
MAX_ATTEMPTS = 3
#: The worker running in this process (``manage.py worker`` sets it), recorded on the jobs it runs.
CURRENT_WORKER: str | None = None


def job_runner(kind: str, *, resumable: bool = False) -> Callable[[Runner], Runner]:
    """Register the runner of a kind of job. ``resumable``: when its worker dies, the job is queued
    again (the runner must then go on from what was saved, or start over harmlessly); otherwise it
    is marked failed with a message saying so."""

    def register(fn: Runner) -> Runner:
        RUNNERS[kind] = fn
        if resumable:
            RESUMABLE.add(kind)
        return fn

    return register


# --- Workers: alive or gone ------------------------------------------------------------------------


def worker_silence() -> timedelta:
    """A worker that has not written ``seen_at`` for this long is gone
    (``LABORGRID_WORKER_SILENT_SECONDS``, default 60; the worker writes every tenth of it)."""
    return timedelta(seconds=getattr(settings, "LABORGRID_WORKER_SILENT_SECONDS", 60))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_gone(worker: Worker, *, now: Any = None) -> bool:
    """The worker stopped, went silent, or (on this host) its process no longer exists."""
    if worker.stopped_at is not None:
        return True
    if worker.seen_at < (now or timezone.now()) - worker_silence():
        return True
    if worker.hostname == socket.gethostname():
        # Same machine: a dead process is known at once (a restarted worker need not wait for
        # the silence), and so is one whose process id is now this process's.
        if worker.id != CURRENT_WORKER and worker.pid == os.getpid():
            return True
        return not _pid_alive(worker.pid)
    return False


def register_worker(worker_id: str) -> Worker:
    """Record this process as a worker (``manage.py worker`` calls it before taking any task)."""
    global CURRENT_WORKER
    now = timezone.now()
    worker, _created = Worker.objects.update_or_create(
        id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": now,
            "seen_at": now,
            "stopped_at": None,
        },
    )
    CURRENT_WORKER = worker_id
    return worker


def worker_beat(worker_id: str) -> None:
    Worker.objects.filter(pk=worker_id).update(seen_at=timezone.now())


def worker_stopped(worker_id: str) -> None:
    Worker.objects.filter(pk=worker_id).update(stopped_at=timezone.now())


def reclaim_orphaned_jobs() -> list[Job]:
    """Jobs left running by a worker that is gone: a resumable kind is queued again (a worker then
    picks it up and goes on from what was saved), another kind is marked failed with a message.
    Called when a worker starts and with each of its heartbeats; returns the jobs reclaimed."""
    from django_tasks_db.models import DBTaskResult

    # Messages are stored in the site's language, like every job message the worker writes.
    with translation.override(settings.LANGUAGE_CODE):
        return _reclaim(DBTaskResult)


def _reclaim(DBTaskResult: Any) -> list[Job]:
    now = timezone.now()
    running = Job.objects.filter(status=JobStatus.RUNNING, worker__isnull=False).select_related(
        "worker"
    )
    reclaimed: list[Job] = []
    for job in running:
        worker = job.worker
        if worker is None or not worker_gone(worker, now=now):
            continue
        again = job.kind in RESUMABLE and job.attempts < MAX_ATTEMPTS
        if again:
            status, message = (
                JobStatus.QUEUED,
                _("后台进程中断，任务已重新排队，将从中断处继续。"),
            )
        elif job.kind in RESUMABLE:
            status, message = (
                JobStatus.FAILED,
                _("后台进程处理该任务时已中断 %(n)s 次，不再自动重试，请把任务编号告知系统管理员。")
                % {"n": job.attempts},
            )
        else:
            status, message = (
                JobStatus.FAILED,
                _("后台进程在处理中停止，任务没有完成，请重新发起。"),
            )
        line = _("%(when)s 后台进程 %(worker)s 已停止，%(what)s") % {
            "when": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S"),
            "worker": str(worker),
            "what": message,
        }
        with transaction.atomic():
            # Only if it is still the dead worker's: another worker may be reclaiming it too.
            taken = Job.objects.filter(
                pk=job.pk, status=JobStatus.RUNNING, worker_id=worker.pk
            ).update(
                status=status,
                message=message[:500],
                log=job.log + line + "\n",
                finished_at=None if again else now,
            )
            if not taken:
                continue
            # The task the dead worker had claimed is over; a fresh one queues the job again.
            tasks = DBTaskResult.objects.filter(
                status="RUNNING", task_path="laborgrid.core.tasks.run_job"
            ).only("id", "args_kwargs")
            DBTaskResult.objects.filter(
                pk__in=[t.pk for t in tasks if t.args_kwargs.get("args") == [str(job.pk)]]
            ).update(
                status="FAILED",
                finished_at=now,
                exception_class_path="laborgrid.core.jobs.WorkerGone",
                traceback=line,
            )
            if again:
                transaction.on_commit(functools.partial(_enqueue, str(job.pk)))
        job.status = status
        reclaimed.append(job)
        logger.warning("reclaimed job %s (%s) of gone worker %s", job.pk, job.kind, worker)
    return reclaimed


def workers_alive() -> bool:
    """Some worker is running (the job page says so when a job waits and none is)."""
    now = timezone.now()
    live = Worker.objects.filter(stopped_at__isnull=True, seen_at__gte=now - worker_silence())
    return any(not worker_gone(w, now=now) for w in live[:20])


def _enqueue(job_id: str) -> None:
    from laborgrid.core.tasks import run_job

    run_job.enqueue(job_id)


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
    transaction.on_commit(lambda: _enqueue(str(job.pk)))
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
    """Run one queued job (called by the worker). One worker runs it at a time: the claim is a
    conditional update, so of two workers given the same job only one starts it; it runs again only
    when its worker died and its kind is resumable (``reclaim_orphaned_jobs``)."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        worker_id=CURRENT_WORKER,
        attempts=F("attempts") + 1,
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
