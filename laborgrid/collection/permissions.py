"""Who may do what in field collection, and the single-object gates (404 for missing and
forbidden alike, ARCHITECTURE §3 rule 2).

Reading follows the scope engine (``work.read`` on the grid path). Three duties need more than
``work.write`` and are answered from the person's current ``GridAssignment`` roles on the path:

* **open a round / reassign tasks** — the county brigade (监察员) or a township's squadron
  leader (中队长) on a grid at or above the round's grid; full-time officers (专职工作人员) may
  reassign within their township too;
* **review a submission** — the 二级 squadron (中队长, 专职工作人员) or the county brigade above
  the employer's grid (DOMAIN A1: assistants collect and report, the squadron checks); never the
  submission's own author;
* **collect** — the task's assignee (协管员 or 专职工作人员 with ``work.write`` there).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import Cap, Role
from laborgrid.collection.models import (
    CollectionRound,
    CollectionTask,
    Submission,
    SubmissionPhoto,
)
from laborgrid.core.paths import minimal_prefixes
from laborgrid.core.scope import check_write

MANAGE_ROLES = (Role.COUNTY_INSPECTOR, Role.SQUADRON_LEADER)
REASSIGN_ROLES = (Role.COUNTY_INSPECTOR, Role.SQUADRON_LEADER, Role.GRID_OFFICER)
REVIEW_ROLES = (Role.COUNTY_INSPECTOR, Role.SQUADRON_LEADER, Role.GRID_OFFICER)
#: Who is given tasks (DOMAIN A1: 协管员 collect; 专职工作人员 too).
COLLECTOR_ROLES = (Role.ASSISTANT, Role.GRID_OFFICER)


def role_paths(user: Any, roles: tuple[str, ...]) -> tuple[str, ...]:
    """The subtree roots where ``user`` currently holds one of ``roles`` (cached per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cache: dict[tuple[str, ...], tuple[str, ...]] = user.__dict__.setdefault(
        "_collection_role_paths", {}
    )
    if roles not in cache:
        paths = (
            GridAssignment.objects.current(timezone.localdate())
            .filter(user=user, role__in=roles, grid__is_active=True)
            .values_list("grid__path", flat=True)
        )
        cache[roles] = tuple(minimal_prefixes(list(paths)))
    return cache[roles]


def holds(user: Any, roles: tuple[str, ...], path: str) -> bool:
    return any(path.startswith(p) for p in role_paths(user, roles))


def can_manage(user: Any, path: str) -> bool:
    return holds(user, MANAGE_ROLES, path)


def can_reassign(user: Any, path: str) -> bool:
    return holds(user, REASSIGN_ROLES, path)


def can_review(user: Any, submission: Submission) -> bool:
    return submission.submitted_by_id != user.pk and holds(user, REVIEW_ROLES, submission.grid_path)


def access_round(user: Any, pk: int) -> CollectionRound:
    rnd = (
        CollectionRound.objects.visible_to(user)
        .select_related("grid", "opened_by", "job")
        .defer("grid__boundary")
        .filter(pk=pk)
        .first()
    )
    if rnd is None:
        raise Http404
    return rnd


def access_task(user: Any, pk: int, capability: str = Cap.WORK_READ) -> CollectionTask:
    task = (
        CollectionTask.objects.visible_to(user)
        .select_related("employer", "round", "grid", "assignee")
        .defer("grid__boundary")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, task.grid_path)
    return task


def access_submission(user: Any, pk: Any) -> Submission:
    try:
        sub = (
            Submission.objects.visible_to(user)
            .select_related("task", "task__round", "employer", "submitted_by", "reviewed_by")
            .filter(pk=pk)
            .first()
        )
    except (ValueError, TypeError):
        sub = None
    if sub is None:
        raise Http404
    return sub


def access_photo(user: Any, pk: int) -> SubmissionPhoto:
    photo = (
        SubmissionPhoto.objects.filter(
            pk=pk, submission__in=Submission.objects.visible_to(user).values("pk")
        )
        .select_related("submission")
        .first()
    )
    if photo is None:
        raise Http404
    return photo
