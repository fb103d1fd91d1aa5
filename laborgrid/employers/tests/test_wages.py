"""The minimum-wage table page: read by everyone with employer data, changed by grid managers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from laborgrid.audit.models import AuditEvent
from laborgrid.employers.models import MinimumWage
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import COUNTY, MACHANG, client_for

pytestmark = pytest.mark.django_db
URL = reverse("employers:minimum_wage_list")


def test_the_county_adds_a_standard_and_a_township_reads_it() -> None:
    county = Grid.objects.get(code=COUNTY)
    response = client_for("county").post(
        URL,
        {
            "area": county.pk,
            "tier": "三类",
            "monthly": "1800",
            "hourly": "18.9",
            "effective_from": "2027-01-01",
            "document": "测试文件",
        },
    )
    assert response.status_code == 302
    row = MinimumWage.objects.get(area=county, effective_from="2027-01-01")
    assert row.monthly == Decimal("1800") and row.area_path == county.path
    assert AuditEvent.objects.filter(action="minimum_wage_changed").exists()
    page = client_for("maochang-a1").get(URL).content.decode()
    assert "1800" in page and "新增标准" not in page


def test_bad_input_is_refused_with_a_message() -> None:
    county = Grid.objects.get(code=COUNTY)
    before = MinimumWage.objects.count()
    response = client_for("county").post(
        URL, {"area": county.pk, "monthly": "-3", "effective_from": "2027-13-01"}
    )
    assert response.status_code == 200
    assert MinimumWage.objects.count() == before
    assert response.context["form"].errors.keys() >= {"monthly", "effective_from"}


def test_a_township_standard_is_invisible_to_another_township() -> None:
    area = Grid.objects.get(code=MACHANG)
    row = MinimumWage.objects.create(
        area=area, area_path=area.path, monthly=1999, effective_from="2025-05-01"
    )
    assert "1999" not in client_for("maochang").get(URL).content.decode()
    edit = reverse("employers:minimum_wage_edit", args=[row.pk])
    assert client_for("maochang").get(edit).status_code == 404
    response = client_for("county").post(
        edit, {"area": area.pk, "monthly": "2001", "effective_from": "2025-05-01"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.monthly == Decimal("2001")


def test_the_leader_reads_but_cannot_change() -> None:
    leader = client_for("leader")
    assert leader.get(URL).status_code == 200
    assert leader.post(URL, {"monthly": "1"}).status_code == 404


def test_a_township_is_not_offered_to_change_the_county_standard() -> None:
    """Issue 23: 修改 was offered on the county's rows to squadron leaders, who then got a 403
    worded for read-only roles."""
    county_rows = MinimumWage.objects.filter(area__code=COUNTY)
    assert county_rows.exists()
    maochang = client_for("maochang")
    body = maochang.get(URL).content.decode()
    for row in county_rows:
        edit = reverse("employers:minimum_wage_edit", args=[row.pk])
        assert edit not in body
        denied = maochang.get(edit)
        assert denied.status_code == 403
        assert "您的岗位只能查看" not in denied.content.decode()
        assert "超出了您的岗位权限或管辖范围" in denied.content.decode()
    county_body = client_for("county").get(URL).content.decode()
    assert all(
        reverse("employers:minimum_wage_edit", args=[r.pk]) in county_body for r in county_rows
    )
