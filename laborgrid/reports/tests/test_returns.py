"""Statistical returns as people use them: 猫场镇's 中队长 drafts November's return from the
records, adjusts a line with a note and signs it; the county consolidates (saying why the
townships that did not sign are summed by their records), locks the period and downloads the
XLSX and the PDF; a locked period never changes, and a later correction is listed apart."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from laborgrid.audit.models import AuditEvent
from laborgrid.cases.models import Case
from laborgrid.grids.models import Grid
from laborgrid.lib import periods
from laborgrid.reports.choices import ReturnStatus
from laborgrid.reports.models import Return, ReturnCorrection
from laborgrid.testing.personas import COUNTY, MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def last_month() -> periods.Period:
    return periods.containing(timezone.localdate()).previous()


def url(code: str, period: str, action: str | None = None) -> str:
    if action is None:
        return reverse("reports:return_detail", args=[code, period])
    return reverse("reports:return_action", args=[code, period, action])


def received_in(code: str, p: periods.Period) -> int:
    grid = Grid.objects.get(code=code)
    return Case.objects.filter(
        grid_path__under=grid.path, received_on__range=(p.start, p.end)
    ).count()


def test_the_return_is_signed_consolidated_locked_and_downloaded() -> None:
    p = last_month().key
    maochang = client_for("maochang")
    # Not drafted yet: the page shows what the records say.
    page = maochang.get(url(MAOCHANG, p))
    assert page.status_code == 200
    assert "生成报表草稿" in page.content.decode()
    assert maochang.post(url(MAOCHANG, p, "draft")).status_code == 302
    ret = Return.objects.get(grid__code=MAOCHANG, period_start=last_month().start)
    assert ret.status == ReturnStatus.DRAFT
    received = ret.lines.get(key="cases_received")
    assert received.drafted == received_in(MAOCHANG, last_month())

    # An adjustment without a note is refused, with the figure named; nothing is lost.
    bad = maochang.post(
        url(MAOCHANG, p, "adjust"), {"value-cases_received": "99", "note-cases_received": ""}
    )
    assert bad.status_code == 422
    assert "请填写调整说明" in bad.content.decode()
    assert ret.lines.get(key="cases_received").value == received.drafted
    bad = maochang.post(url(MAOCHANG, p, "adjust"), {"value-cases_received": "abc"})
    assert "数值无效" in bad.content.decode()
    ok = maochang.post(
        url(MAOCHANG, p, "adjust"),
        {"value-cases_received": str(received.drafted + 1), "note-cases_received": "补录一件来信"},
    )
    assert ok.status_code == 302
    line = ret.lines.get(key="cases_received")
    assert (line.value, line.note) == (received.drafted + 1, "补录一件来信")

    # Drafting again recounts; the adjusted line keeps its figure and note.
    assert maochang.post(url(MAOCHANG, p, "draft")).status_code == 302
    assert ret.lines.get(key="cases_received").value == received.drafted + 1

    # Only the township's own 中队长 signs: not the county, not the leader.
    assert client_for("county").post(url(MAOCHANG, p, "sign")).status_code == 403
    assert client_for("leader").post(url(MAOCHANG, p, "sign")).status_code == 403
    assert maochang.post(url(MAOCHANG, p, "sign")).status_code == 302
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SIGNED
    assert ret.signed_by is not None and ret.signed_by.username == "maochang"
    assert maochang.post(url(MAOCHANG, p, "adjust"), {"value-cases_filed": "1"}).status_code == 422

    # The county consolidates: the other townships have not signed, which needs a note.
    county = client_for("county")
    refused = county.post(url(COUNTY, p, "consolidate"), {"note": ""})
    assert refused.status_code == 422
    assert "尚未签报" in refused.content.decode()
    assert not Return.objects.filter(grid__code=COUNTY).exists()
    assert (
        county.post(url(COUNTY, p, "consolidate"), {"note": "其余乡镇按系统生成数汇总"}).status_code
        == 302
    )
    total = Return.objects.get(grid__code=COUNTY, period_start=last_month().start)
    assert total.status == ReturnStatus.CONSOLIDATED
    # The county's figure is 猫场镇's signed one plus everybody else's records.
    assert total.lines.get(key="cases_received").value == received_in(COUNTY, last_month()) + 1
    part = total.parts.get(grid__code=MAOCHANG)
    assert part.source == "signed" and part.source_return_id == ret.pk
    assert total.parts.get(grid__code=MACHANG).source == "draft"

    assert client_for("leader").post(url(COUNTY, p, "lock")).status_code == 403
    assert county.post(url(COUNTY, p, "lock")).status_code == 302
    total.refresh_from_db()
    ret.refresh_from_db()
    assert total.status == ret.status == ReturnStatus.LOCKED

    # Downloads: the fixed layout, the signed and consolidated figures.
    xlsx = county.get(reverse("reports:return_download", args=[COUNTY, p, "xlsx"]))
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    ws = wb["统计报表"]
    assert ws["A1"].value.startswith("大方县劳动保障监察统计月报")
    assert [c.value for c in ws[3]] == ["序号", "指标", "单位", "系统生成数", "上报数", "调整说明"]
    cells = {row[1]: row for row in ws.iter_rows(min_row=4, values_only=True) if row[0]}
    assert cells["收到投诉举报"][4] == f"{received_in(COUNTY, last_month()) + 1:,}"
    assert "分网格" in wb.sheetnames
    pdf = county.get(reverse("reports:return_download", args=[COUNTY, p, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="return_downloaded").count() == 2

    # Locked: nothing changes any more — not a redraft, not a consolidation, not an adjustment.
    before = list(total.lines.values_list("key", "value"))
    assert maochang.post(url(MAOCHANG, p, "draft")).status_code == 422
    assert county.post(url(COUNTY, p, "consolidate"), {"note": "再来"}).status_code == 422
    assert list(total.lines.values_list("key", "value")) == before
    # A later finding is a correction, listed apart.
    assert (
        county.post(
            url(COUNTY, p, "correct"), {"key": "cases_filed", "value": "3", "note": ""}
        ).status_code
        == 422
    )
    assert (
        county.post(
            url(COUNTY, p, "correct"), {"key": "cases_filed", "value": "3", "note": "补录立案一件"}
        ).status_code
        == 302
    )
    fix = ReturnCorrection.objects.get(ret=total)
    assert fix.value == Decimal(3) and fix.locked_value == total.lines.get(key="cases_filed").value
    assert list(total.lines.values_list("key", "value")) == before
    body = county.get(url(COUNTY, p)).content.decode()
    assert "补录立案一件" in body and "锁定后更正为" in body
    wb = load_workbook(
        io.BytesIO(county.get(reverse("reports:return_download", args=[COUNTY, p, "xlsx"])).content)
    )
    assert "锁定后更正" in wb.sheetnames
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "return_drafted",
        "return_adjusted",
        "return_signed",
        "return_consolidated",
        "return_locked",
        "return_corrected",
    } <= actions


def test_a_return_is_signed_only_after_its_period() -> None:
    now = periods.containing(timezone.localdate()).key
    maochang = client_for("maochang")
    assert maochang.post(url(MAOCHANG, now, "draft")).status_code == 302
    refused = maochang.post(url(MAOCHANG, now, "sign"))
    assert refused.status_code == 422
    assert "统计期结束后才能签报" in refused.content.decode()
    future = periods.containing(timezone.localdate()).next().key
    assert maochang.post(url(MAOCHANG, future, "draft")).status_code == 422


def test_scope_and_bad_addresses() -> None:
    p = last_month().key
    maochang = client_for("maochang")
    assert maochang.get(url(MACHANG, p)).status_code == 404
    assert maochang.post(url(MACHANG, p, "draft")).status_code == 404
    assert maochang.get(url(MAOCHANG, "2026-13")).status_code == 404
    assert maochang.post(url(MAOCHANG, p, "explode")).status_code == 404
    # A village has no return of its own: it is a row of its township's.
    village = Grid.objects.filter(parent__code=MAOCHANG).first()
    assert village is not None
    assert maochang.get(url(village.code, p)).status_code == 404
    assert not Return.objects.exists()


def test_quarterly_and_annual_returns_count_their_months() -> None:
    maochang = client_for("maochang")
    year = periods.containing(timezone.localdate(), periods.YEAR)
    assert maochang.post(url(MAOCHANG, year.key, "draft")).status_code == 302
    ret = Return.objects.get(grid__code=MAOCHANG, period_kind="year")
    assert ret.lines.get(key="cases_received").drafted == received_in(MAOCHANG, year)
    q = periods.parse("2026-Q4")
    assert q is not None
    assert maochang.post(url(MAOCHANG, "2026-Q4", "draft")).status_code == 302
    assert Return.objects.get(grid__code=MAOCHANG, period_kind="quarter").lines.get(
        key="cases_received"
    ).drafted == received_in(MAOCHANG, q)


def test_api_returns() -> None:
    p = last_month().key
    maochang = client_for("maochang")
    preview = maochang.get("/api/v1/returns", {"period": p, "grid": MAOCHANG}).json()
    assert preview["status"] == "none"
    lines = {line["key"]: line for line in preview["lines"]}
    assert lines["cases_received"]["drafted"] == received_in(MAOCHANG, last_month())
    path = f"/api/v1/returns?period={p}&grid={MAOCHANG}"
    r = maochang.post(path, {"action": "draft"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "draft"
    r = maochang.post(
        path,
        {"action": "adjust", "lines": [{"key": "cases_filed", "value": "7"}]},
        content_type="application/json",
    )
    assert r.status_code == 422 and "请填写调整说明" in r.json()["detail"][0]
    r = maochang.post(
        path,
        {"action": "adjust", "lines": [{"key": "cases_filed", "value": "7", "note": "核实"}]},
        content_type="application/json",
    )
    assert {x["key"]: x for x in r.json()["lines"]}["cases_filed"]["value"] == 7
    r = maochang.post(path, {"action": "sign"}, content_type="application/json")
    assert r.json()["status"] == "signed"
    leader = client_for("leader")
    assert (
        leader.post(path, {"action": "draft"}, content_type="application/json").status_code == 403
    )
    bad = maochang.get("/api/v1/returns", {"period": "soon", "grid": MAOCHANG})
    assert bad.status_code == 422
    other = maochang.get("/api/v1/returns", {"period": p, "grid": MACHANG})
    assert other.status_code == 404


def test_case_list_period_filters() -> None:
    p = last_month()
    client = client_for("county")
    body = client.get(
        reverse("cases:case_list"), {"grid": MAOCHANG, "received": p.key}
    ).content.decode()
    m = re.search(r"(\d+) 件", body)
    assert m is not None and int(m.group(1)) == received_in(MAOCHANG, p)
    assert f"收到于 {p.key}" in body
    # A bad period is ignored, never an error.
    assert client.get(reverse("cases:case_list"), {"received": "2026-99"}).status_code == 200
    q4 = periods.parse("2026-Q4")
    assert periods.parse("2026-99") is None and q4 is not None and q4.end == date(2026, 12, 31)
