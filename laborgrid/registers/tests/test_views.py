"""The import pages, as a county inspector works through them: upload a GBK export with title
rows, check the mapping, dry run, commit, download the error report, work the review queue, roll
back; bad uploads; who may see and do what."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from laborgrid.core.models import JobStatus
from laborgrid.core.tasks import run_job
from laborgrid.employers.models import Employer
from laborgrid.registers.models import (
    BatchStatus,
    ImportBatch,
    ImportPreset,
    ImportRow,
    RowOutcome,
)
from laborgrid.registers.tests.files import HEADER, csv_text, with_titles, xlsx_bytes
from laborgrid.testing.employers import make_employer, make_uscc
from laborgrid.testing.personas import MAOCHANG_VILLAGE, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def row(n: int, *, name: str | None = None, address: str = "") -> list[str]:
    return [
        make_uscc(n),
        name or f"大方县鲲鹏{n}号商贸有限公司",
        "张三",
        "有限责任公司（自然人投资或控股）",
        "2015-03-07",
        "500万元人民币",
        "存续",
        address or "贵州省毕节市大方县猫场镇箐口村",
    ]


def gbk_upload(rows: list[list[str]], name: str = "市场主体.csv") -> SimpleUploadedFile:
    content = csv_text(with_titles([HEADER, *rows])).encode("gbk")
    return SimpleUploadedFile(name, content, content_type="text/csv")


def upload(client: Any, file: SimpleUploadedFile, source: str = "scjg", **extra: Any) -> Any:
    return client.post(reverse("registers:batch_create"), {"source": source, "file": file, **extra})


def mapping_post(client: Any, batch: ImportBatch, **extra: Any) -> Any:
    """Post the mapping page with what it shows pre-filled (its initial values)."""
    page = client.get(reverse("registers:batch_mapping", args=[batch.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: (form[name].initial or "") for name in form.fields}
    data.update(extra)
    return client.post(reverse("registers:batch_mapping", args=[batch.pk]), data)


def run_batch_job(batch: ImportBatch) -> None:
    batch.refresh_from_db()
    assert batch.job is not None
    run_job.call(str(batch.job_id))
    batch.refresh_from_db()
    assert batch.job is not None and batch.job.status == JobStatus.SUCCEEDED, batch.job.log


def test_the_county_inspector_imports_a_gbk_export_end_to_end() -> None:
    known = make_employer(MAOCHANG_VILLAGE, uscc=make_uscc(890001), name="大方县旧名称有限公司")
    found = make_employer(MAOCHANG_VILLAGE, name="大方县鲲鹏待定饭店", address="猫场镇老街1号")
    bad = row(890003)
    bad[0] = "91520521XXXXXXXXX1"
    rows = [
        row(890001),
        row(890002),
        bad,
        row(890002),
        row(890004, name="大方县鲲鹏待定饭店", address="猫场镇新街9号"),
    ]
    county = client_for("county")
    assert county.get(reverse("registers:batch_list")).status_code == 200
    assert county.get(reverse("registers:batch_create")).status_code == 200

    response = upload(county, gbk_upload(rows))
    assert response.status_code == 302, response.context and response.context["form"].errors
    batch = ImportBatch.objects.latest("pk")
    assert response["Location"] == reverse("registers:batch_mapping", args=[batch.pk])

    page = county.get(response["Location"])
    body = page.content.decode()
    assert "大方县市场主体登记信息导出" in body  # the title row above the header is shown
    assert "gb18030" in body.lower() or "gbk" in body.lower()
    form = page.context["form"]
    assert form["col_0"].initial == "uscc" and form["col_1"].initial == "name"

    response = mapping_post(county, batch, preset_name="县市场监管局导出")
    assert response.status_code == 302
    assert ImportPreset.objects.filter(source="scjg", name="县市场监管局导出").exists()
    page = county.get(reverse("registers:batch_detail", args=[batch.pk]))
    assert 'id="batch-progress"' in page.content.decode()  # the progress card polls
    progress = county.get(reverse("registers:batch_progress", args=[batch.pk]))
    assert progress.status_code == 200 and "hx-get" in progress.content.decode()

    run_batch_job(batch)
    assert batch.status == BatchStatus.PREVIEWED
    assert (batch.created, batch.updated, batch.rejected, batch.duplicates, batch.review) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert not Employer.objects.filter(uscc=make_uscc(890002)).exists()  # a dry run
    finished = county.get(
        reverse("registers:batch_progress", args=[batch.pk]), HTTP_HX_REQUEST="true"
    )
    assert finished["HX-Refresh"] == "true"
    page = county.get(reverse("registers:batch_detail", args=[batch.pk]), {"outcome": "rejected"})
    body = page.content.decode()
    assert "统一社会信用代码：" in body  # "column: reason"
    assert "确认导入" in body
    page = county.get(reverse("registers:batch_detail", args=[batch.pk]), {"outcome": "updated"})
    assert "大方县旧名称有限公司" in page.content.decode()  # before → after

    response = county.post(reverse("registers:batch_commit", args=[batch.pk]))
    assert response.status_code == 302
    run_batch_job(batch)
    assert batch.status == BatchStatus.COMMITTED
    known.refresh_from_db()
    assert known.name == "大方县鲲鹏890001号商贸有限公司"
    assert Employer.objects.filter(uscc=make_uscc(890002)).exists()

    report = county.get(reverse("registers:batch_errors", args=[batch.pk]))
    assert report.status_code == 200
    from laborgrid.audit.models import AuditAction, AuditEvent

    assert AuditEvent.objects.filter(  # the error report names employers: audited (issue 21 item 7)
        action=AuditAction.FILE_DOWNLOADED, object_id=str(batch.pk), detail__kind="error_report"
    ).exists()
    content = b"".join(report.streaming_content)  # type: ignore[attr-defined]  # FileResponse
    book = openpyxl.load_workbook(io.BytesIO(content))
    lines = list(book.active.iter_rows(values_only=True))
    assert lines[0][:4] == ("行号", "结果", "列", "原因")
    rejected = [line for line in lines[1:] if line[1] == "拒收"]
    assert rejected and rejected[0][0] == 7 and rejected[0][2] == "统一社会信用代码"
    assert rejected[0][3]
    # the bad code stays in its cells: a clerk sees what to correct (issue 23)
    assert lines[0][5:] == ("代码", "填写内容")
    assert rejected[0][5] == "91520521XXXXXXXXX1" and rejected[0][6] == "91520521XXXXXXXXX1"
    assert any(line[1] == "文件内重复" and line[0] == 8 for line in lines[1:])

    queue = county.get(reverse("registers:review_list"))
    item = ImportRow.objects.get(batch=batch, outcome=RowOutcome.REVIEW)
    assert reverse("registers:review_decide", args=[item.pk]) in queue.content.decode()
    page = county.get(reverse("registers:review_decide", args=[item.pk]))
    assert found.name in page.content.decode() and "是同一单位" in page.content.decode()
    wrong = county.post(
        reverse("registers:review_decide", args=[item.pk]),
        {"decision": "same", "employer": known.pk},
    )
    assert wrong.status_code == 200 and "请从候选单位中选择一个" in wrong.content.decode()
    done = county.post(
        reverse("registers:review_decide", args=[item.pk]),
        {"decision": "same", "employer": found.pk},
    )
    assert done.status_code == 302
    found.refresh_from_db()
    assert found.uscc == make_uscc(890004)

    assert county.get(reverse("registers:batch_rollback", args=[batch.pk])).status_code == 200
    unconfirmed = county.post(reverse("registers:batch_rollback", args=[batch.pk]))
    assert unconfirmed.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    response = county.post(
        reverse("registers:batch_rollback", args=[batch.pk]), {"confirm": "yes"}, follow=True
    )
    assert "已撤销" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK
    assert not Employer.objects.filter(uscc=make_uscc(890002)).exists()
    known.refresh_from_db()
    assert known.name == "大方县旧名称有限公司"


def test_the_same_file_again_is_flagged() -> None:
    county = client_for("county")
    rows = [row(891001)]
    upload(county, gbk_upload(rows))
    first = ImportBatch.objects.latest("pk")
    mapping_post(county, first)
    run_batch_job(first)
    county.post(reverse("registers:batch_commit", args=[first.pk]))
    run_batch_job(first)
    upload(county, gbk_upload(rows))
    second = ImportBatch.objects.latest("pk")
    page = county.get(reverse("registers:batch_mapping", args=[second.pk]))
    assert "再次导入不会改变数据" in page.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "空"),
        ("notes.docx", b"PK\x03\x04whatever", "CSV"),
        ("garbage.csv", "名称说明\n这不是登记表\n".encode(), ""),
        ("picture.csv", b"\x89PNG\r\n\x1a\n" + bytes(100), ""),
    ],
)
def test_bad_uploads_are_refused_with_the_form_kept(
    name: str, content: bytes, message: str
) -> None:
    county = client_for("county")
    before = ImportBatch.objects.count()
    response = upload(county, SimpleUploadedFile(name, content), source="mz")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["file"] and message in " ".join(form.errors["file"])
    assert form["source"].value() == "mz"  # what was chosen is kept
    assert ImportBatch.objects.count() == before


def test_a_mapping_without_a_name_column_is_refused() -> None:
    county = client_for("county")
    upload(county, gbk_upload([row(892001)]))
    batch = ImportBatch.objects.latest("pk")
    response = mapping_post(county, batch, col_1="")
    assert response.status_code == 200
    assert "缺少单位名称列" in response.content.decode()
    batch.refresh_from_db()
    assert batch.job is None


def test_an_xlsx_upload_maps_too() -> None:
    county = client_for("county")
    content = xlsx_bytes({"登记信息": with_titles([HEADER, row(893001)])})
    response = upload(county, SimpleUploadedFile("scjg.xlsx", content))
    assert response.status_code == 302
    page = county.get(response["Location"])
    assert page.status_code == 200 and "XLSX" in page.content.decode()


def test_scope_townships_see_no_batch_and_the_leader_cannot_write() -> None:
    county = client_for("county")
    upload(county, gbk_upload([row(894001)]))
    batch = ImportBatch.objects.latest("pk")
    for name in ("batch_detail", "batch_progress", "batch_errors"):
        url = reverse(f"registers:{name}", args=[batch.pk])
        assert client_for("maochang").get(url).status_code == 404, name
        assert client_for("leader").get(url).status_code == 200, name
    assert client_for("maochang").get(reverse("registers:batch_create")).status_code == 404
    assert client_for("leader").get(reverse("registers:batch_create")).status_code == 404
    listing = client_for("maochang").get(reverse("registers:batch_list"))
    assert batch.file_name not in listing.content.decode()
    leader = client_for("leader")
    assert "上传登记库文件" not in leader.get(reverse("registers:batch_list")).content.decode()
    assert "上传登记库文件" in county.get(reverse("registers:batch_list")).content.decode()
    for name in ("batch_mapping", "batch_commit", "batch_rollback"):
        url = reverse(f"registers:{name}", args=[batch.pk])
        assert leader.post(url, {"confirm": "yes"}).status_code == 403, name
        assert client_for("maochang").post(url).status_code == 404, name
    assert client_for("county").get(reverse("registers:unassigned_list")).status_code == 200


def _batch_with_rows(n: int) -> ImportBatch:
    from laborgrid.accounts.models import User
    from laborgrid.grids.models import Grid

    county = Grid.objects.get(level="county")
    batch = ImportBatch.objects.create(
        source="scjg",
        grid=county,
        grid_path=county.path,
        file_name="count.csv",
        file_sha256="1" * 64,
        file_size=1,
        status=BatchStatus.PREVIEWED,
        created_by=User.objects.get(username="county"),
        rows_total=n,
        updated=n,
    )
    employers = [make_employer(MAOCHANG_VILLAGE) for _ in range(n)]
    ImportRow.objects.bulk_create(
        ImportRow(
            batch=batch,
            row_number=5 + i,
            outcome=RowOutcome.UPDATED,
            employer=e,
            name=e.name,
            problems=[{"field": "x", "header": "X", "message": "m", "error": False}],
            changes={"name": ["a", "b"], "_version": [1, 2]},
        )
        for i, e in enumerate(employers)
    )
    return batch


def test_page_query_counts_do_not_grow_with_rows() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    county = client_for("county")
    counts = []
    for n in (2, 12):
        batch = _batch_with_rows(n)
        county.get(reverse("registers:batch_list"))  # warm the session
        with CaptureQueriesContext(connection) as detail:
            assert county.get(reverse("registers:batch_detail", args=[batch.pk])).status_code == 200
        with CaptureQueriesContext(connection) as listing:
            assert county.get(reverse("registers:batch_list")).status_code == 200
        counts.append((len(detail), len(listing)))
    assert counts[0] == counts[1], counts


def test_queue_query_counts_do_not_grow_with_rows() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from laborgrid.employers.models import Employer
    from laborgrid.grids.choices import LocateMethod
    from laborgrid.grids.models import Grid

    county_grid = Grid.objects.get(level="county")
    county = client_for("county")
    counts = []
    for n in (1, 8):
        batch = _batch_with_rows(n)
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.COMMITTED)
        rows = ImportRow.objects.filter(batch=batch)
        ImportRow.objects.filter(pk__in=rows).update(
            outcome=RowOutcome.REVIEW, candidates=[{"id": 1, "method": "name"}]
        )
        Employer.objects.filter(pk__in=rows.values("employer")).update(
            grid=county_grid, grid_path=county_grid.path, grid_method=LocateMethod.UNASSIGNED
        )
        county.get(reverse("registers:review_list"))  # warm the session
        with CaptureQueriesContext(connection) as review:
            response = county.get(reverse("registers:review_list"))
            assert response.status_code == 200
        assert len(response.context["page"].object_list) >= n
        with CaptureQueriesContext(connection) as unassigned:
            response = county.get(reverse("registers:unassigned_list"))
            assert response.status_code == 200
        assert len(response.context["page"].object_list) >= n
        counts.append((len(review), len(unassigned)))
    assert counts[0] == counts[1], counts


def test_a_decompression_bomb_upload_is_refused_and_headers_are_read_by_streaming(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 21 item 1: the web process checks the ZIP before opening it and reads an XLSX's
    header row by row (openpyxl read-only), never the whole sheet with python-calamine."""
    import python_calamine

    from laborgrid.testing.bombs import xlsx_bomb

    county = client_for("county")
    before = ImportBatch.objects.count()
    bomb = xlsx_bomb(100, rows=[HEADER, row(895001)])
    response = upload(county, SimpleUploadedFile("scjg.xlsx", bomb))
    assert response.status_code == 200
    assert "压缩炸弹" in " ".join(response.context["form"].errors["file"])
    assert ImportBatch.objects.count() == before

    def whole_sheet(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("python-calamine loaded a sheet in the web process")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", whole_sheet)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", whole_sheet)
    content = xlsx_bytes({"登记信息": with_titles([HEADER, row(895002)])})
    response = upload(county, SimpleUploadedFile("scjg.xlsx", content))
    assert response.status_code == 302
    assert county.get(response["Location"]).status_code == 200
