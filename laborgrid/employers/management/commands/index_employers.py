"""``manage.py index_employers``: bring the deferred character index of employers up to date."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from laborgrid.employers.indexing import BATCH, index_pending


class Command(BaseCommand):
    help = "Index every employer still waiting for the character search index (issue 22)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help="employers per transaction")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.perf_counter()
        done = index_pending(size=max(1, opts["batch"]))
        seconds = time.perf_counter() - started
        if opts["json"]:
            self.stdout.write(json.dumps({"indexed": done, "seconds": round(seconds, 3)}))
        else:
            self.stdout.write(f"indexed {done} employers in {seconds:.1f} s")
