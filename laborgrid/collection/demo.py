"""The collection part of the 大方县 demo: one open round in 猫场镇 (a six-monthly refresh),
its tasks generated and assigned like any round, so that ``maochang-a1`` finds tasks on
"我的任务" and ``maochang`` reviews what they submit. Idempotent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.collection.choices import RoundKind, RoundStatus
from laborgrid.collection.generate import generate_tasks
from laborgrid.collection.models import CollectionRound
from laborgrid.grids.models import Grid

MAOCHANG = "520521102"
DEMO_ROUND = "猫场镇 半年更新（演示）"


def seed_collection(log: Callable[[str], None] = print) -> None:
    grid = Grid.objects.filter(code=MAOCHANG).first()
    opener = User.objects.filter(username="maochang").first()
    if grid is None or opener is None or CollectionRound.objects.filter(name=DEMO_ROUND).exists():
        return
    today = timezone.localdate()
    rnd = CollectionRound.objects.create(
        name=DEMO_ROUND,
        kind=RoundKind.REFRESH,
        grid=grid,
        grid_path=grid.path,
        starts_on=today - timedelta(days=7),
        ends_on=today + timedelta(days=30),
        status=RoundStatus.GENERATING,
        opened_by=opener,
        note="演示数据：从未采集和超过6个月未采集的单位。",
    )
    created = generate_tasks(rnd)
    mine = rnd.tasks.filter(assignee__username="maochang-a1").count()
    log(f"采集：{DEMO_ROUND}，{created} 个任务（maochang-a1 {mine} 个）")
