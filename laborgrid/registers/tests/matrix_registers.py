"""Permission-matrix entries for the register import pages and API (merged by
core/tests/test_permission_matrix).

Batches belong to the county grid: the "other" object of every entry is a county batch, which a
township user (猫场镇 or 马场镇) cannot see (404), the county inspector can work on and the
read-only leader can see but not change (403). Each callable builds its batch inside the test's
transaction.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from laborgrid.testing.matrix import Spec


def _batch(status: str = "uploaded") -> Callable[[], int]:
    def build() -> int:
        from laborgrid.accounts.models import User
        from laborgrid.registers import services
        from laborgrid.registers.models import ImportBatch
        from laborgrid.registers.tests.files import HEADER, csv_text, scjg_rows, with_titles

        content = csv_text(with_titles([HEADER, *scjg_rows(2)])).encode("gbk")
        batch = services.create_batch(
            actor=User.objects.get(username="county"),
            source="scjg",
            file=io.BytesIO(content),
            file_name="matrix.csv",
        )
        if status != "uploaded":
            ImportBatch.objects.filter(pk=batch.pk).update(status=status)
        return batch.pk

    return build


def _review_row() -> int:
    from laborgrid.accounts.models import User
    from laborgrid.grids.models import Grid, GridLevel
    from laborgrid.registers.models import BatchStatus, ImportBatch, ImportRow, RowOutcome

    county = Grid.objects.get(level=GridLevel.COUNTY)
    batch = ImportBatch.objects.create(
        source="scjg",
        grid=county,
        grid_path=county.path,
        file_name="matrix.csv",
        file_sha256="0" * 64,
        file_size=1,
        status=BatchStatus.COMMITTED,
        created_by=User.objects.get(username="county"),
    )
    row = ImportRow.objects.create(
        batch=batch, row_number=5, outcome=RowOutcome.REVIEW, name="矩阵待定饭店"
    )
    return row.pk


SPECS: dict[str, Spec] = {
    "registers:batch_list": Spec(),
    # No object in the URL: who cannot import (leader, townships) gets 404.
    "registers:batch_create": Spec(methods=("get", "post"), writes=True),
    "registers:batch_detail": Spec(other={"pk": _batch()}),
    "registers:batch_progress": Spec(other={"pk": _batch()}),
    "registers:batch_errors": Spec(other={"pk": _batch("previewed")}),
    "registers:batch_mapping": Spec(
        other={"pk": _batch()}, own={"pk": _batch()}, methods=("get", "post"), writes=True
    ),
    "registers:batch_commit": Spec(
        other={"pk": _batch("previewed")},
        own={"pk": _batch("previewed")},
        methods=("post",),
        writes=True,
    ),
    "registers:batch_rollback": Spec(
        other={"pk": _batch("committed")},
        own={"pk": _batch("committed")},
        methods=("get", "post"),
        writes=True,
    ),
    "registers:review_list": Spec(),
    "registers:review_decide": Spec(
        other={"pk": _review_row}, own={"pk": _review_row}, methods=("get", "post"), writes=True
    ),
    "registers:unassigned_list": Spec(),
}
API_SPECS: dict[tuple[str, str], Spec] = {
    ("post", "/api/v1/imports"): Spec(methods=("post",), writes=True),
    ("get", "/api/v1/imports/{batch_id}"): Spec(other={"batch_id": _batch()}),
    ("post", "/api/v1/imports/{batch_id}/commit"): Spec(
        other={"batch_id": _batch("previewed")},
        own={"batch_id": _batch("previewed")},
        methods=("post",),
        writes=True,
    ),
}
