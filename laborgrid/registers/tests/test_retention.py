"""剩余信息保护: an uploaded register file that was never imported is deleted after its retention;
a commit that stopped keeps its file to resume from; a committed batch keeps no file anyway."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditAction, AuditEvent
from laborgrid.registers.models import BatchStatus, ImportBatch
from laborgrid.registers.pipeline import BatchError, run_batch
from laborgrid.registers.services import create_batch, start_preview
from laborgrid.registers.tests.files import HEADER, csv_text, scjg_rows, with_titles
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def uploaded(
    days_ago: float, status: str = BatchStatus.UPLOADED, name: str = "市场主体.csv"
) -> ImportBatch:
    county = User.objects.get(username="county")
    content = csv_text(with_titles([HEADER, *scjg_rows(3)])).encode("gbk")
    batch = create_batch(
        actor=county, source="scjg", file=SimpleUploadedFile(name, content), file_name=name
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago), status=status
    )
    batch.refresh_from_db()
    return batch


def purge() -> str:
    out = io.StringIO()
    call_command("purge_files", stdout=out)
    return out.getvalue()


def test_an_upload_never_imported_is_deleted_after_its_retention(settings: Any) -> None:
    settings.LABORGRID_UPLOAD_RETENTION_DAYS = 30
    stale = uploaded(31)
    previewed = uploaded(45, BatchStatus.PREVIEWED, name="试运行过.csv")
    recent = uploaded(29, name="近期.csv")
    stopped = uploaded(60, BatchStatus.COMMITTING, name="导入中断.csv")  # resumes from its file
    paths = {b.pk: Path(b.file.path) for b in (stale, previewed, recent, stopped)}

    assert purge().endswith("2 register upload(s)\n")

    for batch in (stale, previewed):
        batch.refresh_from_db()
        assert not batch.file and not paths[batch.pk].exists()
        assert batch.status == BatchStatus.FAILED
        assert batch.message == (
            "上传的文件超过保留期限（30 天）未导入，已删除（个人信息保护）；如需导入，请重新上传。"
        )
        assert batch.file_sha256 and batch.file_size  # what the file was stays on record
    for batch in (recent, stopped):
        batch.refresh_from_db()
        assert batch.file and paths[batch.pk].exists()
    assert {e.object_id for e in AuditEvent.objects.filter(action=AuditAction.FILE_PURGED)} == {
        str(stale.pk),
        str(previewed.pk),
    }
    assert purge().endswith("0 register upload(s)\n")

    # The batch page says why and offers no run; the mapping page and a run are refused clearly.
    client = client_for("county")
    page = client.get(stale.get_absolute_url()).content.decode()
    assert "超过保留期限（30 天）未导入，已删除" in page
    assert reverse("registers:batch_mapping", args=[stale.pk]) not in page
    response = client.get(reverse("registers:batch_mapping", args=[stale.pk]), follow=True)
    assert "该批次的上传文件已删除，不能再处理；请重新上传文件。" in response.content.decode()
    with pytest.raises(ValidationError, match="上传文件已删除"):
        start_preview(stale, User.objects.get(username="county"))
    with pytest.raises(BatchError, match="上传文件已删除"):
        run_batch(stale, commit=False, actor=User.objects.get(username="county"))
