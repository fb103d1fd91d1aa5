"""Workers that die (issue 21 item 8) and several workers on one database (item 11).

A killed worker used to leave its job "running" and its import batch busy for five minutes, and a
restarted worker did not pick it up. ``manage.py worker`` records itself with a heartbeat; a
worker that starts (or one alive elsewhere) reclaims the jobs of workers that are gone.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laborgrid.accounts.models import User
from laborgrid.core import jobs
from laborgrid.core.models import Job, JobStatus, Worker
from laborgrid.registers import services as registers
from laborgrid.registers.models import BatchStatus, ImportBatch
from laborgrid.registers.pipeline import run_batch
from laborgrid.registers.tests.files import HEADER, csv_text
from laborgrid.testing.employers import make_uscc
from laborgrid.testing.personas import client_for

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _dead_worker(*, seen: timedelta = timedelta(seconds=2)) -> Worker:
    """A worker of this host whose process is gone (killed a moment ago: its heartbeat is fresh)."""
    now = timezone.now()
    return Worker.objects.create(
        id="killed-worker",
        hostname=socket.gethostname(),
        pid=_dead_pid(),
        started_at=now - timedelta(minutes=1),
        seen_at=now - seen,
    )


def _rows(n: int, base: int = 870000) -> list[list[str]]:
    return [
        [
            make_uscc(base + i),
            f"大方县停电{i}号商行",
            "张三",
            "个体工商户",
            "2020-01-01",
            "10万元",
            "存续",
            "贵州省毕节市大方县猫场镇箐口村",
        ]
        for i in range(n)
    ]


def _batch(tmp_path: Path, n: int) -> ImportBatch:
    county = User.objects.get(username="county")
    content = csv_text([HEADER, *_rows(n)]).encode("gb18030")
    path = tmp_path / "scjg.csv"
    path.write_bytes(content)
    with path.open("rb") as fh:
        return registers.create_batch(actor=county, source="scjg", file=fh, file_name="scjg.csv")


@pytest.mark.django_db
def test_a_dead_workers_import_is_requeued_and_shown_stalled(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    county = User.objects.get(username="county")
    batch = _batch(tmp_path, 5)
    run_batch(batch, commit=False, actor=county)
    with django_capture_on_commit_callbacks(execute=True):
        job = registers.start_commit(batch, county)
    # A worker claimed it, started the commit, and was killed (the batch's heartbeat is fresh).
    dead = _dead_worker()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, worker=dead, attempts=1)
    DBTaskResult.objects.filter(task_path="laborgrid.core.tasks.run_job").update(
        status="RUNNING", worker_ids=[dead.pk]
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.COMMITTING, heartbeat_at=timezone.now()
    )

    # The pages say so at once, not after five minutes: the job and the batch are stalled.
    client = client_for("county")
    card = client.get(reverse("core:job_progress", args=[job.pk])).content.decode()
    assert "后台进程已停止响应" in card
    page = client.get(reverse("registers:batch_detail", args=[batch.pk])).content.decode()
    assert "后台进程已停止响应" in page and "自动从中断处继续" in page
    assert 'hx-trigger="every 1s"' not in page  # not shown as running
    assert "继续导入" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # and in English
    card = client.get(reverse("core:job_progress", args=[job.pk])).content.decode()
    assert "The background worker stopped responding" in card
    page = client.get(reverse("registers:batch_detail", args=[batch.pk])).content.decode()
    assert "goes on from where it stopped" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    # A worker starts: the import is queued again and a new task waits for it.
    with django_capture_on_commit_callbacks(execute=True):
        reclaimed = jobs.reclaim_orphaned_jobs()
    assert [j.pk for j in reclaimed] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and "重新排队" in job.message
    assert "已停止" in job.log
    tasks = DBTaskResult.objects.filter(task_path="laborgrid.core.tasks.run_job")
    assert sorted(tasks.values_list("status", flat=True)) == ["FAILED", "READY"]
    ready = tasks.get(status="READY")
    assert ready.args_kwargs["args"] == [str(job.pk)]

    # The new worker runs it: the commit takes over the batch its dead run held.
    jobs.register_worker("restarted-worker")
    try:
        from laborgrid.core.tasks import run_job

        run_job.call(*ready.args_kwargs["args"])
    finally:
        jobs.CURRENT_WORKER = None
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.log
    assert (job.attempts, job.worker_id) == (2, "restarted-worker")
    assert batch.status == BatchStatus.COMMITTED and batch.created == 5


@pytest.mark.django_db
def test_a_dead_workers_export_fails_with_a_message_and_live_workers_keep_theirs() -> None:
    maochang = User.objects.get(username="maochang")
    dead = _dead_worker()
    now = timezone.now()
    alive = Worker.objects.create(
        id="alive-elsewhere", hostname="other-node", pid=1, started_at=now, seen_at=now
    )
    silent = Worker.objects.create(
        id="silent-elsewhere",
        hostname="other-node",
        pid=2,
        started_at=now - timedelta(hours=1),
        seen_at=now - timedelta(minutes=5),
    )
    exports = [
        jobs.start_job(kind="grids.export", title=f"导出{i}", actor=maochang, params={})
        for i in range(3)
    ]
    for export, worker in zip(exports, (dead, alive, silent), strict=True):
        Job.objects.filter(pk=export.pk).update(status=JobStatus.RUNNING, worker=worker)
    reclaimed = {j.pk for j in jobs.reclaim_orphaned_jobs()}
    assert reclaimed == {exports[0].pk, exports[2].pk}
    first, second, third = (Job.objects.get(pk=e.pk) for e in exports)
    assert first.status == JobStatus.FAILED and "请重新发起" in first.message
    assert third.status == JobStatus.FAILED
    assert second.status == JobStatus.RUNNING and not second.stalled  # its worker is alive
    assert jobs.reclaim_orphaned_jobs() == []  # nothing twice


@pytest.mark.django_db
def test_a_job_that_keeps_killing_its_worker_stops_being_retried(tmp_path: Path) -> None:
    county = User.objects.get(username="county")
    batch = _batch(tmp_path, 2)
    job = jobs.start_job(
        kind="registers.run", title="导入", actor=county, params={"batch": batch.pk, "commit": 0}
    )
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, worker=_dead_worker(), attempts=jobs.MAX_ATTEMPTS
    )
    jobs.reclaim_orphaned_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "不再自动重试" in job.message


def _worker(db: Path, var: Path, worker_id: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "LABORGRID_ENV": "development",
        "LABORGRID_VAR_DIR": str(var),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
            "--worker-id",
            worker_id,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"),
    reason="the killed worker works on a file copy of the SQLite test database",
)
@pytest.mark.django_db
def test_a_killed_worker_is_replaced_and_the_import_finishes(
    tmp_path: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Real worker processes: the first is killed (SIGKILL) in the middle of a commit; the one
    started after it takes the job over at once and the import completes, each row once."""
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = 6000
    county = User.objects.get(username="county")
    batch = _batch(tmp_path, rows)
    run_batch(batch, commit=False, actor=county)
    with django_capture_on_commit_callbacks(execute=True):
        job = registers.start_commit(batch, county)
    db = tmp_path / "copy.sqlite3"
    connection.ensure_connection()
    db.write_bytes(connection.connection.serialize())

    first = _worker(db, tmp_path, "first")
    watch = sqlite3.connect(db, timeout=30)
    job_id = job.pk.hex
    deadline = time.monotonic() + 120
    status = ""
    while time.monotonic() < deadline and first.poll() is None:
        status = watch.execute(
            "SELECT status FROM registers_importbatch WHERE id = ?", [batch.pk]
        ).fetchone()[0]
        if status == "committing":  # the worker has started the commit
            first.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    first.wait(timeout=60)
    assert status == "committing", first.stderr.read() if first.stderr else ""
    state = watch.execute(
        "SELECT b.status, j.status FROM registers_importbatch b JOIN core_job j ON j.id = b.job_id"
    ).fetchone()
    assert state == ("committing", "running")  # left behind by the killed worker

    second = _worker(db, tmp_path, "second")
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            job_status, attempts, worker = watch.execute(
                "SELECT status, attempts, worker_id FROM core_job WHERE id = ?", [job_id]
            ).fetchone()
            if job_status in ("succeeded", "failed"):
                break
            time.sleep(0.1)
    finally:
        second.send_signal(signal.SIGTERM)
        out, err = second.communicate(timeout=60)
    assert (job_status, attempts, worker) == ("succeeded", 2, "second"), err
    assert f"reclaimed job {job.pk}" in out
    batch_status, created = watch.execute(
        "SELECT status, created FROM registers_importbatch WHERE id = ?", [batch.pk]
    ).fetchone()
    employers = watch.execute(
        "SELECT count(*) FROM employers_employer WHERE name LIKE '大方县停电%'"
    ).fetchone()[0]
    stopped = watch.execute("SELECT stopped_at FROM core_worker WHERE id = 'second'").fetchone()[0]
    watch.close()
    assert (batch_status, created, employers) == ("committed", rows, rows)
    assert stopped is not None  # a worker that ends cleanly says so


def test_a_worker_on_another_node_is_judged_by_its_heartbeat() -> None:
    """A web process on another node cannot see the worker's process: it goes by the heartbeat."""
    now = timezone.now()
    elsewhere = Worker(id="w", hostname="other-node", pid=1, started_at=now, seen_at=now)
    assert not jobs.worker_gone(elsewhere)
    elsewhere.seen_at = now - timedelta(minutes=2)
    assert jobs.worker_gone(elsewhere)


# --- item 11: several workers on one PostgreSQL database -----------------------------------------

_ENQUEUE = """
import sys
from django.db import transaction
from laborgrid.accounts.models import User
from laborgrid.core.jobs import start_job
from laborgrid.core.tasks import run_job
actor = User.objects.get(username="maochang")
ids = []
with transaction.atomic():
    for n in range({n}):
        job = start_job(kind="grids.export", title="多节点 %d" % n, actor=actor,
                        params={{"grid": "{grid}"}})
        ids.append(str(job.pk))
for pk in ids[::2]:  # every other job queued twice: only one of its tasks may run it
    run_job.enqueue(pk)
print(" ".join(ids))
"""


def _pg_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="several workers share one PostgreSQL database (on SQLite run one worker)",
)
@pytest.mark.django_db
def test_two_worker_processes_on_one_postgresql_run_each_job_exactly_once(tmp_path: Path) -> None:
    """Issue 21 item 11: two real ``manage.py worker`` processes on one PostgreSQL database (as two
    nodes would run them) take tasks with SELECT … FOR UPDATE SKIP LOCKED; each job runs exactly
    once, even a job whose task was queued twice, and both workers take part."""
    import psycopg

    from laborgrid.testing.personas import MAOCHANG

    env = {
        **os.environ,
        "DATABASE_URL": _pg_url(),
        "LABORGRID_ENV": "development",
        "LABORGRID_VAR_DIR": str(tmp_path),
    }
    command = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay"]
    workers = [
        subprocess.Popen(
            [*command, "--interval", "0.05", "--worker-id", f"node-{name}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    s = connection.settings_dict
    other = psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"],
        password=s.get("PASSWORD") or None,
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        autocommit=True,
    )
    ids: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            up = other.execute("SELECT count(*) FROM core_worker WHERE id LIKE 'node-%'")
            if up.fetchone()[0] == 2:  # type: ignore[index]
                break
            time.sleep(0.1)
        jobs_n = 24
        script = _ENQUEUE.format(n=jobs_n, grid=MAOCHANG)
        out = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        ids = out.strip().splitlines()[-1].split()
        assert len(ids) == jobs_n
        deadline = time.monotonic() + 240
        rows: list[Any] = []
        tasks: list[Any] = []
        while time.monotonic() < deadline:
            rows = other.execute(
                "SELECT id::text, status, attempts, worker_id FROM core_job WHERE id::text = ANY(%s)",
                [ids],
            ).fetchall()
            tasks = other.execute(
                "SELECT args_kwargs->'args'->>0, status, worker_ids"
                " FROM django_tasks_database_dbtaskresult WHERE args_kwargs->'args'->>0 = ANY(%s)",
                [ids],
            ).fetchall()
            if all(r[1] in ("succeeded", "failed") for r in rows) and all(
                t[1] in ("SUCCESSFUL", "FAILED") for t in tasks
            ):
                break
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        errors = [w.communicate(timeout=60)[1] for w in workers]
        if ids:
            other.execute(
                "DELETE FROM django_tasks_database_dbtaskresult WHERE args_kwargs->'args'->>0 = ANY(%s)",
                [ids],
            )
            other.execute("DELETE FROM core_job WHERE id::text = ANY(%s)", [ids])
        other.execute("DELETE FROM core_worker WHERE id LIKE 'node-%'")
        other.close()
    assert len(rows) == jobs_n
    assert {r[1] for r in rows} == {"succeeded"}, errors
    assert {r[2] for r in rows} == {1}  # each job started exactly once
    # 36 tasks for 24 jobs: each task taken by one worker only; the second task of a job found
    # it already claimed and did nothing.
    assert len(tasks) == jobs_n + jobs_n // 2
    assert all(len(t[2]) == 1 and t[1] == "SUCCESSFUL" for t in tasks), tasks
    assert {r[3] for r in rows} == {"node-a", "node-b"}  # both workers ran jobs
    assert {t[2][0] for t in tasks} == {"node-a", "node-b"}
