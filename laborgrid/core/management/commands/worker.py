"""``manage.py worker``: django-tasks' ``db_worker`` that knows which jobs it runs.

It records itself (``core.Worker``: host, process id, a heartbeat every few seconds), and before it
takes its first task, and with every heartbeat, it reclaims the jobs of workers that are gone
(``core.jobs.reclaim_orphaned_jobs``): a killed worker's import is queued again and resumes where
it stopped instead of showing "running" until someone notices. Options are ``db_worker``'s.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import OperationalError, close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from laborgrid.core import jobs


class Heartbeat(threading.Thread):
    """Writes the worker's ``seen_at`` and reclaims gone workers' jobs, every tenth of the silence
    after which a worker counts as gone."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="laborgrid-worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stop = threading.Event()

    def run(self) -> None:
        interval = max(1.0, jobs.worker_silence().total_seconds() / 10)
        while not self.stop.wait(interval):
            try:
                jobs.worker_beat(self.worker_id)
                jobs.reclaim_orphaned_jobs()
            except OperationalError:  # a busy database: the next beat tries again
                jobs.logger.warning("worker heartbeat failed", exc_info=True)
            finally:
                connection.close()


class Command(DbWorkerCommand):
    help = (
        "Run the background worker (django-tasks' db_worker, recorded with a heartbeat; it takes "
        "over the jobs of workers that died)"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"]
        jobs.register_worker(worker_id)
        for job in jobs.reclaim_orphaned_jobs():
            self.stdout.write(f"reclaimed job {job.pk} ({job.kind}): {job.status}")
        close_old_connections()
        beat = Heartbeat(worker_id)
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            beat.stop.set()
            jobs.worker_stopped(worker_id)
