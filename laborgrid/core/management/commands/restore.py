"""``manage.py restore DIR``: verify a backup's hashes, restore it, then check the result.

Stop the web server and the workers first. The key ring in the configuration must be the
backup's (``keys/field-keys.txt``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laborgrid.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份目录恢复数据库和上传文件（先校验 SHA-256），然后做恢复后检查。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="manage.py backup 写出的目录")
        parser.add_argument("--database", default="default")
        parser.add_argument("--media-root", default=None)
        parser.add_argument("--yes", action="store_true", help="不询问，直接覆盖目标数据库")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            answer = input("恢复会覆盖目标数据库的全部数据和上传文件。请先停止服务。继续？[y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("已取消。")
        try:
            report = restore(
                Path(options["source"]),
                alias=options["database"],
                media_root=Path(options["media_root"]) if options["media_root"] else None,
                log=self.stdout.write,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for note in report.notes:
            self.stdout.write(note)
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            raise CommandError(f"恢复后检查发现 {len(report.problems)} 个问题。")
        self.stdout.write(self.style.SUCCESS("恢复完成，恢复后检查通过。"))
