"""``manage.py backup`` / ``restore`` round trip, the post-restore check, and 410 for a stored file
that is gone (issue 21 item 3)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection, connections
from django.urls import reverse

from laborgrid.accounts.models import User
from laborgrid.core.backup import BackupError, backup, post_restore_check, restore, verify_backup
from laborgrid.core.models import Job, JobStatus
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    """A media root of this test's own holding the files the database names (the demo's evidence,
    photos and documents), as an installation's media root does."""
    original = Path(settings.MEDIA_ROOT)
    media = tmp_path / "media"
    for model in apps.get_models():
        for field in model._meta.fields:
            if field.get_internal_type() != "FileField":
                continue
            for name in model._base_manager.exclude(**{field.name: ""}).values_list(
                field.name, flat=True
            ):
                if (original / name).is_file():
                    (media / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(original / name, media / name)
    settings.MEDIA_ROOT = media


def _job_with_file(username: str = "maochang") -> Job:
    job = Job.objects.create(
        kind="grids.export",
        title="导出",
        actor=User.objects.get(username=username),
        status=JobStatus.SUCCEEDED,
        result_name="导出.csv",
    )
    job.result_file.save("export.csv", ContentFile("网格编码\n520521\n".encode()))
    return job


@pytest.fixture
def target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A second, empty database to restore into (a scratch database, as in the restore drill).

    Django's test case forbids connections to aliases it did not set up; this one is made and
    dropped here, outside the test transaction, so the guard is lifted for it."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    alias = "restore_target"
    guarded = BaseDatabaseWrapper.ensure_connection
    real = next(
        c.cell_contents
        for c in guarded.__closure__ or ()
        if getattr(c.cell_contents, "__name__", "") == "ensure_connection"
    )

    def ensure_connection(self: BaseDatabaseWrapper) -> None:
        (real if self.alias == alias else guarded)(self)

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", ensure_connection)
    config = dict(connections.settings["default"])
    created = None
    if connection.vendor == "sqlite":
        config["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        import psycopg

        created = f"{connection.settings_dict['NAME']}_restore"
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params["dbname"] = "postgres"
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{created}"')
            admin.execute(f'CREATE DATABASE "{created}"')
        config["NAME"] = created
    connections.settings[alias] = config
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
        if created:
            with psycopg.connect(**params, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{created}"')


def test_backup_and_restore_round_trip(tmp_path: Path, target: str, settings: Any) -> None:
    job = _job_with_file()
    kept = Path(settings.MEDIA_ROOT) / job.result_file.name
    folder = tmp_path / "backup"
    manifest = backup(folder)
    assert manifest["media"][job.result_file.name]["size"] == kept.stat().st_size
    assert (folder / "keys" / "field-keys.txt").stat().st_mode & 0o077 == 0
    assert manifest["row_counts"]["core_job"] == Job.objects.count()
    # a damaged backup is refused before anything is written
    copy = folder / "media" / job.result_file.name
    original = copy.read_bytes()
    copy.write_bytes(original + b"x")
    with pytest.raises(BackupError, match="SHA-256"):
        verify_backup(folder)
    copy.write_bytes(original)
    # the key ring must be the backup's
    good_keys = settings.LABORGRID_FIELD_KEYS
    settings.LABORGRID_FIELD_KEYS = good_keys.replace("current", "current ")
    with pytest.raises(BackupError, match="密钥环"):
        restore(folder, alias=target, media_root=tmp_path / "media2")
    settings.LABORGRID_FIELD_KEYS = good_keys

    report = restore(folder, alias=target, media_root=tmp_path / "media2")
    assert report.ok, report.problems
    restored = Job.objects.using(target).get(pk=job.pk)
    assert restored.result_name == "导出.csv"
    assert (tmp_path / "media2" / job.result_file.name).read_bytes() == kept.read_bytes()
    assert User.objects.using(target).count() == User.objects.count()
    # new rows continue after the restored ones (sequences follow the data)
    assert User.objects.using(target).create(username="after-restore").pk > max(
        User.objects.values_list("pk", flat=True)
    )
    # the check notices a file that is gone
    (tmp_path / "media2" / job.result_file.name).unlink()
    manifest = json.loads((folder / "manifest.json").read_text())
    report = post_restore_check(alias=target, manifest=manifest, media_root=tmp_path / "media2")
    assert any("上传文件缺失" in p for p in report.problems)


def test_a_missing_stored_file_answers_410_with_an_explanation(settings: Any) -> None:
    job = _job_with_file()
    (Path(settings.MEDIA_ROOT) / job.result_file.name).unlink()
    response = client_for("maochang").get(reverse("core:job_download", args=[job.pk]))
    assert response.status_code == 410
    assert "附件文件已不在服务器上" in response.content.decode()
    # someone else's job is still 404, not 410 (the check comes first)
    assert client_for("machang").get(reverse("core:job_download", args=[job.pk])).status_code == 404
