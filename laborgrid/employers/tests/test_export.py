"""The employer list's XLSX export: a background job that re-applies the list's filters for its
owner, streams every matching row in keyset batches, masks phones and is audited."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import openpyxl
import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditAction, AuditEvent
from laborgrid.core.jobs import execute_job, start_job
from laborgrid.core.models import Job, JobStatus
from laborgrid.core.tasks import run_job
from laborgrid.employers import exports, filters
from laborgrid.employers.models import Employer
from laborgrid.testing.employers import make_employer, make_snapshot, make_uscc
from laborgrid.testing.personas import (
    MACHANG,
    MACHANG_VILLAGE,
    MAOCHANG,
    MAOCHANG_VILLAGE,
    client_for,
)

pytestmark = pytest.mark.django_db

MARK = "鼋鼍"
EXPORT = "employers:employer_export"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def export(
    username: str, data: dict[str, Any], capture: Any, query: str = ""
) -> tuple[Job, list[tuple[Any, ...]], bytes]:
    """Post the export as ``username``, run the queued task as the worker would, download the
    file and return the job, the sheet's rows and the raw workbook."""
    client = client_for(username)
    with capture(execute=True):
        response = client.post(reverse(EXPORT) + query, data)
    assert response.status_code == 302
    job = Job.objects.get(pk=resolve(response["Location"]).kwargs["pk"])
    assert response["Location"] == job.get_absolute_url()
    assert job.kind == "employers.export" and job.status == JobStatus.QUEUED
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.log
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]  # FileResponse
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return job, list(book.active.iter_rows(values_only=True)), content


def names(rows: list[tuple[Any, ...]]) -> list[str]:
    return [r[0] for r in rows[2:]]


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.post(reverse(EXPORT), {"q": MARK})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse(EXPORT)).status_code in (302, 405)
    assert not Job.objects.filter(kind=exports.KIND).exists()


def test_get_is_refused_and_roles_without_employer_data_get_404() -> None:
    assert client_for("county").get(reverse(EXPORT)).status_code == 405
    assert client_for("sysadmin").post(reverse(EXPORT), {}).status_code == 404
    assert not Job.objects.filter(kind=exports.KIND).exists()


def test_the_export_holds_the_filtered_rows_masked_with_dates(
    django_capture_on_commit_callbacks: Any,
) -> None:
    today = timezone.localdate()
    uscc = make_uscc()
    a = make_employer(
        MAOCHANG_VILLAGE,
        name=f"{MARK}甲建筑有限公司",
        uscc=uscc,
        contact_person="李四",
        contact_phone="13912345678",
        legal_rep="张三",
        former_names="旧名一\n旧名二",
        established_on="2015-06-01",
        industry="E",
    )
    make_snapshot(
        a,
        collected_on=today - dt.timedelta(days=2),
        employees=40,
        contracts_signed=30,
        arrears=True,
        arrears_amount="1000",
    )
    b = make_employer(MAOCHANG, name=f"{MARK}乙商店", employer_type="individual", industry="F")
    make_employer(MAOCHANG, name="不含标记的单位")  # filtered out by q
    job, rows, raw = export("maochang", {"q": MARK}, django_capture_on_commit_callbacks)

    title = rows[0][0]
    assert "用人单位名录" in title and f"搜索“{MARK}”" in title
    assert re.search(r"导出时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）", title)
    user = User.objects.get(username="maochang")
    assert user.display_name in title and "maochang" in title
    assert rows[1][:4] == ("单位名称", "统一社会信用代码", "工商注册号", "组织机构代码")
    assert "联系电话" in rows[1] and "最近采集日期" in rows[1]
    in_order = list(
        Employer.objects.filter(pk__in=[a.pk, b.pk]).order_by("name", "id").values_list("name")
    )
    assert names(rows) == [n for (n,) in in_order]  # by name, as the list
    header = list(rows[1])
    by_name = {r[0]: dict(zip(header, r, strict=False)) for r in rows[2:]}
    row_a = by_name[a.name]
    assert row_a["统一社会信用代码"] == uscc
    assert row_a["曾用名"] == "旧名一；旧名二"
    assert row_a["行业门类"] == "E 建筑业"
    assert row_a["所属网格"] and row_a["网格编码"] == MAOCHANG_VILLAGE
    assert row_a["职工人数"] == 40
    # Dates are date cells (openpyxl reads them back as datetimes at midnight).
    assert isinstance(row_a["最近采集日期"], dt.datetime)
    assert row_a["最近采集日期"].date() == today - dt.timedelta(days=2)
    assert row_a["成立日期"].date() == dt.date(2015, 6, 1)
    assert "拖欠工资" in row_a["风险提示"] and "未签劳动合同" in row_a["风险提示"]
    phone = row_a["联系电话"]
    assert phone and "*" in phone and phone == Employer.objects.get(pk=a.pk).contact_phone_masked
    assert b"13912345678" not in _sheet_xml(raw) and b"13912345678" not in raw
    row_b = by_name[b.name]
    assert row_b["采集情况"] == "从未采集" and row_b["单位类型"] == "个体工商户"
    assert (job.total, job.done) == (2, 2)
    assert job.result_name.endswith(".xlsx")
    # Starting and downloading are audit events.
    started = AuditEvent.objects.get(action=AuditAction.EXPORT_STARTED, username="maochang")
    assert started.detail["kind"] == "employers.export" and started.detail["filters"] == {"q": MARK}
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT_DOWNLOADED, username="maochang"
    ).exists()


def _sheet_xml(raw: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/"))


def test_text_is_never_written_as_a_formula(django_capture_on_commit_callbacks: Any) -> None:
    make_employer(MAOCHANG, name=f"{MARK}公司", address='=HYPERLINK("http://x","点")')
    _job, rows, raw = export("maochang", {"q": MARK}, django_capture_on_commit_callbacks)
    assert b"<f>" not in _sheet_xml(raw)
    assert any(r and r[10] and str(r[10]).startswith("=HYPERLINK") for r in rows[2:])


def test_filters_from_the_body_and_the_query_string(
    django_capture_on_commit_callbacks: Any,
) -> None:
    shop = make_employer(MAOCHANG_VILLAGE, name=f"{MARK}个体店", employer_type="individual")
    factory = make_employer(MAOCHANG, name=f"{MARK}工厂")
    make_snapshot(factory, employees=10, contracts_signed=2)
    _job, rows, _raw = export(
        "maochang", {"q": MARK, "employer_type": "individual"}, django_capture_on_commit_callbacks
    )
    assert names(rows) == [shop.name] and "单位类型：个体工商户" in rows[0][0]
    job, rows, _raw = export(
        "maochang",
        {},
        django_capture_on_commit_callbacks,
        query=f"?q={MARK}&flag=no_contracts&grid={MAOCHANG}",
    )
    assert names(rows) == [factory.name]
    assert job.params == {"q": MARK, "grid": MAOCHANG, "flag": ["no_contracts"]}
    assert "风险：未签劳动合同" in rows[0][0] and "猫场镇" in rows[0][0]


def test_invalid_filters_start_no_job() -> None:
    response = client_for("maochang").post(
        reverse(EXPORT), {"q": MARK, "employer_type": "bogus"}, follow=True
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "筛选条件无效，未能导出。" in body
    assert not Job.objects.filter(kind=exports.KIND).exists()


def test_every_row_once_in_keyset_batches_for_each_sort(
    monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(exports, "BATCH", 3)  # many batches from a few rows
    for i in range(11):
        e = make_employer(MAOCHANG, name=f"{MARK}批{i % 4}号")  # name ties across batches
        if i % 2:
            make_snapshot(e, employees=5 * (i % 3), contracts_signed=0)
    _fs, qs = filters.filtered(User.objects.get(username="maochang"), {"q": MARK})
    for sort, order in exports.ORDER.items():
        job, rows, _raw = export(
            "maochang", {"q": MARK, "sort": sort}, django_capture_on_commit_callbacks
        )
        expected = list(qs.order_by(*order).values_list("name", "pk"))
        exported = names(rows)
        assert exported == [n for n, _pk in expected], sort
        assert (job.total, job.done) == (11, 11)
    batches = list(exports.keyset_batches(qs, filters.Sort.NAME, size=3))
    assert [len(b) for b in batches] == [3, 3, 3, 2]
    pks = [e.pk for b in batches for e in b]
    assert len(pks) == len(set(pks)) == 11


def test_no_row_cap(monkeypatch: Any, django_capture_on_commit_callbacks: Any) -> None:
    monkeypatch.setattr(filters, "COUNT_CAP", 2)  # the list's cap does not limit the export
    monkeypatch.setattr(filters, "PAGE_SIZE", 2)
    for i in range(6):
        make_employer(MAOCHANG, name=f"{MARK}无上限{i}")
    _job, rows, _raw = export("maochang", {"q": MARK}, django_capture_on_commit_callbacks)
    assert len(names(rows)) == 6


def test_maochang_never_exports_machang(django_capture_on_commit_callbacks: Any) -> None:
    theirs = make_employer(MACHANG_VILLAGE, name=f"{MARK}马场专属厂", uscc=make_uscc())
    ours = make_employer(MAOCHANG, name=f"{MARK}猫场自有厂")
    for data in ({}, {"q": MARK}, {"q": "马场专属"}, {"q": theirs.uscc}, {"grid": MACHANG}):
        _job, rows, raw = export("maochang", data, django_capture_on_commit_callbacks)
        assert theirs.name not in names(rows), data
        assert theirs.name.encode() not in _sheet_xml(raw)
    _job, rows, _raw = export("maochang", {"grid": MACHANG}, django_capture_on_commit_callbacks)
    assert names(rows) == []
    _job, rows, _raw = export("county", {"q": MARK}, django_capture_on_commit_callbacks)
    assert set(names(rows)) == {theirs.name, ours.name}


def test_the_job_applies_its_owners_scope_when_it_runs() -> None:
    """A job's params cannot widen its owner's scope: they are filters, re-applied at run time."""
    make_employer(MACHANG_VILLAGE, name=f"{MARK}马场厂")
    job = start_job(
        kind=exports.KIND,
        title="越权",
        actor=User.objects.get(username="maochang"),
        params={"q": MARK, "grid": MACHANG},
    )
    execute_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.total == 0
    with job.result_file.open("rb") as fh:
        rows = list(openpyxl.load_workbook(fh, read_only=True).active.iter_rows(values_only=True))
    assert names(rows) == []


def test_the_leader_may_export(django_capture_on_commit_callbacks: Any) -> None:
    e = make_employer(MAOCHANG, name=f"{MARK}领导导出单位")
    _job, rows, _raw = export("leader", {"q": MARK}, django_capture_on_commit_callbacks)
    assert names(rows) == [e.name]


def test_the_list_page_has_the_export_button() -> None:
    body = client_for("maochang").get(reverse("employers:employer_list"), {"q": MARK}).content
    text = body.decode()
    assert f'action="{reverse(EXPORT)}"' in text and "导出 Excel" in text
