"""Background jobs: the grid roster export runs in the worker, shows progress, downloads as XLSX."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditAction, AuditEvent
from laborgrid.core.jobs import Progress, execute_job, job_runner, start_job
from laborgrid.core.models import Job, JobStatus
from laborgrid.core.tasks import run_job
from laborgrid.testing.personas import MAOCHANG, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_grid_roster_export_runs_in_the_worker(django_capture_on_commit_callbacks: Any) -> None:
    client = client_for("maochang")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grids:grid_export", args=[MAOCHANG]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.QUEUED
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page  # the page polls while the job waits
    # What the worker does with the queued task (the worker loop itself runs in the browser tests).
    queued = DBTaskResult.objects.get(task_path="laborgrid.core.tasks.run_job")
    assert queued.args_kwargs["args"] == [str(job.pk)]
    run_job.call(*queued.args_kwargs["args"])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.log
    assert (job.done, job.total, job.percent) == (12, 12, 100)
    progress = client.get(reverse("core:job_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in progress and reverse("core:job_download", args=[job.pk]) in progress
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]  # FileResponse
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("网格编码", "网格名称", "层级")
    codes = {r[0] for r in rows[1:]}
    assert MAOCHANG in codes and len(codes) == 12
    assert all(code.startswith(MAOCHANG) for code in codes)
    assert any(r[6] == "陈志刚" and r[8] == "中队长" for r in rows[1:])
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT_STARTED, username="maochang"
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT_DOWNLOADED, username="maochang"
    ).exists()
    assert job.title in client.get(reverse("core:job_list")).content.decode()


def test_a_failing_job_is_marked_failed_with_a_message() -> None:
    @job_runner("test.boom")
    def boom(job: Job, progress: Progress) -> None:
        progress.set_total(10)
        progress.advance(3)
        raise RuntimeError("disk full")

    job = start_job(
        kind="test.boom", title="会失败的任务", actor=User.objects.get(username="county"), params={}
    )
    execute_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "disk full" in job.log and job.message
    assert job.done == 3
    execute_job(str(job.pk))  # a finished job never runs again
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED


def test_unknown_job_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        start_job(kind="nope", title="x", actor=User.objects.get(username="county"), params={})


def test_export_follows_the_owners_scope_at_run_time() -> None:
    job = start_job(
        kind="grids.export",
        title="越权",
        actor=User.objects.get(username="maochang"),
        params={"grid": "520521103"},
    )
    execute_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.result_file


def test_the_worker_caps_its_memory_before_its_first_task() -> None:
    """Issue 21 item 1: a worker that starts a task lowers its address-space limit to
    LABORGRID_JOB_MEMORY_MB, so a file that inflates past it fails the job (MemoryError) instead of
    taking the machine; the web process (no task_started) is left alone."""
    import os
    import subprocess
    import sys

    script = (
        "import os, resource, django\n"
        "django.setup()\n"
        "before = resource.getrlimit(resource.RLIMIT_AS)[0]\n"
        "from django_tasks.signals import task_started\n"
        "from types import SimpleNamespace as NS\n"
        "result = NS(id='t1', task=NS(module_path='laborgrid.core.tasks.run_job'), status='RUNNING')\n"
        "task_started.send(sender=None, task_result=result)\n"
        "after = resource.getrlimit(resource.RLIMIT_AS)[0]\n"
        "try:\n"
        "    bytearray(600 * 1024 * 1024)\n"
        "    print(before, after, 'allocated')\n"
        "except MemoryError:\n"
        "    print(before, after, 'MemoryError')\n"
    )
    env = {
        **os.environ,
        "LABORGRID_JOB_MEMORY_MB": "512",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == "-1"  # unlimited before
    assert int(out[1]) == 512 * 1024 * 1024
    assert out[2] == "MemoryError"
