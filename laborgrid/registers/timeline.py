"""The registers' entries in an employer's archive (``employers.timeline``).

An employer a register import created has no "created" history row (issue 22: the batch and its
import row are the provenance); its archive starts with this entry instead:
"由第 N 批登记库导入创建（文件，第 R 行）", linking to the batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from laborgrid.employers.timeline import Entry, register

if TYPE_CHECKING:
    from laborgrid.employers.models import Employer


@register("register_imports")
def import_created(employer: Employer, limit: int) -> list[Entry]:
    from laborgrid.registers.models import ImportRow, ReviewDecision, RowOutcome

    rows = (
        ImportRow.objects.filter(employer=employer)
        .filter(Q(outcome=RowOutcome.CREATED) | Q(decision=ReviewDecision.DIFFERENT))
        .exclude(batch__committed_at=None)
        .select_related("batch__committed_by", "decided_by")
        .only(
            "row_number",
            "outcome",
            "decision",
            "decided_at",
            "decided_by__full_name",
            "batch__id",
            "batch__file_name",
            "batch__committed_at",
            "batch__committed_by__full_name",
        )
        .order_by("batch__committed_at", "id")[:limit]
    )
    out = []
    for row in rows:
        batch = row.batch
        decided = row.decision == ReviewDecision.DIFFERENT and row.decided_at is not None
        by = row.decided_by if decided else batch.committed_by
        out.append(
            Entry(
                when=row.decided_at if decided and row.decided_at else batch.committed_at,  # type: ignore[arg-type]
                kind="created",
                title=_("由第 %(n)s 批登记库导入创建（%(file)s，第 %(row)s 行）")
                % {"n": batch.pk, "file": batch.file_name, "row": row.row_number},
                detail=_("人工确认为新单位") if decided else "",
                actor=by.full_name if by else "",
                url=batch.get_absolute_url(),
            )
        )
    return out
