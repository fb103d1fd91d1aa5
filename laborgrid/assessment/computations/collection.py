"""采集任务按期完成率: of the collection tasks due in the year (and already due on the day of
reading, or done), the share whose visit was submitted by the task's due date and approved.

Per person: the tasks assigned to them. A task nobody was assigned to counts for the grid only.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborgrid.assessment.indicators import Computation, Context, Point, register
from laborgrid.collection.choices import SubmissionStatus, TaskStatus
from laborgrid.collection.models import CollectionTask, Submission

KEY = "tasks_done"


def _points(ctx: Context, *, per_person: bool) -> Iterator[Point]:
    first_approved = (
        Submission.objects.filter(task=OuterRef("pk"), status=SubmissionStatus.APPROVED)
        .order_by()
        .values("task")
        .annotate(m=Min("submitted_at"))
        .values("m")
    )
    tasks = (
        CollectionTask.objects.filter(
            grid_path__under=ctx.root.path,
            due_on__gte=ctx.start,
            due_on__lte=ctx.end,
        )
        .filter(Q(due_on__lt=ctx.as_of) | Q(status=TaskStatus.DONE))
        .annotate(done_at=Subquery(first_approved))
        .order_by("grid_path", "pk")
        .values_list(
            "pk",
            "grid_path",
            "due_on",
            "status",
            "assignee_id",
            "employer_id",
            "employer__name",
            "done_at",
        )
    )
    if per_person:
        tasks = tasks.filter(assignee__isnull=False)
    for pk, grid_path, due_on, status, assignee_id, employer_id, name, done_at in tasks.iterator():
        done_on = done_at.date() if done_at is not None else None
        if status == TaskStatus.DONE and done_on is not None and done_on <= due_on:
            outcome = "on_time"
        elif status == TaskStatus.DONE:
            outcome = "late"
        else:
            outcome = "undone"
        yield Point(
            grid_path=grid_path,
            good=outcome == "on_time",
            outcome=outcome,
            text=name,
            on=due_on,
            url=reverse("employers:employer_detail", args=[employer_id]),
            model="collection.collectiontask",
            object_id=pk,
            user_id=assignee_id if per_person else None,
        )


def grid_points(ctx: Context) -> Iterator[Point]:
    return _points(ctx, per_person=False)


def person_points(ctx: Context) -> Iterator[Point]:
    return _points(ctx, per_person=True)


def register_it() -> None:
    register(
        Computation(
            key=KEY,
            label=_("采集任务按期完成率"),
            rule=_(
                "完成期限在本年度内的采集任务中，在期限内提交并审核通过的比例；尚未到期且未完成的任务不计入。"
            ),
            grid_points=grid_points,
            person_points=person_points,
            outcomes={
                "on_time": _("按期完成"),
                "late": _("逾期完成"),
                "undone": _("到期未完成"),
            },
            default_weight=20,
        )
    )
