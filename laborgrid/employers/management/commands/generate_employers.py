"""``generate_employers N``: synthetic employers for demos and load tests (issue 3 §10).

Writes N realistic employers with snapshots, register sources, some rosters and their creation
history under a grid subtree, set-based (``laborgrid.employers.generate``): a million in minutes.
Refused in production: the rows are invented.
"""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from laborgrid.employers.generate import BATCH_SIZE, Summary, default_root, generate_employers
from laborgrid.grids.models import Grid


class Command(BaseCommand):
    help = (
        "生成模拟用人单位（含劳动用工信息、登记来源、部分职工名册和建档历史），用于演示和性能测试。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int, help="生成的用人单位数量")
        parser.add_argument(
            "--grid",
            default="",
            help="网格编码：只在该网格下的村（社区）和园区中生成（默认：大方县 520521，没有时为根网格）",
        )
        parser.add_argument("--seed", type=int, default=None, help="随机种子（相同种子结果相同）")
        parser.add_argument(
            "--snapshots-per-employer", type=int, default=3, help="每家单位的劳动用工信息条数"
        )
        parser.add_argument(
            "--roster-share", type=float, default=0.05, help="建有职工名册的单位比例（0–1）"
        )
        parser.add_argument(
            "--workers-per-roster", type=int, default=8, help="每份职工名册的人数上限"
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="每批写入的单位数")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("模拟数据不能在生产环境（LABORGRID_ENV=production）中生成。")
        count = options["count"]
        if count <= 0:
            raise CommandError("数量必须是正整数。")
        if options["snapshots_per_employer"] < 0 or options["workers_per_roster"] < 0:
            raise CommandError("劳动用工信息条数和名册人数不能为负数。")
        if not 0 <= options["roster_share"] <= 1:
            raise CommandError("职工名册比例必须在 0 到 1 之间。")
        if options["batch_size"] <= 0:
            raise CommandError("每批数量必须是正整数。")
        code = (options["grid"] or "").strip()
        if code:
            root = Grid.objects.filter(code=code).first()
            if root is None:
                raise CommandError(f"网格编码 {code} 不存在。")
            if not root.is_active:
                raise CommandError(f"网格 {code}（{root.name}）已停用。")
        else:
            try:
                root = default_root()
            except Grid.DoesNotExist:
                raise CommandError(
                    "还没有任何网格：请先导入区划（import_divisions）或运行 seed_demo。"
                ) from None
        seed = options["seed"]
        if seed is None:
            seed = random.SystemRandom().randrange(2**31)
        # Rich draws on the command's own stream (call_command(stdout=...) captures it).
        console = Console(file=getattr(self.stdout, "_out", None), highlight=False, soft_wrap=True)
        console.print(
            f"在 {root.name}（{root.code}）下生成 {count:,} 家用人单位，随机种子 {seed}。"
        )
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("生成用人单位", total=count, rate="")

            def progress(done: int, summary: Summary) -> None:
                bar.update(task, completed=done, rate=f"{summary.rows_per_second:,.0f} 行/秒")

            summary = generate_employers(
                count,
                root=root,
                seed=seed,
                snapshots_per_employer=options["snapshots_per_employer"],
                roster_share=options["roster_share"],
                workers_per_roster=options["workers_per_roster"],
                batch_size=options["batch_size"],
                progress=progress,
            )
        console.print(
            f"已生成 {summary.employers:,} 家用人单位、{summary.snapshots:,} 条劳动用工信息、"
            f"{summary.workers:,} 名职工、{summary.sources:,} 条登记来源和 "
            f"{summary.history:,} 条建档历史；共 {summary.rows:,} 行，用时 {summary.seconds:.1f} 秒"
            f"（每秒 {summary.rows_per_second:,.0f} 行，每秒 "
            f"{summary.employers / summary.seconds if summary.seconds else 0:,.0f} 家单位）。"
        )
