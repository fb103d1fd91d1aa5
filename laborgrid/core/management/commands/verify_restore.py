"""``manage.py verify_restore [DIR]``: the post-restore check on the running installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laborgrid.core.backup import post_restore_check, read_manifest


class Command(BaseCommand):
    help = "恢复后检查：迁移、行数（给出备份目录时）、审计链、上传文件、密钥环。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", nargs="?", default=None, help="备份目录（可选）")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = read_manifest(Path(options["source"])) if options["source"] else None
        report = post_restore_check(alias=options["database"], manifest=manifest)
        for note in report.notes:
            self.stdout.write(note)
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            raise CommandError(f"检查发现 {len(report.problems)} 个问题。")
        self.stdout.write(self.style.SUCCESS("检查通过。"))
