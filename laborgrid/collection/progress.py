"""Progress of a round (issue 5 §7): per grid (rolled up the hierarchy) and per person.

One grouped query over the round's tasks the viewer may see (``visible_to``), counting per
(grid path, assignee): assigned, done, overdue (not done past the due date), refused (the
approved outcome 拒绝配合); then Python adds each grid's counts to every ancestor up to the round's
grid — never a query per grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.collection.choices import Outcome, TaskStatus
from laborgrid.collection.models import CollectionRound, CollectionTask
from laborgrid.grids.models import Grid


@dataclass
class Counts:
    assigned: int = 0
    done: int = 0
    overdue: int = 0
    refused: int = 0
    submitted: int = 0

    def add(self, other: Counts) -> None:
        self.assigned += other.assigned
        self.done += other.done
        self.overdue += other.overdue
        self.refused += other.refused
        self.submitted += other.submitted

    @property
    def rate(self) -> float | None:
        return self.done / self.assigned if self.assigned else None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.assigned) if self.assigned else 0


@dataclass
class GridRow:
    grid: Grid
    level: int  # depth below the round's grid (indentation)
    counts: Counts = field(default_factory=Counts)


@dataclass
class PersonRow:
    user: User | None
    counts: Counts = field(default_factory=Counts)


@dataclass
class Progress:
    total: Counts
    grids: list[GridRow]
    people: list[PersonRow]
    today: date


def round_progress(rnd: CollectionRound, user: Any, today: date | None = None) -> Progress:
    today = today or timezone.localdate()
    rows = (
        CollectionTask.objects.visible_to(user)
        .filter(round=rnd)
        .order_by()
        .values("grid_path", "assignee_id")
        .annotate(
            assigned=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            overdue=Count("id", filter=~Q(status=TaskStatus.DONE) & Q(due_on__lt=today)),
            refused=Count("id", filter=Q(outcome=Outcome.REFUSED)),
            submitted=Count("id", filter=Q(status=TaskStatus.SUBMITTED)),
        )
    )
    grids = list(
        Grid.objects.visible_to(user)
        .filter(path__under=rnd.grid_path)
        .defer("boundary")
        .order_by("path")
    )
    by_path = {g.path: GridRow(grid=g, level=g.depth - rnd.grid.depth) for g in grids}
    people: dict[int | None, Counts] = {}
    total = Counts()
    for r in rows:
        c = Counts(r["assigned"], r["done"], r["overdue"], r["refused"], r["submitted"])
        total.add(c)
        people.setdefault(r["assignee_id"], Counts()).add(c)
        path = r["grid_path"]
        while path and len(path) >= len(rnd.grid_path):
            if path in by_path:
                by_path[path].counts.add(c)
            cut = path.rstrip("/").rfind("/")
            path = path[: cut + 1] if cut >= 0 else ""
    users = User.objects.in_bulk([k for k in people if k is not None])
    person_rows = sorted(
        (PersonRow(user=users.get(k) if k else None, counts=v) for k, v in people.items()),
        key=lambda p: (p.user is None, p.user.username if p.user else ""),
    )
    return Progress(
        total=total,
        grids=[r for r in by_path.values() if r.counts.assigned],
        people=person_rows,
        today=today,
    )
