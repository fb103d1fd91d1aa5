"""``import_boundaries FILE.geojson``: attach polygons to grids by code; invalid polygons refuse all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laborgrid.grids.importing import MAX_REPORTED_ERRORS, ImportRefused, import_boundaries


class Command(BaseCommand):
    help = (
        "Import grid boundaries from GeoJSON (features with properties.code; Polygon/MultiPolygon)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--synthetic", action="store_true", help="mark the boundaries as 示意边界（非真实）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            summary = import_boundaries(
                path.read_bytes(), synthetic=options["synthetic"], filename=path.name
            )
        except ImportRefused as exc:
            for err in exc.errors[:MAX_REPORTED_ERRORS]:
                self.stderr.write(str(err))
            raise CommandError("文件被拒绝，未写入任何数据。") from exc
        self.stdout.write(self.style.SUCCESS(f"已导入 {summary.updated} 个网格的边界。"))
