"""``manage.py backup DIR``: database, uploaded files, key ring and a manifest with SHA-256 hashes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laborgrid.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库、上传文件和密钥环到一个新目录（含 SHA-256 清单）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", help="新目录（不存在或为空）")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup(Path(options["destination"]), alias=options["database"], log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.WARNING(
                "keys/field-keys.txt 是密钥环：与备份分开、加密保存（另一位保管人）。"
            )
        )
