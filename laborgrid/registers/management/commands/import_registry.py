"""``import_registry``: import a department's register file from the command line."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from laborgrid.accounts.models import User
from laborgrid.core.text import enumeration, labelled
from laborgrid.registers.models import IMPORT_SOURCES, BatchStatus, ImportBatch
from laborgrid.registers.pipeline import CHUNK, BatchError, run_batch
from laborgrid.registers.services import create_batch, summary


class Command(BaseCommand):
    help = (
        "Import a register file (市场监管 scjg, 民政 mz, 教育 jy, 质监 zj) into the county of "
        "--user: CSV (UTF-8, GBK, GB18030), XLSX or XLS. --dry-run only reports what would "
        "change. A commit stopped half-way is resumed with --resume BATCH."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the register file")
        parser.add_argument("--source", choices=IMPORT_SOURCES)
        parser.add_argument("--dry-run", action="store_true", help="preview only; write nothing")
        parser.add_argument(
            "--json", action="store_true", help="print the counts as JSON on the last line"
        )
        parser.add_argument(
            "--user",
            default=os.environ.get("LABORGRID_IMPORT_USER", ""),
            help="the account the import is made as (default: $LABORGRID_IMPORT_USER)",
        )
        parser.add_argument("--resume", type=int, help="resume the stopped commit of this batch")
        parser.add_argument(
            "--chunk", type=int, default=None, help=f"rows per transaction (default {CHUNK:,})"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["user"]:
            raise CommandError("name the account to import as: --user USERNAME")
        try:
            actor = User.objects.get(username=opts["user"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"no active account {opts['user']!r}") from exc
        if opts["resume"]:
            batch = ImportBatch.objects.select_related("grid").filter(pk=opts["resume"]).first()
            if batch is None or batch.status != BatchStatus.COMMITTING:
                raise CommandError(f"batch {opts['resume']} has no stopped commit to resume")
            commit = True
        else:
            if not opts["file"] or not opts["source"]:
                raise CommandError("give the file and --source (scjg, mz, jy or zj)")
            path = Path(opts["file"])
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                with path.open("rb") as fh:
                    batch = create_batch(
                        actor=actor, source=opts["source"], file=fh, file_name=path.name
                    )
            except (ValidationError, PermissionDenied) as exc:
                raise CommandError(_messages(exc)) from exc
            commit = not opts["dry_run"]
        self.stderr.write(f"batch {batch.pk}: {batch.file_name} ({batch.get_source_display()})")
        started = time.monotonic()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.5:
                last[0] = now
                rate = done / max(now - started, 1e-9)
                sys.stderr.write(f"\r  {done:>10,} rows  {rate:>9,.0f} rows/s")
                sys.stderr.flush()

        try:
            counts = run_batch(
                batch, commit=commit, actor=actor, progress=progress, chunk=opts["chunk"]
            )
        except BatchError as exc:
            raise CommandError(str(exc)) from exc
        sys.stderr.write("\n")
        seconds = time.monotonic() - started
        result = {
            "batch": batch.pk,
            "status": batch.status,
            "dry_run": not commit,
            **counts.as_dict(),
            "seconds": round(seconds, 2),
            "phases": {k: round(v, 2) for k, v in counts.seconds.items()},
            "reader_peak_mb": counts.reader_peak_mb,
        }
        self.stdout.write(summary(counts.as_dict()))
        if batch.unknown_columns:
            self.stdout.write(
                labelled(_("未识别的列（未导入）"), enumeration(batch.unknown_columns))
            )
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))


def _messages(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(m) for m in exc.messages)
    return str(exc) or "permission denied"
