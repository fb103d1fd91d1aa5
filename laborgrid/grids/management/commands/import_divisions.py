"""``import_divisions FILE``: import a division CSV (code,name,level,parent_code), all or nothing."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laborgrid.grids.importing import MAX_REPORTED_ERRORS, ImportRefused, import_divisions_file


class Command(BaseCommand):
    help = "Import administrative divisions (CSV: code,name,level,parent_code; .csv or .csv.gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            summary = import_divisions_file(options["file"])
        except FileNotFoundError as exc:
            raise CommandError(f"文件不存在：{options['file']}") from exc
        except ImportRefused as exc:
            for err in exc.errors[:MAX_REPORTED_ERRORS]:
                self.stderr.write(str(err))
            if len(exc.errors) > MAX_REPORTED_ERRORS:
                self.stderr.write(f"……共 {len(exc.errors)} 处错误")
            raise CommandError("文件被拒绝，未写入任何数据。") from exc
        result = {**summary.as_dict(), "seconds": round(time.perf_counter() - started, 2)}
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    "导入完成：{rows} 行，新建 {created}，更新 {updated}，移动 {moved}，"
                    "未变 {unchanged}，用时 {seconds} 秒".format(**result)
                )
            )
