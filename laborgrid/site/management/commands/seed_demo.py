"""``seed_demo``: build the 大方县 demo (idempotent). Refused in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from laborgrid.site.demo import seed_demo


class Command(BaseCommand):
    help = "Seed the Dafang county demo: grids, synthetic boundaries, staff and demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("演示数据不能在生产环境（LABORGRID_ENV=production）中创建。")
        seed_demo(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("大方县演示数据已就绪。"))
