"""Builders shared by the portal and review tests (and the permission matrix)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid
from laborgrid.reviews import services
from laborgrid.reviews.models import ReviewTarget, ReviewYear
from laborgrid.testing.personas import COUNTY

XINGWANG = "大方县猫场镇兴旺建筑劳务有限公司"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32
STRONG = "Xingwang#2026review"


def xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


def user(name: str) -> User:
    return User.objects.get(username=name)


def xingwang() -> Employer:
    return Employer.objects.get(name=XINGWANG)


def review_year(year: int | None = None) -> ReviewYear:
    """The demo's open year, or a new one for ``year`` (opened by the county brigade)."""
    today = timezone.localdate()
    year = year or today.year
    county = Grid.objects.get(code=COUNTY)
    found = ReviewYear.objects.filter(grid=county, year=year).first()
    if found is not None:
        return found
    return services.open_year(
        actor=user("county"),
        grid=county,
        year=year,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=30),
        form_version=f"{year}版",
    )


def target_of(employer: Employer, year: ReviewYear) -> ReviewTarget:
    return ReviewTarget.objects.get(review_year=year, employer=employer)


def valid_form(**extra: object) -> dict[str, object]:
    return {
        "employees": 45,
        "contracts_signed": 38,
        "lowest_monthly_wage": "2800",
        "hours_system": "standard",
        "insured_pension": 30,
        "insured_injury": 45,
        "pay_day": 15,
        "pay_method": "bank",
        **extra,
    }


__all__ = ["date"]
