"""The deferred character index of employers: a queue and a worker that indexes in large batches.

A register import writes hundreds of thousands of employers; indexing each one's name, former
names, address and legal representative for character search in the same transaction cost more
than writing the employer itself (issue 22). So bulk writes (``EmployerWrites(deferred_search=
True)``) leave the search text empty — or, for a changed employer, as it was — and queue the
employer (:class:`~laborgrid.employers.models.SearchQueue`), as Zulip does with its messages; this
module works through the queue in batches of :data:`BATCH`, each one transaction: compute the
search text (:func:`laborgrid.employers.bulk.derived_columns`' same function), write it and the
index set-based (:func:`laborgrid.core.search.reindex`), take the batch off the queue.

While an employer waits, its codes (prefix) and its exact name find it (``filters``); the list
and search pages say how many employers of the user's grids are waiting (:func:`pending_count`).
Single edits are indexed at once, as before.

Who runs it: the job ``employers.index``, started when an import commits (:func:`schedule`),
and ``manage.py index_employers`` (by hand, or the benchmark, which times the catch-up).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from laborgrid.core.jobs import Progress, job_runner, start_job
from laborgrid.core.models import Job, JobStatus
from laborgrid.core.search import index_text, reindex
from laborgrid.employers.models import Employer, SearchQueue

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: Employers indexed per transaction.
BATCH = 20_000
JOB_KIND = "employers.index"

_QUEUE = SearchQueue._meta.db_table
_EMPLOYERS = Employer._meta.db_table
_SOURCES = Employer._meta.get_field("search_text").sources


def pending_count(user: Any) -> int:
    """How many employers in ``user``'s grids still wait for the character index."""
    return SearchQueue.objects.visible_to(user).count()


def any_pending() -> bool:
    """Whether any employer waits for the character index (one indexed probe)."""
    return SearchQueue.objects.exists()


def index_batch(size: int = BATCH) -> int:
    """Index the next ``size`` queued employers in one transaction; answers how many."""
    sources = ", ".join(f'e."{Employer._meta.get_field(f).column}"' for f in _SOURCES)  # type: ignore[union-attr]
    skip = " FOR UPDATE OF q SKIP LOCKED" if connection.vendor == "postgresql" else ""
    with transaction.atomic():
        with connection.cursor() as cursor:
            # An entry whose employer is gone (the queue has no constraint in the database) is
            # dropped with the batch, unindexed.
            cursor.execute(
                f'SELECT q."employer_id", e."id", {sources} FROM "{_QUEUE}" q '  # noqa: S608
                f'LEFT JOIN "{_EMPLOYERS}" e ON e."id" = q."employer_id" '
                f'ORDER BY q."employer_id" LIMIT %s{skip}',
                [size],
            )
            rows = cursor.fetchall()
        if not rows:
            return 0
        reindex(
            Employer,
            [(r[0], index_text(*(str(v or "") for v in r[2:]))) for r in rows if r[1] is not None],
        )
        ids = [r[0] for r in rows]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f'DELETE FROM "{_QUEUE}" WHERE "employer_id" = ANY(%s::bigint[])',  # noqa: S608
                    [ids],
                )
            else:
                cursor.execute(
                    f'DELETE FROM "{_QUEUE}" WHERE "employer_id" '  # noqa: S608
                    "IN (SELECT value FROM json_each(%s))",
                    [json.dumps(ids)],
                )
    return len(rows)


def index_pending(*, size: int = BATCH, progress: Callable[[int, int], None] | None = None) -> int:
    """Index every queued employer, batch after batch, until the queue is empty; answers how
    many were indexed. Employers queued meanwhile are indexed too."""
    total = SearchQueue.objects.count()
    done = 0
    while True:
        n = index_batch(size)
        if not n:
            return done
        done += n
        if progress is not None:
            progress(done, max(total, done))


def schedule(actor: User) -> Job | None:
    """Start the indexing job after the current transaction commits, unless one is already
    waiting or running (it takes whatever is queued when it gets there) or nothing waits."""
    if not any_pending():
        return None
    if Job.objects.filter(kind=JOB_KIND, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).exists():
        return None
    return start_job(kind=JOB_KIND, title=str(_("建立用人单位搜索索引")), actor=actor, params={})


@job_runner(JOB_KIND, resumable=True)
def _index_job(job: Job, progress: Progress) -> None:
    progress.set_total(SearchQueue.objects.count())

    def report(done: int, total: int) -> None:
        if total != progress.job.total:
            progress.set_total(total)
        progress.advance(done - progress.job.done, message=_("已索引 %(n)s 家") % {"n": done})

    index_pending(progress=report)
