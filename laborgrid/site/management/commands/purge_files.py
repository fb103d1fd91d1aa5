"""``manage.py purge_files``: delete the files whose retention ran out (剩余信息保护, SECURITY.md).

Export results ``LABORGRID_EXPORT_RETENTION_DAYS`` (default 7) after the export finished
(``core.retention.purge_exports``); uploaded register files never imported,
``LABORGRID_UPLOAD_RETENTION_DAYS`` (default 30) after the upload
(``registers.services.purge_stale_uploads``). Each file is overwritten, then deleted, with an audit
event. Run it daily (docs/deploy.md, housekeeping); running it again deletes nothing more.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laborgrid.core.retention import purge_exports
from laborgrid.registers.services import purge_stale_uploads


class Command(BaseCommand):
    help = "Delete export results and never-imported register uploads past their retention"

    def handle(self, *args: Any, **options: Any) -> None:
        exports = purge_exports()
        uploads = purge_stale_uploads()
        self.stdout.write(f"purged {exports} export file(s), {uploads} register upload(s)")
