"""Builders for collection tests, going through the real services."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.collection import services
from laborgrid.collection.choices import RoundKind, RoundStatus
from laborgrid.collection.generate import generate_tasks
from laborgrid.collection.models import CollectionRound, CollectionTask, Submission
from laborgrid.grids.models import Grid

FACTS = {
    "employees": 20,
    "contracts_signed": 20,
    "lowest_monthly_wage": "2200",
}


def make_round(
    grid_code: str, *, opener: str = "county", kind: str = RoundKind.CENSUS, **extra: Any
) -> CollectionRound:
    """A round with its tasks generated in-process (the job's own function)."""
    today = timezone.localdate()
    rnd = CollectionRound.objects.create(
        name=extra.pop("name", f"测试轮次 {grid_code}"),
        kind=kind,
        grid=Grid.objects.get(code=grid_code),
        grid_path=Grid.objects.get(code=grid_code).path,
        starts_on=today,
        ends_on=extra.pop("ends_on", today + timedelta(days=30)),
        status=RoundStatus.GENERATING,
        opened_by=User.objects.get(username=opener),
        **extra,
    )
    generate_tasks(rnd)
    return rnd


def task_for(username: str, grid_code: str = "520521102") -> CollectionTask:
    """An open task of ``username`` in the 猫场镇 demo round (or a fresh round)."""
    task = (
        CollectionTask.objects.filter(
            assignee__username=username, status="open", round__status="open"
        )
        .select_related("employer", "round")
        .order_by("id")
        .first()
    )
    assert task is not None, f"no open task for {username}"
    return task


def submit(task: CollectionTask, username: str = "maochang-a1", **data: Any) -> Submission:
    e = task.employer
    sub, _created = services.submit(
        actor=User.objects.get(username=username),
        task=task,
        client_uuid=data.pop("client_uuid", uuid.uuid4()),
        outcome=data.pop("outcome", "collected"),
        data={**FACTS, **data.pop("facts", {})},
        base_snapshot_id=data.pop("base_snapshot_id", e.current_snapshot_id),
        contact_name=data.pop("contact_name", "陈德海"),
        contact_confirmed=data.pop("contact_confirmed", True),
        **data,
    )
    return sub
