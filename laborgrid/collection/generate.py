"""Generating a round's tasks (a background job, ``core.jobs``): set-based, in chunks.

A county round covers tens of thousands of employers, so the employers in scope are read as
plain value rows in priority order — never collected first, then the stalest (the coverage
definitions: ``employers.freshness.stale_cutoff``), then the rest — and written with
``bulk_create`` a chunk at a time, each chunk in its own transaction (the progress bar moves,
other writers are not held up for the whole run).

**Assignment** (DOMAIN A1: each 三级 grid has its assistants). An employer's collectors are the
协管员 and 专职工作人员 on its own grid, or — where that grid has none — on the nearest grid
above it that has some (a township's staff cover villages without their own). Among them the
task goes to whoever has the fewest tasks in this round so far (ties by username): a balanced
share per grid. An employer with no collector anywhere up its chain is left unassigned and
counted (``CollectionRound.unassigned``) for a manager to assign by hand.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from laborgrid.accounts.models import GridAssignment
from laborgrid.collection.choices import Priority, RoundKind, RoundStatus
from laborgrid.collection.models import CollectionRound, CollectionTask
from laborgrid.collection.permissions import COLLECTOR_ROLES
from laborgrid.collection.services import GENERATE_JOB
from laborgrid.core.jobs import Progress, job_runner
from laborgrid.core.models import Job
from laborgrid.core.paths import path_codes
from laborgrid.employers.choices import EmployerStatus
from laborgrid.employers.freshness import stale_cutoff
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid

CHUNK = 2000
#: Lifecycle statuses that still get visited (ended employers are not).
VISITED_STATUSES = (EmployerStatus.OPERATING, EmployerStatus.SUSPENDED)


def employers_in_scope(rnd: CollectionRound) -> QuerySet[Employer]:
    """The employers a round covers (current records), by its grids, filters and kind."""
    qs = Employer.objects.current().filter(status__in=VISITED_STATUSES)
    if rnd.grid_codes:
        paths = Grid.objects.filter(code__in=rnd.grid_codes).values_list("path", flat=True)
        q = Q()
        for p in paths:
            q |= Q(grid_path__under=p)
        qs = qs.filter(q) if q else qs.none()
    else:
        qs = qs.filter(grid_path__under=rnd.grid_path)
    flt = rnd.filters or {}
    if flt.get("employer_type"):
        qs = qs.filter(employer_type__in=flt["employer_type"])
    if flt.get("industry"):
        qs = qs.filter(industry__in=flt["industry"])
    cutoff = stale_cutoff(timezone.localdate())
    if rnd.kind == RoundKind.NEW_EMPLOYERS:
        qs = qs.filter(last_collected_on__isnull=True)
    elif rnd.kind == RoundKind.REFRESH or flt.get("only_due"):
        qs = qs.filter(Q(last_collected_on__isnull=True) | Q(last_collected_on__lt=cutoff))
    elif rnd.kind == RoundKind.TARGETED:
        qs = Employer.objects.current().filter(
            pk__in=flt.get("employer_ids") or [], grid_path__under=rnd.grid_path
        )
    return qs


class Assigner:
    """Collectors per grid path and the running load of each (see the module docstring)."""

    def __init__(self, root_path: str) -> None:
        codes = path_codes(root_path)
        ancestors = ["".join(f"{c}/" for c in codes[:i]) for i in range(1, len(codes) + 1)]
        rows = (
            GridAssignment.objects.current(timezone.localdate())
            .filter(role__in=COLLECTOR_ROLES, grid__is_active=True, user__is_active=True)
            .filter(Q(grid__path__under=root_path) | Q(grid__path__in=ancestors))
            .values_list("grid__path", "user_id", "user__username")
        )
        staff: dict[str, dict[int, str]] = defaultdict(dict)
        for path, user_id, username in rows:
            staff[path][user_id] = username
        self.staff = {p: sorted(users.items(), key=lambda u: u[1]) for p, users in staff.items()}
        self.load: dict[int, int] = defaultdict(int)
        self._owner: dict[str, str | None] = {}

    def _collectors_path(self, path: str) -> str | None:
        if path not in self._owner:
            p: str | None = path
            while p and p not in self.staff:
                cut = p.rstrip("/").rfind("/")
                p = p[: cut + 1] if cut >= 0 else None
            self._owner[path] = p
        return self._owner[path]

    def pick(self, path: str) -> int | None:
        owner = self._collectors_path(path)
        if owner is None:
            return None
        user_id = min(self.staff[owner], key=lambda u: (self.load[u[0]], u[1]))[0]
        self.load[user_id] += 1
        return user_id


def generate_tasks(rnd: CollectionRound, progress: Progress | None = None) -> int:
    """Create the round's tasks; returns how many were created."""
    today = timezone.localdate()
    cutoff = stale_cutoff(today)
    qs = employers_in_scope(rnd).order_by(
        F("last_collected_on").asc(nulls_first=True), "grid_path", "id"
    )
    if progress is not None:
        progress.set_total(qs.count())
    assigner = Assigner(rnd.grid_path)
    created = unassigned = 0
    rows = qs.values_list("id", "grid_id", "grid_path", "last_collected_on")
    batch: list[CollectionTask] = []

    def flush() -> None:
        nonlocal created
        with transaction.atomic():
            CollectionTask.objects.bulk_create(batch, ignore_conflicts=True)
        created += len(batch)
        if progress is not None:
            progress.advance(len(batch))
        batch.clear()

    for employer_id, grid_id, grid_path, last in rows.iterator(chunk_size=CHUNK):
        if last is None:
            priority = Priority.NEVER
        elif last < cutoff:
            priority = Priority.STALE
        else:
            priority = Priority.FRESH
        assignee = assigner.pick(grid_path)
        if assignee is None:
            unassigned += 1
        batch.append(
            CollectionTask(
                round=rnd,
                employer_id=employer_id,
                grid_id=grid_id,
                grid_path=grid_path,
                assignee_id=assignee,
                due_on=rnd.ends_on,
                priority=priority,
                last_collected_on=last,
            )
        )
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()
    CollectionRound.objects.filter(pk=rnd.pk).update(
        status=RoundStatus.OPEN, tasks_created=created, unassigned=unassigned
    )
    rnd.status, rnd.tasks_created, rnd.unassigned = RoundStatus.OPEN, created, unassigned
    return created


@job_runner(GENERATE_JOB)
def run_generation(job: Job, progress: Progress) -> None:
    from django.utils.translation import gettext as _

    rnd = CollectionRound.objects.get(pk=int((job.params or {}).get("round") or 0))
    if rnd.status != RoundStatus.GENERATING:
        return
    try:
        created = generate_tasks(rnd, progress)
    except Exception:
        CollectionRound.objects.filter(pk=rnd.pk).update(status=RoundStatus.FAILED)
        raise
    progress.log(
        _("已生成 %(n)s 个采集任务，其中 %(u)s 个无人可派。") % {"n": created, "u": rnd.unassigned}
    )
