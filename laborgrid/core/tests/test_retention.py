"""剩余信息保护: an export's result file is deleted once its retention ran out (``purge_files``)."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditAction, AuditEvent
from laborgrid.core.models import Job, JobStatus
from laborgrid.core.retention import scrub
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def export(days_ago: float, name: str = "网格名册.xlsx") -> Job:
    job = Job.objects.create(
        kind="grids.export",
        title="导出网格名册",
        actor=User.objects.get(username="maochang"),
        status=JobStatus.SUCCEEDED,
        result_name=name,
        finished_at=timezone.now() - timedelta(days=days_ago),
    )
    job.result_file.save("export.xlsx", ContentFile("陈志刚,139****1111\n".encode()))
    return job


def purge() -> str:
    out = io.StringIO()
    call_command("purge_files", stdout=out)
    return out.getvalue()


def test_an_export_past_its_retention_is_deleted_and_the_job_says_so(settings: Any) -> None:
    settings.LABORGRID_EXPORT_RETENTION_DAYS = 7
    old, recent = export(days_ago=7.5), export(days_ago=6.5, name="近期.xlsx")
    old_path, recent_path = Path(old.result_file.path), Path(recent.result_file.path)

    assert purge().startswith("purged 1 export file(s)")

    assert not old_path.exists() and recent_path.exists()
    old.refresh_from_db()
    assert not old.result_file and old.result_name == "网格名册.xlsx"
    assert old.message == "结果文件已超过保留期限（7 天）删除；如需要，请重新导出。"
    client = client_for("maochang")
    assert client.get(reverse("core:job_download", args=[old.pk])).status_code == 404
    page = client.get(old.get_absolute_url()).content.decode()
    assert "结果文件已超过保留期限（7 天）删除" in page
    assert reverse("core:job_download", args=[old.pk]) not in page
    assert client.get(reverse("core:job_download", args=[recent.pk])).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.FILE_PURGED)
    assert event.actor is None and event.object_id == str(old.pk)
    assert event.detail == {"kind": "grids.export", "file": "网格名册.xlsx", "retention_days": 7}
    # Nothing more to delete the next day; the recent one goes when its own time comes.
    assert purge().startswith("purged 0 export file(s)")
    settings.LABORGRID_EXPORT_RETENTION_DAYS = 6
    assert purge().startswith("purged 1 export file(s)") and not recent_path.exists()


def test_a_scrubbed_file_is_overwritten_before_it_is_deleted(tmp_path: Path) -> None:
    job = export(days_ago=30)
    stored = Path(job.result_file.path)
    size = stored.stat().st_size
    # A second name for the same blocks: what a copy of the disk would still find.
    twin = tmp_path / "twin"
    os.link(stored, twin)
    scrub(job.result_file)
    assert not stored.exists()
    assert twin.read_bytes() == b"\0" * size
    scrub(job.result_file)  # already gone: nothing to do, no error
