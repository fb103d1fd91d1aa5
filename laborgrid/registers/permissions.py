"""Gates for import batches and their rows: 404 for missing and out of scope alike, 403 for a
visible batch the user may not change (a read-only leader).

Batches belong to the county grid, so a township user sees none of them.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import check_write
from laborgrid.registers.models import ImportBatch, ImportRow


def access_batch(user: Any, pk: int, action: str = Cap.WORK_READ) -> ImportBatch:
    batch = (
        ImportBatch.objects.visible_to(user)
        .select_related("grid", "created_by", "committed_by", "rolled_back_by", "job")
        .filter(pk=pk)
        .first()
    )
    if batch is None:
        raise Http404
    if action != Cap.WORK_READ:
        check_write(user, action, batch.grid_path)
    return batch


def access_row(user: Any, pk: int, action: str = Cap.WORK_READ) -> ImportRow:
    row = (
        ImportRow.objects.filter(batch__in=ImportBatch.objects.visible_to(user))
        .select_related("batch__grid", "employer")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404
    if action != Cap.WORK_READ:
        check_write(user, action, row.batch.grid_path)
    return row
