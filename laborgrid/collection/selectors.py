"""Read-only helpers shared by the pages and the API (no writes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from laborgrid.collection.choices import SubmissionStatus, TaskStatus
from laborgrid.collection.models import CollectionTask, Submission
from laborgrid.collection.permissions import REVIEW_ROLES, role_paths
from laborgrid.collection.services import distance_m

#: The most tasks a phone downloads at once (a round gives one person a few hundred at most).
MY_TASKS_LIMIT = 500


@dataclass
class MyTask:
    task: CollectionTask
    distance: float | None  # metres from the phone, when both positions are known
    returned: Submission | None  # the latest returned submission (what to fix)

    @property
    def distance_km(self) -> float | None:
        """The distance in kilometres (the list shows metres under 1 km, kilometres above)."""
        return None if self.distance is None else self.distance / 1000


def my_tasks(
    user: Any, *, lat: float | None = None, lng: float | None = None, include_done: bool = False
) -> list[MyTask]:
    """The user's tasks in open rounds: by due date, then distance from ``lat``/``lng`` (when
    the phone shares its position), then priority (never collected first). Three queries."""
    qs = CollectionTask.objects.mine(user).with_list_related()
    if not include_done:
        qs = qs.exclude(status=TaskStatus.DONE)
    qs = qs.prefetch_related(
        Prefetch(
            "submissions",
            queryset=Submission.objects.filter(status=SubmissionStatus.RETURNED)
            .only("id", "task_id", "review_comment", "reviewed_at", "data", "submitted_at")
            .order_by("-submitted_at"),
            to_attr="returned_list",
        )
    )
    tasks = list(qs.order_by("due_on", "priority", "id")[:MY_TASKS_LIMIT])
    out = []
    for t in tasks:
        e = t.employer
        d = None
        if None not in (lat, lng, e.lat, e.lng):
            d = distance_m(lat, lng, e.lat, e.lng)  # type: ignore[arg-type]
        returned = t.returned_list[0] if t.returned_list else None  # type: ignore[attr-defined]
        out.append(MyTask(task=t, distance=d, returned=returned))
    out.sort(
        key=lambda m: (
            m.task.due_on,
            m.distance if m.distance is not None else float("inf"),
            m.task.priority,
            m.task.pk,
        )
    )
    return out


def review_queue(user: Any) -> QuerySet[Submission]:
    """待审核: pending submissions in the grids ``user`` reviews, never their own."""
    q = Q(pk__in=[])
    for p in role_paths(user, REVIEW_ROLES):
        q |= Q(grid_path__under=p)
    return (
        Submission.objects.visible_to(user)
        .filter(q, status=SubmissionStatus.PENDING)
        .exclude(submitted_by=user)
    )


def workbench(user: Any) -> dict[str, int] | None:
    """The home page's collection figures: the user's open tasks, how many are overdue, and
    submissions waiting for their review; None when there is nothing to show."""
    today = timezone.localdate()
    counts = (
        CollectionTask.objects.mine(user)
        .exclude(status=TaskStatus.DONE)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    counts["to_review"] = review_queue(user).count() if role_paths(user, REVIEW_ROLES) else 0
    return counts if any(counts.values()) else None


def home_widget(request: HttpRequest) -> dict[str, Any] | None:
    """The home workbench's section (``core.extensions``): hidden when ``workbench`` is None."""
    counts = workbench(request.user)
    return None if counts is None else {"collection": counts}
