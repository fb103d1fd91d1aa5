"""剩余信息保护 (SECURITY.md): files holding employers' and people's data are not kept past their use.

* An export's result file (a background job's) is deleted ``LABORGRID_EXPORT_RETENTION_DAYS``
  (default 7) after the job finished: :func:`purge_exports`. The job stays in the list, saying
  the file was deleted and that the export can be run again.
* Each app deletes its own uploads the same way (the register import: an uploaded file never
  imported, ``registers.services.purge_stale_uploads``); ``manage.py purge_files`` runs them all,
  daily.

A file is overwritten with zeros before it is deleted (:func:`scrub`): best effort, as SECURITY.md
says. A journalling or copy-on-write file system, or a backup taken before, may still hold the old
blocks.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.audit.models import AuditAction
from laborgrid.audit.services import record
from laborgrid.core.models import Job

#: Zeros written per call when a file is scrubbed.
_BLOCK = b"\0" * (1 << 20)


def scrub(file: FieldFile) -> None:
    """Overwrite ``file``'s stored bytes with zeros, then delete it (a file already gone is
    fine: the point is that it is gone)."""
    storage, name = file.storage, file.name
    if not name:
        return
    try:
        path = storage.path(name)
    except NotImplementedError:  # a storage without local paths: delete only
        path = None
    if path is not None and os.path.isfile(path):
        left = os.path.getsize(path)
        with open(path, "r+b") as fh:
            while left > 0:
                n = min(left, len(_BLOCK))
                fh.write(_BLOCK[:n])
                left -= n
            fh.flush()
            os.fsync(fh.fileno())
    storage.delete(name)


def record_purge(obj: object, *, kind: str, file_name: str, days: int) -> None:
    """The audit event of a file deleted when its retention ran out (the system acts)."""
    record(
        AuditAction.FILE_PURGED,
        obj=obj,
        detail={"kind": kind, "file": file_name, "retention_days": days},
    )


def purge_exports(*, now: datetime | None = None) -> int:
    """Delete the result files of jobs that finished more than the retention ago; answer how
    many. Each job is cleared before its file goes (a download in between finds no file, never
    half of one), with an audit event."""
    days = settings.LABORGRID_EXPORT_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    message = _("结果文件已超过保留期限（%(days)s 天）删除；如需要，请重新导出。") % {"days": days}
    count = 0
    stale = Job.objects.filter(finished_at__lt=cutoff).exclude(result_file="")
    for job in list(stale.only("pk", "kind", "result_file", "result_name")):
        with transaction.atomic():
            cleared = Job.objects.filter(pk=job.pk, result_file=job.result_file.name).update(
                result_file="", message=message
            )
            if not cleared:
                continue  # changed meanwhile
            record_purge(job, kind=job.kind, file_name=job.result_name, days=days)
        scrub(job.result_file)
        count += 1
    return count
