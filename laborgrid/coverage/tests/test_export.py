"""The coverage export: a background job writing one row per grid of the subtree (level, parent,
rolled-up figures), scoped to its owner at run time, audited."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.urls import resolve, reverse

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.audit.models import AuditAction, AuditEvent
from laborgrid.core.jobs import start_job
from laborgrid.core.models import Job, JobStatus
from laborgrid.core.tasks import run_job
from laborgrid.coverage import exports, services
from laborgrid.coverage.choices import COUNTS, Measure
from laborgrid.coverage.tests.world import World, build
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def export(username: str, code: str, capture: Any) -> tuple[Job, Any]:
    client = client_for(username)
    with capture(execute=True):
        response = client.post(reverse("coverage:coverage_export", args=[code]))
    assert response.status_code == 302
    job = Job.objects.get(pk=resolve(response["Location"]).kwargs["pk"])
    assert response["Location"] == job.get_absolute_url()
    assert job.kind == exports.KIND and job.status == JobStatus.QUEUED
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.log
    assert job.done == job.total
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]  # FileResponse
    return job, openpyxl.load_workbook(io.BytesIO(content), read_only=True)


def test_one_row_per_grid_with_level_parent_and_rolled_up_figures(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world: World = build()
    job, book = export("maochang", MAOCHANG, django_capture_on_commit_callbacks)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert "猫场镇 底数覆盖情况" in rows[0][0] and "统计日期" in rows[0][0]
    header = list(rows[1])
    assert header[:6] == ["网格编码", "网格名称", "层级", "网格级别", "上级网格编码", "上级网格"]
    assert header[6:] == [str(m.label) for m in COUNTS] + [str(Measure.RATE.label)]
    by_code = {r[0]: r for r in rows[2:]}
    maochang = Grid.objects.get(code=MAOCHANG)
    subtree = Grid.objects.filter(path__under=maochang.path, is_active=True)
    assert set(by_code) == set(subtree.values_list("code", flat=True))
    assert len(rows) - 2 == subtree.count()
    assert rows[2][0] == MAOCHANG  # the grid first, then its subtree in tree order
    assert [r[0] for r in rows[2:]] == list(subtree.order_by("path").values_list("code", flat=True))

    cov = services.coverage(maochang, use_cache=False)
    for node in cov.walk():
        row = by_code[node.grid.code]
        figures = list(row[6 : 6 + len(COUNTS)])
        assert figures == [node.rolled.value(m) for m in COUNTS], node.grid.code
        rate = row[6 + len(COUNTS)]
        assert rate == (pytest.approx(node.rolled.rate) if node.rolled.rate is not None else None)

    a = by_code[world.a.code]
    assert a[1:6] == ("覆盖测试甲组", "自定义网格", "自定义网格", world.parent.code, "覆盖测试片区")
    assert a[6:9] == (6, 4, 2)  # total, registered, scjg
    parent = by_code[world.parent.code]
    assert parent[6] == 11 and parent[4:6] == (MAOCHANG, "猫场镇")
    # The township's own parent (the county) is outside 猫场镇 staff's grids: not named.
    assert by_code[MAOCHANG][4:6] == (None, None)

    notes = list(book.worksheets[1].iter_rows(values_only=True))
    assert notes[0] == ("指标", "说明")
    assert {r[0] for r in notes[1:]} == {str(m.label) for m in Measure}
    assert any("不含从未采集的单位" in (r[1] or "") for r in notes)

    assert (
        AuditEvent.objects.filter(action=AuditAction.EXPORT_STARTED)
        .filter(detail__kind=exports.KIND, detail__grid=MAOCHANG)
        .exists()
    )
    assert job.result_name.startswith("猫场镇-底数覆盖情况-")


def test_the_county_export_names_each_township_parent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _job, book = export("county", "520521", django_capture_on_commit_callbacks)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    by_code = {r[0]: r for r in rows[2:]}
    assert by_code[MACHANG][2:6] == ("乡镇（街道）", "二级网格", "520521", "大方县")
    assert len(by_code) == Grid.objects.filter(path__under="520521/", is_active=True).count()


def test_another_townships_export_is_404_and_starts_nothing() -> None:
    before = Job.objects.count()
    for username in ("maochang", "maochang-a1"):
        response = client_for(username).post(reverse("coverage:coverage_export", args=[MACHANG]))
        assert response.status_code == 404
    assert (
        client_for("sysadmin")
        .post(reverse("coverage:coverage_export", args=[MAOCHANG]))
        .status_code
        == 404
    )
    assert (
        client_for("maochang").get(reverse("coverage:coverage_export", args=[MAOCHANG])).status_code
        == 405
    )
    assert Job.objects.count() == before


def test_the_job_rechecks_scope_when_it_runs(django_capture_on_commit_callbacks: Any) -> None:
    user = User.objects.get(username="maochang-a1")
    with django_capture_on_commit_callbacks(execute=False):
        job = start_job(kind=exports.KIND, title="t", actor=user, params={"grid": MAOCHANG})
    GridAssignment.objects.filter(user=user).delete()  # moved to other duties meanwhile
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "PermissionError" in job.log
    assert not job.result_file
